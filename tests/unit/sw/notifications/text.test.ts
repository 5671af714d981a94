import { describe, expect, it } from 'vitest';
import { NOTIFICATION_TEXT } from '../../../../src/sw/notifications/text.ts';

describe('service worker notification text', () => {
  it('has the same keys in French and English', () => {
    expect(Object.keys(NOTIFICATION_TEXT.en).sort()).toEqual(Object.keys(NOTIFICATION_TEXT.fr).sort());
  });
});
