import { describe, expect, it } from 'vitest';
import type { LocalMessage } from '../../../../../src/shared/local-model.ts';
import { highestSeq, orderMessages, startsRun } from '../../../../../src/app/features/chat/message-order.ts';

const CONVERSATION = '01936b2e-7c4a-7def-8abc-000000000001';
const ALICE = '01936b2e-7c4a-7def-8abc-0000000000a1';
const BOB = '01936b2e-7c4a-7def-8abc-0000000000b0';

function message(id: number, overrides: Partial<LocalMessage>): LocalMessage {
  return {
    conversationId: CONVERSATION,
    messageId: `01936b2e-7c4a-7def-8abc-${String(id).padStart(12, '0')}`,
    seq: null,
    senderId: ALICE,
    body: `m${id}`,
    urgent: false,
    time: 1_000 * id,
    status: 'pending',
    ...overrides,
  };
}

describe('orderMessages()', () => {
  it('puts sent messages in seq order, whatever their times say', () => {
    const list = [message(1, { seq: 3, status: 'sent', time: 10 }), message(2, { seq: 1, status: 'sent', time: 30 }), message(3, { seq: 2, status: 'sent', time: 20 })];
    expect(orderMessages(list).map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it('puts pending and failed messages after every sent one, by creation time', () => {
    const list = [
      message(5, { status: 'failed', time: 50 }),
      message(1, { seq: 9, status: 'sent', time: 900 }),
      message(4, { status: 'pending', time: 40 }),
      message(2, { seq: 8, status: 'sent', time: 800 }),
    ];
    expect(orderMessages(list).map((m) => m.body)).toEqual(['m2', 'm1', 'm4', 'm5']);
  });

  it('breaks ties between unsent messages of the same millisecond by id', () => {
    const list = [message(7, { time: 5 }), message(6, { time: 5 })];
    expect(orderMessages(list).map((m) => m.body)).toEqual(['m6', 'm7']);
  });

  it('does not modify its input', () => {
    const list = [message(2, { seq: 2, status: 'sent' }), message(1, { seq: 1, status: 'sent' })];
    orderMessages(list);
    expect(list.map((m) => m.seq)).toEqual([2, 1]);
  });
});

describe('highestSeq()', () => {
  it('is the largest seq, ignoring unsent messages', () => {
    expect(highestSeq([message(1, { seq: 4, status: 'sent' }), message(2, {}), message(3, { seq: 7, status: 'sent' })])).toBe(7);
  });

  it('is 0 when nothing was sequenced', () => {
    expect(highestSeq([message(1, {})])).toBe(0);
    expect(highestSeq([])).toBe(0);
  });
});

describe('startsRun()', () => {
  it('starts a run on the first message, a sender change, or after five quiet minutes', () => {
    const first = message(1, { time: 0 });
    expect(startsRun(first, undefined)).toBe(true);
    expect(startsRun(message(2, { time: 60_000 }), first)).toBe(false);
    expect(startsRun(message(3, { senderId: BOB, time: 60_000 }), first)).toBe(true);
    expect(startsRun(message(4, { time: 5 * 60_000 + 1 }), first)).toBe(true);
  });
});
