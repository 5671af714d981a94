import { describe, expect, it } from 'vitest';
import type { LocalMessage } from '../../../../../src/shared/local-model.ts';
import { mergeNewest, prependOlder } from '../../../../../src/app/features/chat/message-pages.ts';

const CONVERSATION = '00000000-0000-4000-8000-000000000001';

function sent(seq: number): LocalMessage {
  return { conversationId: CONVERSATION, messageId: `m${seq}`, seq, senderId: 'u', body: '', urgent: false, time: seq, status: 'sent' };
}

function pending(messageId: string): LocalMessage {
  return { conversationId: CONVERSATION, messageId, seq: null, senderId: 'u', body: '', urgent: false, time: 1e6, status: 'pending' };
}

const range = (from: number, to: number): LocalMessage[] => Array.from({ length: to - from + 1 }, (_, i) => sent(from + i));
const ids = (messages: LocalMessage[]): string[] => messages.map((message) => message.messageId);

describe('mergeNewest()', () => {
  it('keeps the older pages loaded and takes the fresh newest page, a message sent since once', () => {
    const loaded = [...range(1, 20), pending('p1')];
    const merged = mergeNewest(loaded, { messages: [...range(12, 21).map((m) => (m.seq === 21 ? { ...m, messageId: 'p1' } : m))], olderLocal: 11 });
    expect(ids(merged.messages)).toEqual([...ids(range(1, 20)), 'p1']);
    expect(merged.olderLocal).toBe(0);
  });

  it('counts the stored messages still above the loaded ones', () => {
    const merged = mergeNewest(range(41, 60), { messages: range(51, 61), olderLocal: 50 });
    expect(ids(merged.messages)).toEqual(ids(range(41, 61)));
    expect(merged.olderLocal).toBe(40);
  });

  it('stands the fresh page alone when it does not reach the loaded ones', () => {
    const merged = mergeNewest(range(1, 10), { messages: range(300, 400), olderLocal: 299 });
    expect(ids(merged.messages)).toEqual(ids(range(300, 400)));
    expect(merged.olderLocal).toBe(299);
  });
});

describe('prependOlder()', () => {
  it('puts an older page in front without the rows already loaded', () => {
    expect(ids(prependOlder(range(5, 8), range(1, 5)))).toEqual(ids(range(1, 8)));
  });
});
