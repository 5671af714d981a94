import type { CallOutcome } from '../../shared/calls.ts';

/**
 * The call state machine. Pure: (record, event, now) → next record; the service stores the record in
 * Redis with a compare-and-set on `version`, so two gateways applying events to one call never both
 * win, and every side effect (frames, history) follows exactly one successful transition.
 *
 *                 invite
 *                    │   (callee line taken ─▶ ended: busy; callee already calling us ─▶ glare:
 *                    ▼    the older call survives, the younger ends as cancelled)
 *   ┌────────── ringing ───────────────────────────────────────────────┐
 *   │   ring-ack │ (a callee device rings: unavailable no longer possible)
 *   │            ▼                                                      │
 *   │        ringing ──accept (first callee device wins)──▶ active     │
 *   │            │                                            │        │
 *   │   decline ─┼─▶ ended: declined                hangup ───┼─▶ ended: completed
 *   │   caller   │                                            │
 *   │   hangup ──┼─▶ ended: cancelled        heartbeat lost ──┴─▶ ended: failed
 *   │   ring     │
 *   │   deadline ┴─▶ ended: missed
 *   └── no ring-ack by the ack deadline ─▶ ended: unavailable (no callee device online)
 *
 *   a party no longer in the conversation (removed, left, deleted for everyone) ─▶ ended, reason
 *   `no_longer_member`: cancelled while ringing, completed once answered
 *
 * Deadlines are server times stored in the record (`expiresAt`, `ackBy`, heartbeats): any gateway's
 * sweeper can end a call whose gateway vanished, so no call stays `ringing` or `active` forever.
 */
export type CallState = 'ringing' | 'active' | 'ended';

export interface CallRecord {
  callId: string;
  conversationId: string;
  callerId: string;
  calleeId: string;
  callerName: string;
  calleeName: string;
  /** A call made to a function: its name (the callee is who held it when the call started). */
  functionName?: string;
  video: boolean;
  callerPartyId: string;
  /** The callee device that accepted (or declined); null while ringing. */
  calleePartyId: string | null;
  state: CallState;
  outcome: CallOutcome | null;
  reason: string | null;
  /** The device whose action ended the call (null for timeouts). */
  endedByPartyId: string | null;
  createdAt: number;
  /** Ring deadline: still ringing then ⇒ missed. */
  expiresAt: number;
  /** No callee device rang by then ⇒ unavailable. */
  ackBy: number;
  rangAt: number | null;
  answeredAt: number | null;
  endedAt: number | null;
  callerBeat: number;
  calleeBeat: number | null;
  version: number;
}

export interface CallTimings {
  ringMs: number;
  ackMs: number;
  /** A party silent (no heartbeat) this long during an active call has vanished. */
  heartbeatTimeoutMs: number;
}

export type CallEvent =
  | { kind: 'ring-ack'; userId: string; partyId: string }
  | { kind: 'accept'; userId: string; partyId: string }
  | { kind: 'decline'; userId: string; partyId: string }
  | { kind: 'hangup'; userId: string; partyId: string }
  | { kind: 'heartbeat'; userId: string; partyId: string }
  | { kind: 'tick' }
  | { kind: 'end'; outcome: CallOutcome; reason: string }
  /** A party left the call's conversation (removed, left, or it was deleted for everyone). */
  | { kind: 'party-gone' };

/** What a transition did, for the service to announce. */
export type CallEffect = 'rang' | 'accepted' | 'ended' | 'beat';

export type CallStep =
  | { ok: true; record: CallRecord; effect: CallEffect | null }
  | { ok: false; code: 'call_not_found' | 'not_allowed' | 'answered_elsewhere' | 'ended' };

/** A new ringing call. */
export function newCall(
  fields: Pick<CallRecord, 'callId' | 'conversationId' | 'callerId' | 'calleeId' | 'callerName' | 'calleeName' | 'video' | 'callerPartyId'> &
    Pick<Partial<CallRecord>, 'functionName'>,
  now: number,
  timings: CallTimings,
): CallRecord {
  return {
    ...fields,
    calleePartyId: null,
    state: 'ringing',
    outcome: null,
    reason: null,
    endedByPartyId: null,
    createdAt: now,
    expiresAt: now + timings.ringMs,
    ackBy: now + Math.min(timings.ackMs, timings.ringMs),
    rangAt: null,
    answeredAt: null,
    endedAt: null,
    callerBeat: now,
    calleeBeat: null,
    version: 0,
  };
}

/** Whole seconds between answer and end (0 for a call never answered). */
export function durationSeconds(record: CallRecord): number {
  if (record.answeredAt === null || record.endedAt === null) return 0;
  return Math.max(0, Math.round((record.endedAt - record.answeredAt) / 1000));
}

/** True when `userId`'s device `partyId` is the one bound to the call on that side. */
export function isBoundParty(record: CallRecord, userId: string, partyId: string): boolean {
  if (userId === record.callerId && partyId === record.callerPartyId) return true;
  return userId === record.calleeId && record.calleePartyId === partyId;
}

