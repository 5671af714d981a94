import { describe, expect, it } from 'vitest';
import { unreadMinutes } from '../../../../../src/app/features/chat/unread-since.ts';

const noon = Date.parse('2026-03-10T12:00:00Z');

describe('unreadMinutes()', () => {
  const sent = { urgent: true, status: 'sent', time: noon };
  it('says how long an urgent message stayed unread, from 10 minutes on', () => {
    expect(unreadMinutes(sent, 0, noon + 9 * 60_000)).toBeNull();
    expect(unreadMinutes(sent, 0, noon + 10 * 60_000)).toBe(10);
    expect(unreadMinutes(sent, 0, noon + 14 * 60_000 + 59_000)).toBe(14);
  });

  it('says nothing once someone read it, or for an ordinary or unsent message', () => {
    const later = noon + 30 * 60_000;
    expect(unreadMinutes(sent, 1, later)).toBeNull();
    expect(unreadMinutes({ ...sent, urgent: false }, 0, later)).toBeNull();
    expect(unreadMinutes({ ...sent, status: 'pending' }, 0, later)).toBeNull();
  });
});
