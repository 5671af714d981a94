import { describe, expect, it } from 'vitest';
import type { CallHistoryReply } from '../../../src/shared/calls.ts';
import { newId } from '../../../src/shared/ids.ts';
import type { Change, Conversation, Message } from '../../../src/shared/model.ts';
import type { FunctionDetailReply } from '../../../src/shared/oncall.ts';
import type { ServerFrame } from '../../../src/shared/realtime.ts';
import type { LiveClient } from '../helpers.ts';
import { useGateway, type SignedIn } from '../fixture.ts';
import { callsConfig } from '../calls/calls-helpers.ts';

/**
 * Calling a function (`call.invite` with `functionId` instead of `calleeId`): the gateway rings
 * whoever holds it now by its rota and its on-call clock — nobody else, the new holder after a
 * handover —, tells the caller who that is, and records it; a vacant function, a patient, the holder
 * themself, an unknown function and a holder outside the conversation are refused.
 */

const DB = 42;
/**
 * The gateway's on-call clock, pinned to when the file started (`conversation.create` reads the real
 * one: the overrides below hold over both).
 */
const clock = Date.now();
const started = useGateway({ db: DB, calls: callsConfig({ ringSeconds: 30, ackSeconds: 5 }), oncall: { now: () => clock, manualLadder: true } });

type Of<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;

interface Someone extends SignedIn {
  live: LiveClient;
  partyId: string;
}

async function someone(role: Parameters<typeof started.signIn>[0]): Promise<Someone> {
  const signed = await started.signIn(role);
  return { ...signed, live: await started.live(signed.api), partyId: newId() };
}

function next<T extends ServerFrame['type']>(who: Someone, type: T, callId: string, timeoutMs?: number): Promise<Of<T>> {
  return who.live.next((f) => f.type === type && (f as { callId?: string }).callId === callId, timeoutMs) as Promise<Of<T>>;
}

async function none(who: Someone, type: ServerFrame['type'], callId: string): Promise<boolean> {
  return next(who, type, callId, 400).then(
    () => false,
    () => true,
  );
}

/** A function held by `holder` over the pinned clock (an override), or by nobody. */
async function functionHeldBy(admin: SignedIn, holder: SignedIn | null): Promise<{ id: string; name: string }> {
  const name = `Médecin de garde — Médecine ${newId().slice(-4)}`;
  const created = await admin.api.request('POST', '/api/admin/functions', { body: { name, eligibleRoles: ['doctor'] } });
  expect(created.status).toBe(201);
  const id = (created.body as FunctionDetailReply).function.id;
  if (holder) {
    const override = await admin.api.request('POST', `/api/admin/functions/${id}/overrides`, { body: { from: clock - 3_600_000, to: clock + 3_600_000, userId: holder.user.id } });
    expect(override.status).toBe(201);
  }
  return { id, name };
}

/** The conversation the caller's device opens to call the function (as "Écrire à une fonction" does). */
async function functionConversation(caller: SignedIn, functionId: string, named: string[]): Promise<string> {
  const [result] = await caller.api.push([{ id: newId(), kind: 'conversation.create', args: { conversationId: newId(), participantIds: named, functionId } }]);
  expect(result?.ok).toBe(true);
  return (result?.result as { conversation: Conversation }).conversation.id;
}

async function direct(a: SignedIn, b: SignedIn): Promise<string> {
  const [result] = await a.api.push([{ id: newId(), kind: 'conversation.create', args: { conversationId: newId(), participantIds: [b.user.id] } }]);
  return (result?.result as { conversation: Conversation }).conversation.id;
}

function callFunction(caller: Someone, conversationId: string, functionId: string): string {
  const callId = newId();
  caller.live.send({ type: 'call.invite', callId, conversationId, functionId, partyId: caller.partyId, video: true });
  return callId;
}

