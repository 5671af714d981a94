import { describe, expect, it } from 'vitest';
import { topicMatches } from '../../../../src/app/core/sw-client.ts';

describe('topicMatches()', () => {
  it('matches an exact topic or a prefix ending with a colon', () => {
    expect(topicMatches('conversations', 'conversations')).toBe(true);
    expect(topicMatches('messages:', 'messages:abc')).toBe(true);
    expect(topicMatches('messages:abc', 'messages:abcd')).toBe(false);
    expect(topicMatches('sync', 'sync:extra')).toBe(false);
  });
});
