import { describe, expect, it } from 'vitest';
import { newId } from '../../../../src/shared/ids.ts';
import { median, responseDelays } from '../../../../src/server/store/stats.ts';

describe('statistics helpers', () => {
  it('measures my response delays from the first message of the others after my last one', () => {
    const me = newId();
    const other = newId();
    const m = (senderId: string, serverTime: number) => ({ conversationId: newId(), messageId: newId(), seq: 1, senderId, body: 'x', serverTime, urgent: false });
    expect(responseDelays([m(other, 0), m(other, 5_000), m(me, 60_000), m(me, 70_000), m(other, 100_000), m(me, 130_000)], me)).toEqual([60_000, 30_000]);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});