describe('calling a function', () => {
  it('rings whoever holds it now and nobody else, names them to the caller, and after a handover rings the new holder', async () => {
    const admin = await started.signIn('admin');
    const [nurse, holder, relief] = [await someone('nurse'), await someone('doctor'), await someone('doctor')];
    const duty = await functionHeldBy(admin, holder);

    // The nurse's device names the relief (an old list): the gateway rings the holder, not the relief.
    const conversationId = await functionConversation(nurse, duty.id, [relief.user.id]);
    const callId = callFunction(nurse, conversationId, duty.id);
    expect(await next(holder, 'call.incoming', callId)).toMatchObject({ callerId: nurse.user.id, conversationId });
    holder.live.send({ type: 'call.ringing', callId, partyId: holder.partyId });
    const ringing = await next(nurse, 'call.ringing', callId);
    expect(ringing).toMatchObject({ callee: { id: holder.user.id, name: holder.user.displayName }, functionName: duty.name });
    expect(await none(relief, 'call.incoming', callId)).toBe(true);

    holder.live.send({ type: 'call.accept', callId, partyId: holder.partyId });
    await next(nurse, 'call.accepted', callId);
    nurse.live.send({ type: 'call.hangup', callId, partyId: nurse.partyId });
    expect(await next(nurse, 'call.ended', callId)).toMatchObject({ outcome: 'completed' });

    // The history and the conversation's line record who answered for the function.
    const history = (await nurse.api.get('/api/calls/history')).body as CallHistoryReply;
    expect(history.calls.find((c) => c.callId === callId)).toMatchObject({ peerId: holder.user.id, peerName: holder.user.displayName, functionName: duty.name, outcome: 'completed' });
    const pulled = (await nurse.api.get('/api/sync/pull')).body as { changes: Change[] };
    const lines = pulled.changes.flatMap((c) => (c.type === 'message' && c.message.conversationId === conversationId && c.message.kind === 'system' ? [c.message as Message] : []));
    expect(lines.map((m) => m.system)).toContainEqual(expect.objectContaining({ type: 'call.ended', callId, callerId: nurse.user.id, calleeId: holder.user.id }));

    // The holder hands the function over: the next call rings the relief, not the former holder.
    const handover = await holder.api.request('POST', `/api/functions/${duty.id}/handover`, { body: { toUserId: relief.user.id } });
    expect(handover.status).toBe(200);
    const after = await functionConversation(nurse, duty.id, [holder.user.id]);
    const second = callFunction(nurse, after, duty.id);
    expect(await next(relief, 'call.incoming', second)).toMatchObject({ callerId: nurse.user.id, conversationId: after });
    relief.live.send({ type: 'call.ringing', callId: second, partyId: relief.partyId });
    expect(await next(nurse, 'call.ringing', second)).toMatchObject({ callee: { id: relief.user.id } });
    expect(await none(holder, 'call.incoming', second)).toBe(true);
    nurse.live.send({ type: 'call.hangup', callId: second, partyId: nurse.partyId });
    expect(await next(nurse, 'call.ended', second)).toMatchObject({ outcome: 'cancelled' });
  });

  it('refuses a vacant function, a patient, the holder themself, an unknown function and a holder outside the conversation', async () => {
    const admin = await started.signIn('admin');
    const [nurse, holder, other, patient] = [await someone('nurse'), await someone('doctor'), await someone('doctor'), await someone('patient')];
    const duty = await functionHeldBy(admin, holder);
    const vacant = await functionHeldBy(admin, null);
    const withHolder = await direct(nurse, holder);

    const refused = async (caller: Someone, conversationId: string, functionId: string) => {
      const callId = callFunction(caller, conversationId, functionId);
      const error = await next(caller, 'call.error', callId);
      expect(await none(holder, 'call.incoming', callId)).toBe(true);
      return error.code;
    };
    expect(await refused(nurse, withHolder, vacant.id)).toBe('function_unheld');
    expect(await refused(nurse, withHolder, newId())).toBe('call_not_found');
    // The holder calling their own function would ring themself.
    expect(await refused(holder, withHolder, duty.id)).toBe('bad_request');
    // Staff call patients, not the reverse: refused before the rota is read.
    const patientConversation = await direct(holder, patient);
    expect(await refused(patient, patientConversation, duty.id)).toBe('role_forbidden');
    // The call policy holds for the resolved holder: they must be a member of the conversation.
    const withOther = await direct(nurse, other);
    expect(await refused(nurse, withOther, duty.id)).toBe('call_not_found');
  });

  it("tells the holder's devices the call is for the function, by the gateway's name; a person call names none, and no invite can name one", async () => {
    const admin = await started.signIn('admin');
    const [nurse, holder] = [await someone('nurse'), await someone('doctor')];
    const duty = await functionHeldBy(admin, holder);
    const conversationId = await functionConversation(nurse, duty.id, [holder.user.id]);

    // To the function: the holder's incoming frame carries the name the rota resolved.
    const callId = callFunction(nurse, conversationId, duty.id);
    const incoming = await next(holder, 'call.incoming', callId);
    expect(incoming).toMatchObject({ callerId: nurse.user.id, callerName: nurse.user.displayName, functionName: duty.name });
    nurse.live.send({ type: 'call.hangup', callId, partyId: nurse.partyId });
    expect(await next(holder, 'call.ended', callId)).toMatchObject({ outcome: 'cancelled' });

    // To the same person by name, in the same conversation: no function on the holder's screen.
    const personal = newId();
    nurse.live.send({ type: 'call.invite', callId: personal, conversationId, calleeId: holder.user.id, partyId: nurse.partyId, video: true });
    const personalIncoming = await next(holder, 'call.incoming', personal);
    expect(personalIncoming.callerId).toBe(nurse.user.id);
    expect(personalIncoming).not.toHaveProperty('functionName');
    nurse.live.send({ type: 'call.hangup', callId: personal, partyId: nurse.partyId });
    expect(await next(holder, 'call.ended', personal)).toMatchObject({ outcome: 'cancelled' });

    // A caller's own words for the function are not a field of the invite: refused whole, nothing rings.
    for (const callee of [{ functionId: duty.id }, { calleeId: holder.user.id }]) {
      const forged = newId();
      nurse.live.send({ type: 'call.invite', callId: forged, conversationId, ...callee, functionName: 'Chef de clinique — Urgences', partyId: nurse.partyId, video: true });
      expect(await nurse.live.next((f) => f.type === 'error' || (f.type === 'call.error' && f.callId === forged))).toMatchObject({ code: 'bad_request' });
      expect(await none(holder, 'call.incoming', forged)).toBe(true);
    }
  });

  it('takes exactly one of calleeId and functionId', async () => {
    const [nurse, holder] = [await someone('nurse'), await someone('doctor')];
    const conversationId = await direct(nurse, holder);
    for (const names of [{}, { calleeId: holder.user.id, functionId: newId() }]) {
      const callId = newId();
      nurse.live.send({ type: 'call.invite', callId, conversationId, ...names, partyId: nurse.partyId, video: true });
      expect(await nurse.live.next((f) => f.type === 'error' || (f.type === 'call.error' && f.callId === callId))).toMatchObject({ code: 'bad_request' });
      expect(await none(holder, 'call.incoming', callId)).toBe(true);
    }
  });
});
