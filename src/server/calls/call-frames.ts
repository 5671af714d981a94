import type { CallClientFrame, CallServerFrame } from '../../shared/calls.ts';
import { durationSeconds, type CallRecord } from './call-machine.ts';

/** The frame that tells a device where a call stands now. */
export function stateFrame(record: CallRecord): CallServerFrame {
  if (record.state === 'ended') {
    return {
      type: 'call.ended',
      callId: record.callId,
      outcome: record.outcome ?? 'failed',
      ...(record.reason ? { reason: record.reason } : {}),
      ...(record.endedByPartyId ? { byPartyId: record.endedByPartyId } : {}),
      durationSeconds: durationSeconds(record),
    };
  }
  if (record.state === 'active') {
    return {
      type: 'call.accepted',
      callId: record.callId,
      callerPartyId: record.callerPartyId,
      calleePartyId: record.calleePartyId ?? '',
      answeredAt: record.answeredAt ?? 0,
    };
  }
  return { type: 'call.ringing', callId: record.callId, expiresAt: record.expiresAt, serverTime: Date.now() };
}

/**
 * The frame a bound party's `call.signal` or `call.media` becomes for the other party (SDP, ICE, or
 * their camera and microphone state), and who that other party is.
 */
export function relayedFrame(
  record: CallRecord,
  userId: string,
  frame: Extract<CallClientFrame, { type: 'call.signal' | 'call.media' }>,
): { toUserId: string; frame: CallServerFrame } {
  const toCaller = userId === record.calleeId;
  const toUserId = toCaller ? record.callerId : record.calleeId;
  const toPartyId = (toCaller ? record.callerPartyId : record.calleePartyId) ?? '';
  if (frame.type === 'call.signal') {
    const { type: _type, partyId, ...signal } = frame;
    return { toUserId, frame: { type: 'call.signal', ...signal, fromPartyId: partyId, toPartyId } };
  }
  return {
    toUserId,
    frame: { type: 'call.media', callId: frame.callId, fromPartyId: frame.partyId, toPartyId, audio: frame.audio, video: frame.video },
  };
}