function ended(record: CallRecord, outcome: CallOutcome, now: number, reason: string | null, byPartyId: string | null): CallStep {
  return {
    ok: true,
    effect: 'ended',
    record: { ...record, state: 'ended', outcome, reason, endedAt: now, endedByPartyId: byPartyId },
  };
}

const unchanged = (record: CallRecord): CallStep => ({ ok: true, record, effect: null });

/** Applies one event at server time `now`. */
export function applyCallEvent(record: CallRecord, event: CallEvent, now: number, timings: CallTimings): CallStep {
  if ('userId' in event && event.userId !== record.callerId && event.userId !== record.calleeId) {
    // A third user learns nothing, not even that the call exists.
    return { ok: false, code: 'call_not_found' };
  }
  if (record.state === 'ended') return event.kind === 'tick' ? unchanged(record) : { ok: false, code: 'ended' };
  switch (event.kind) {
    case 'tick':
      return tick(record, now, timings);
    case 'end':
      return ended(record, event.outcome, now, event.reason, null);
    case 'party-gone':
      return ended(record, record.state === 'active' ? 'completed' : 'cancelled', now, 'no_longer_member', null);
    case 'ring-ack':
      if (event.userId !== record.calleeId || record.state !== 'ringing') return unchanged(record);
      if (record.rangAt !== null) return unchanged(record);
      return { ok: true, effect: 'rang', record: { ...record, rangAt: now } };
    case 'accept':
      if (event.userId !== record.calleeId) return { ok: false, code: 'not_allowed' };
      if (record.state === 'active') {
        return record.calleePartyId === event.partyId ? unchanged(record) : { ok: false, code: 'answered_elsewhere' };
      }
      return {
        ok: true,
        effect: 'accepted',
        record: { ...record, state: 'active', calleePartyId: event.partyId, answeredAt: now, calleeBeat: now, callerBeat: now },
      };
    case 'decline':
      if (event.userId !== record.calleeId) return { ok: false, code: 'not_allowed' };
      if (record.state !== 'ringing') return { ok: false, code: 'answered_elsewhere' };
      return ended({ ...record, calleePartyId: event.partyId }, 'declined', now, null, event.partyId);
    case 'hangup':
      if (record.state === 'ringing') {
        if (event.userId === record.callerId) {
          if (event.partyId !== record.callerPartyId) return { ok: false, code: 'not_allowed' };
          return ended(record, 'cancelled', now, null, event.partyId);
        }
        // The callee hanging up a ringing call declines it.
        return ended({ ...record, calleePartyId: event.partyId }, 'declined', now, null, event.partyId);
      }
      if (!isBoundParty(record, event.userId, event.partyId)) return { ok: false, code: 'not_allowed' };
      return ended(record, 'completed', now, null, event.partyId);
    case 'heartbeat':
      if (record.state === 'ringing') {
        if (event.userId === record.callerId && event.partyId === record.callerPartyId) {
          return { ok: true, effect: 'beat', record: { ...record, callerBeat: now } };
        }
        return unchanged(record);
      }
      if (!isBoundParty(record, event.userId, event.partyId)) return { ok: false, code: 'not_allowed' };
      return {
        ok: true,
        effect: 'beat',
        record: event.userId === record.callerId ? { ...record, callerBeat: now } : { ...record, calleeBeat: now },
      };
  }
}

function tick(record: CallRecord, now: number, timings: CallTimings): CallStep {
  if (record.state === 'ringing') {
    if (record.rangAt === null && now >= record.ackBy) return ended(record, 'unavailable', now, 'no_device', null);
    if (now >= record.expiresAt) return ended(record, 'missed', now, 'timeout', null);
    // The caller's page vanished while ringing: nobody would ever hang up.
    if (now - record.callerBeat >= timings.heartbeatTimeoutMs) return ended(record, 'cancelled', now, 'heartbeat_timeout', null);
    return unchanged(record);
  }
  const lastSeen = Math.min(record.callerBeat, record.calleeBeat ?? record.callerBeat);
  if (now - lastSeen >= timings.heartbeatTimeoutMs) {
    // The call lasted until the last moment both parties were known to be there.
    return ended({ ...record }, 'failed', Math.max(lastSeen, record.answeredAt ?? lastSeen), 'heartbeat_timeout', null);
  }
  return unchanged(record);
}

/** When the sweeper must look at this call next (null once ended). */
export function nextDue(record: CallRecord, timings: CallTimings): number | null {
  if (record.state === 'ended') return null;
  if (record.state === 'ringing') {
    const due = Math.min(record.expiresAt, record.callerBeat + timings.heartbeatTimeoutMs);
    return record.rangAt === null ? Math.min(due, record.ackBy) : due;
  }
  return Math.min(record.callerBeat, record.calleeBeat ?? record.callerBeat) + timings.heartbeatTimeoutMs;
}
