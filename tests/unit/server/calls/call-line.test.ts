import { describe, expect, it } from 'vitest';
import { callLine } from '../../../../src/server/calls/call-history.ts';
import { newCall, type CallRecord } from '../../../../src/server/calls/call-machine.ts';
import type { CallOutcome } from '../../../../src/shared/calls.ts';

const TIMINGS = { ringMs: 30_000, ackMs: 5_000, heartbeatTimeoutMs: 10_000 };

/** A call that ended with `outcome` (answered at 1 s, ended at 253 s when `answered`). */
function ended(outcome: CallOutcome, reason: string | null, options: { answered?: boolean } = {}): CallRecord {
  const call = newCall(
    { callId: 'call', conversationId: 'conv', callerId: 'anne', calleeId: 'karim', callerName: 'Anne', calleeName: 'Karim', video: false, callerPartyId: 'pa' },
    0,
    TIMINGS,
  );
  return { ...call, state: 'ended', outcome, reason, answeredAt: options.answered ? 1_000 : null, endedAt: 253_000 };
}

describe('callLine()', () => {
  it('writes call.ended for an answered, declined or cut-off call, with who called whom and how long', () => {
    expect(callLine(ended('completed', null, { answered: true }))).toEqual({
      type: 'call.ended',
      callId: 'call',
      callerId: 'anne',
      calleeId: 'karim',
      outcome: 'completed',
      video: false,
      durationSeconds: 252,
    });
    expect(callLine(ended('declined', null))).toMatchObject({ type: 'call.ended', outcome: 'declined', durationSeconds: 0 });
    expect(callLine(ended('failed', 'heartbeat_timeout', { answered: true }))).toMatchObject({ type: 'call.ended', outcome: 'failed', durationSeconds: 252 });
  });

  it('keeps call.missed for a call nobody answered: missed, no device, cancelled while ringing, callee busy', () => {
    for (const [outcome, reason] of [['missed', 'timeout'], ['unavailable', 'no_device'], ['cancelled', null], ['cancelled', 'no_longer_member'], ['busy', 'callee_busy']] as const) {
      expect(callLine(ended(outcome, reason))).toEqual({ type: 'call.missed', callId: 'call' });
    }
  });

  it('writes nothing for a call that never left the caller (own line busy, the younger of two crossing calls)', () => {
    expect(callLine(ended('busy', 'caller_busy'))).toBeNull();
    expect(callLine(ended('cancelled', 'glare'))).toBeNull();
  });
});
