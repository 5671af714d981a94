import type { CallClientFrame, CallServerFrame } from '../../shared/calls.ts';
import { durationSeconds, type CallRecord } from './call-machine.ts';

/**
 * Who holds `functionId` now by its rota (the gateway's on-call clock): `role_forbidden` for a caller
 * who may not see functions (a patient, an admin), `not_found`, `function_unheld` when vacant.
 */
export type HolderOf = (
  callerId: string,
  functionId: string,
) => Promise<{ ok: true; holderId: string; functionName: string } | { ok: false; code: 'role_forbidden' | 'not_found' | 'function_unheld' }>;

type CalleeRefusal = 'call_not_found' | 'role_forbidden' | 'function_unheld' | 'bad_request';

/**
 * Whom an invite rings: its `calleeId`, or whoever holds its `functionId` now (the gateway's rota,
 * not the device's list); never the caller themself (`bad_request`).
 */
export async function calleeOf(
  userId: string,
  frame: Extract<CallClientFrame, { type: 'call.invite' }>,
  holderOf: HolderOf,
): Promise<{ calleeId: string; functionName?: string } | { code: CalleeRefusal }> {
  let callee: { calleeId: string | undefined; functionName?: string } = { calleeId: frame.calleeId };
  if (frame.functionId !== undefined) {
    const held = await holderOf(userId, frame.functionId);
    if (!held.ok) return { code: held.code === 'not_found' ? 'call_not_found' : held.code };
    callee = { calleeId: held.holderId, functionName: held.functionName };
  }
  const { calleeId, functionName } = callee;
  if (calleeId === undefined || calleeId === userId) return { code: 'bad_request' };
  return functionName === undefined ? { calleeId } : { calleeId, functionName };
}

/**
 * The frame that rings the callee's devices. A call to a function names it: the name the gateway's
 * rota resolved from the invite's `functionId` (`calleeOf`), never words of the caller's.
 */
export function incomingFrame(record: CallRecord, serverTime: number): Extract<CallServerFrame, { type: 'call.incoming' }> {
  return {
    type: 'call.incoming',
    callId: record.callId,
    conversationId: record.conversationId,
    callerId: record.callerId,
    callerName: record.callerName,
    callerPartyId: record.callerPartyId,
    video: record.video,
    expiresAt: record.expiresAt,
    serverTime,
    ...(record.functionName !== undefined ? { functionName: record.functionName } : {}),
  };
}

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
  return {
    type: 'call.ringing',
    callId: record.callId,
    expiresAt: record.expiresAt,
    serverTime: Date.now(),
    ...(record.functionName !== undefined ? { callee: { id: record.calleeId, name: record.calleeName }, functionName: record.functionName } : {}),
  };
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
