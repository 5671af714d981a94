import { describe, expect, it } from 'vitest';
import type { LocalMessage } from '../../../../../src/shared/local-model.ts';
import { hasOlder } from '../../../../../src/app/features/chat/message-list/has-older.ts';

const at = (seq: number | null): LocalMessage => ({
  conversationId: 'c',
  messageId: `m${seq ?? 'p'}`,
  seq,
  senderId: 'u',
  body: '',
  urgent: false,
  time: 1,
  status: seq === null ? 'pending' : 'sent',
});

describe('hasOlder()', () => {
  it('offers "Messages précédents" when older pages are kept here or the first message loaded is not seq 1', () => {
    expect(hasOlder([at(1), at(2)], 30)).toBe(true);
    expect(hasOlder([at(41), at(42)], 0)).toBe(true);
  });

  it('offers nothing on a new conversation, a pending-only one, or one loaded back to its first message', () => {
    expect(hasOlder([], 0)).toBe(false);
    expect(hasOlder([at(null)], 0)).toBe(false);
    expect(hasOlder([at(1), at(2), at(null)], 0)).toBe(false);
  });
});
