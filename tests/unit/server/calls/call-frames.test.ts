import { describe, expect, it } from 'vitest';
import { calleeOf, incomingFrame, type HolderOf } from '../../../../src/server/calls/call-frames.ts';
import { newCall } from '../../../../src/server/calls/call-machine.ts';
import { CallServerFrame, type CallClientFrame } from '../../../../src/shared/calls.ts';
import { newId } from '../../../../src/shared/ids.ts';

const TIMINGS = { ringMs: 30_000, ackMs: 5_000, heartbeatTimeoutMs: 10_000 };
const DUTY = 'Médecin de garde — Médecine';
const [CALL, CONVERSATION, CLAIRE, ANNE, PARTY] = [newId(), newId(), newId(), newId(), newId()];
const FIELDS = { callId: CALL, conversationId: CONVERSATION, callerId: CLAIRE, calleeId: ANNE, callerName: 'Claire Dubois', calleeName: 'Dr Anne Martin', video: true, callerPartyId: PARTY };

/** The rota: the duty function is held by Anne; any other id is unknown. */
const holderOf: HolderOf = async (_callerId, functionId) =>
  functionId === 'duty' ? { ok: true, holderId: ANNE, functionName: DUTY } : { ok: false, code: 'not_found' };

function invite(callee: { calleeId: string } | { functionId: string }): Extract<CallClientFrame, { type: 'call.invite' }> {
  return { type: 'call.invite', callId: CALL, conversationId: CONVERSATION, ...callee, partyId: PARTY, video: true };
}

describe('incomingFrame()', () => {
  it("names the function a call rings its holder for, by the rota's name, and none for a call to a person", async () => {
    const toFunction = await calleeOf(CLAIRE, invite({ functionId: 'duty' }), holderOf);
    expect(toFunction).toEqual({ calleeId: ANNE, functionName: DUTY });
    if ('code' in toFunction) return;
    const ringing = incomingFrame(newCall({ ...FIELDS, ...toFunction }, 1_000, TIMINGS), 1_000);
    expect(ringing).toMatchObject({ type: 'call.incoming', callerId: CLAIRE, callerName: 'Claire Dubois', functionName: DUTY, expiresAt: 31_000 });
    expect(CallServerFrame.safeParse(ringing).success).toBe(true);

    const toPerson = await calleeOf(CLAIRE, invite({ calleeId: ANNE }), holderOf);
    expect(toPerson).toEqual({ calleeId: ANNE });
    if ('code' in toPerson) return;
    expect(incomingFrame(newCall({ ...FIELDS, ...toPerson }, 1_000, TIMINGS), 1_000)).not.toHaveProperty('functionName');
  });
});
