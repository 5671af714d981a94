import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LadderBody, ROTA_LIMITS, type LadderStep } from '../../../../src/shared/oncall.ts';
import { decideStep, startLadder, stepDueAt, type LadderEntry } from '../../../../src/server/oncall/ladder.ts';

const BACKUP = '0190a3c4-0000-7000-8000-00000000000b';
const HEAD = '0190a3c4-0000-7000-8000-0000000000f2';
const ID = '0190a3c4-0000-7000-8000-0000000000ff';

const TWO_STEPS: LadderStep[] = [
  { afterMinutes: 5, target: { kind: 'user', userId: BACKUP } },
  { afterMinutes: 10, target: { kind: 'function', functionId: HEAD } },
];

beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2026, 11, 7, 13, 0) });
});
afterEach(() => {
  vi.useRealTimers();
});

/**
 * Drives one urgent message's ladder as the scheduler does — a queue of one entry, looked at every
 * 15 s of fake time — and answers which steps escalated, at how many ms after the message.
 * `answeredAfterMs`: when a recipient acknowledges (never, if absent).
 */
function runLadder(steps: LadderStep[], forMs: number, answeredAfterMs?: number): { step: number; atMs: number }[] {
  const sentAt = Date.now();
  let queued = startLadder({ conversationId: ID, messageId: ID, seq: 1, senderId: ID, functionId: ID, sentAt }, steps);
  const escalated: { step: number; atMs: number }[] = [];
  while (Date.now() - sentAt < forMs) {
    vi.advanceTimersByTime(15_000);
    const now = Date.now();
    if (queued === null || queued.dueAt > now) continue;
    const answered = answeredAfterMs !== undefined && now - sentAt >= answeredAfterMs;
    const decision = decideStep(queued.entry, steps, { answered, now });
    if (decision.kind === 'stop') queued = null;
    else if (decision.kind === 'wait') queued = { entry: queued.entry, dueAt: decision.dueAt };
    else {
      escalated.push({ step: decision.number, atMs: now - sentAt });
      queued = decision.next;
    }
  }
  return escalated;
}

describe('the escalation ladder (oncall/ladder.ts)', () => {
  it('runs each step when it is due, in order, once, and ends after the last', () => {
    expect(runLadder(TWO_STEPS, 60 * 60_000)).toEqual([
      { step: 1, atMs: 5 * 60_000 },
      { step: 2, atMs: 10 * 60_000 },
    ]);
  });

  it('runs no step before its time', () => {
    expect(runLadder(TWO_STEPS, 5 * 60_000 - 15_000)).toEqual([]);
  });

  it('stops at the first acknowledgement: after one, no further step runs', () => {
    expect(runLadder(TWO_STEPS, 60 * 60_000, 7 * 60_000)).toEqual([{ step: 1, atMs: 5 * 60_000 }]);
    expect(runLadder(TWO_STEPS, 60 * 60_000, 2 * 60_000)).toEqual([]);
  });

  it('has no ladder for a function without steps', () => {
    expect(startLadder({ conversationId: ID, messageId: ID, seq: 1, senderId: ID, functionId: ID, sentAt: Date.now() }, [])).toBeNull();
  });

  it('waits when the ladder was changed to a later step since it was queued, and stops when the step is gone', () => {
    const entry: LadderEntry = { conversationId: ID, messageId: ID, seq: 1, senderId: ID, functionId: ID, sentAt: Date.now(), step: 1 };
    vi.advanceTimersByTime(10 * 60_000);
    const later: LadderStep[] = [TWO_STEPS[0]!, { ...TWO_STEPS[1]!, afterMinutes: 20 }];
    expect(decideStep(entry, later, { answered: false, now: Date.now() })).toEqual({ kind: 'wait', dueAt: entry.sentAt + 20 * 60_000 });
    expect(decideStep(entry, [TWO_STEPS[0]!], { answered: false, now: Date.now() })).toEqual({ kind: 'stop', reason: 'done' });
    expect(stepDueAt(entry, TWO_STEPS)).toBe(entry.sentAt + 10 * 60_000);
  });
});

describe('LadderBody (PUT /api/admin/functions/:id/ladder)', () => {
  const step = (afterMinutes: number): LadderStep => ({ afterMinutes, target: { kind: 'user', userId: BACKUP } });

  it('accepts steps in strictly increasing time, and none', () => {
    expect(LadderBody.safeParse({ steps: TWO_STEPS }).success).toBe(true);
    expect(LadderBody.safeParse({ steps: [] }).success).toBe(true);
  });

  it('refuses steps out of order or at the same time', () => {
    expect(LadderBody.safeParse({ steps: [step(10), step(5)] }).success).toBe(false);
    expect(LadderBody.safeParse({ steps: [step(5), step(5)] }).success).toBe(false);
  });

  it('bounds the minutes (1 … 240, whole) and the number of steps', () => {
    expect(LadderBody.safeParse({ steps: [step(0)] }).success).toBe(false);
    expect(LadderBody.safeParse({ steps: [step(1.5)] }).success).toBe(false);
    expect(LadderBody.safeParse({ steps: [step(ROTA_LIMITS.LADDER_AFTER_MAX_MINUTES)] }).success).toBe(true);
    expect(LadderBody.safeParse({ steps: [step(ROTA_LIMITS.LADDER_AFTER_MAX_MINUTES + 1)] }).success).toBe(false);
    const many = Array.from({ length: ROTA_LIMITS.LADDER_STEPS_MAX + 1 }, (_, i) => step(i + 1));
    expect(LadderBody.safeParse({ steps: many }).success).toBe(false);
    expect(LadderBody.safeParse({ steps: many.slice(0, ROTA_LIMITS.LADDER_STEPS_MAX) }).success).toBe(true);
  });

  it('refuses an unknown target kind or extra fields', () => {
    expect(LadderBody.safeParse({ steps: [{ afterMinutes: 5, target: { kind: 'team', id: ID } }] }).success).toBe(false);
    expect(LadderBody.safeParse({ steps: [{ ...step(5), note: 'x' }] }).success).toBe(false);
  });
});
