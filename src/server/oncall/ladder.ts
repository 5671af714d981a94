import type { LadderStep } from '../../shared/oncall.ts';

/**
 * A function's escalation ladder, as pure decisions (no Redis, no clock of its own): when an urgent
 * message is written to a function with a ladder, its first step is queued; at each step's time,
 * if nobody but the sender answered, the step's target is added and alerted, and the next step is
 * queued — until the ladder ends or somebody answers.
 *
 *   urgent message to a function with a ladder
 *        │ queue step 1 at sentAt + steps[0].afterMinutes
 *        ▼
 *   ┌─ step n due ──▶ any recipient acknowledged or claimed? ── yes ─▶ stop
 *   │                        │ no
 *   │                        ▼
 *   │     target (a person, or another function's holder now) ── none, or the sender ─▶ skip ─┐
 *   │                        │                                                              │
 *   │                        ▼                                                              │
 *   │     add to the conversation + `urgent.escalated` line + Urgency high push +           │
 *   │     reminders (push/escalation.ts) + audit                                            │
 *   │                        │                                                              │
 *   │                        ▼                                                              │
 *   └──── queue step n + 1 at sentAt + steps[n].afterMinutes ◀──────────────────────────────┘
 *                            (none left: the ladder is done)
 *
 * The steps are read at each step's time: an admin who changes the ladder changes what comes next.
 */

/** One queued step of one urgent message's ladder (its JSON is the queue member: built by `ladderEntry` in a fixed key order). */
export interface LadderEntry {
  conversationId: string;
  messageId: string;
  /** The message's seq (for the pushes). */
  seq: number;
  senderId: string;
  functionId: string;
  /** When the ladder started: the gateway's clock when the message was appended (ms). */
  sentAt: number;
  /** Index of the step this entry runs (0: the first). */
  step: number;
}

/** The entry, with its keys in a fixed order, so the same step is always the same queue member. */
export function ladderEntry(entry: LadderEntry): LadderEntry {
  const { conversationId, messageId, seq, senderId, functionId, sentAt, step } = entry;
  return { conversationId, messageId, seq, senderId, functionId, sentAt, step };
}

/** When `entry`'s step is due by these steps; null when the ladder has no such step. */
export function stepDueAt(entry: Pick<LadderEntry, 'sentAt' | 'step'>, steps: readonly LadderStep[]): number | null {
  const step = steps[entry.step];
  return step === undefined ? null : entry.sentAt + step.afterMinutes * 60_000;
}

/** The first step of a new urgent message's ladder and when it is due, or null for no ladder. */
export function startLadder(start: Omit<LadderEntry, 'step'>, steps: readonly LadderStep[]): { entry: LadderEntry; dueAt: number } | null {
  const entry = ladderEntry({ ...start, step: 0 });
  const dueAt = stepDueAt(entry, steps);
  return dueAt === null ? null : { entry, dueAt };
}

export type LadderDecision =
  | { kind: 'stop'; reason: 'answered' | 'done' }
  /** Not due yet (the ladder changed since it was queued): queue it again then. */
  | { kind: 'wait'; dueAt: number }
  | { kind: 'escalate'; step: LadderStep; number: number; next: { entry: LadderEntry; dueAt: number } | null };

/** What a due entry does now (see the module's drawing). */
export function decideStep(entry: LadderEntry, steps: readonly LadderStep[], state: { answered: boolean; now: number }): LadderDecision {
  if (state.answered) return { kind: 'stop', reason: 'answered' };
  const step = steps[entry.step];
  const dueAt = stepDueAt(entry, steps);
  if (step === undefined || dueAt === null) return { kind: 'stop', reason: 'done' };
  if (dueAt > state.now) return { kind: 'wait', dueAt };
  const following = ladderEntry({ ...entry, step: entry.step + 1 });
  const nextDue = stepDueAt(following, steps);
  return { kind: 'escalate', step, number: entry.step + 1, next: nextDue === null ? null : { entry: following, dueAt: nextDue } };
}
