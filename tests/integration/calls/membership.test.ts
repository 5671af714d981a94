import { afterEach, describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import type { CallHistoryEntry } from '../../../src/shared/calls.ts';
import type { LiveClient } from '../helpers.ts';
import { useGateway } from '../fixture.ts';
import { CALLS_DB, callsConfig, invite, nextCallFrame, person, type Device, type Person } from './calls-helpers.ts';

/** A call does not outlive its parties' membership: removed, left, or deleted for everyone, it ends. */

const opened: LiveClient[] = [];
const gateway = useGateway({ db: CALLS_DB, calls: callsConfig({ ringSeconds: 30, ackSeconds: 5 }) });
const { redis } = gateway;

afterEach(() => {
  for (const live of opened.splice(0)) live.close();
});

/** Anne's group with Karim and Zoé, and a device each for Anne and Karim. */
async function group(): Promise<{ anne: Person; karim: Person; zoe: Person; conversationId: string; a: Device; k: Device }> {
  const [anne, karim, zoe] = [await person(redis, gateway.url, opened), await person(redis, gateway.url, opened), await person(redis, gateway.url, opened)];
  const conversationId = newId();
  const [created] = await anne.api.push([
    { id: newId(), kind: 'conversation.create', args: { conversationId, participantIds: [karim.id, zoe.id], title: 'Garde' } },
  ]);
  expect(created?.ok).toBe(true);
  return { anne, karim, zoe, conversationId, a: await anne.device(), k: await karim.device() };
}

/** Anne calls Karim and he answers. */
async function answered(a: Device, k: Device, conversationId: string, calleeId: string): Promise<string> {
  const callId = invite(a, conversationId, calleeId);
  await nextCallFrame(k, 'call.incoming', callId);
  k.live.send({ type: 'call.accept', callId, partyId: k.partyId });
  await nextCallFrame(a, 'call.accepted', callId);
  return callId;
}

async function act(who: Person, kind: string, args: object): Promise<void> {
  const [result] = await who.api.push([{ id: newId(), kind, args }]);
  expect(result?.ok).toBe(true);
}

describe('a call whose party leaves the conversation', () => {
  it('ends for both parties when the callee is removed during the call, and stays in the history so', async () => {
    const { anne, karim, conversationId, a, k } = await group();
    const callId = await answered(a, k, conversationId, karim.id);

    await act(anne, 'conversation.removeParticipant', { conversationId, userId: karim.id });
    const ended = { type: 'call.ended', callId, outcome: 'completed', reason: 'no_longer_member' };
    expect(await nextCallFrame(a, 'call.ended', callId)).toMatchObject(ended);
    expect(await nextCallFrame(k, 'call.ended', callId)).toMatchObject(ended);
    // Nothing more is relayed to him.
    k.live.send({ type: 'call.signal', callId, partyId: k.partyId, session: 1, description: { type: 'offer', sdp: 'v=0\r\n' } });
    expect(await nextCallFrame(k, 'call.ended', callId)).toMatchObject({ outcome: 'completed' });
    const history = (await anne.api.get('/api/calls/history')).body as { calls: CallHistoryEntry[] };
    expect(history.calls.find((c) => c.callId === callId)).toMatchObject({ outcome: 'completed' });
  });

  it('stops ringing when the callee is removed before answering', async () => {
    const { anne, karim, conversationId, a, k } = await group();
    const callId = invite(a, conversationId, karim.id);
    await nextCallFrame(k, 'call.incoming', callId);

    await act(anne, 'conversation.removeParticipant', { conversationId, userId: karim.id });
    expect(await nextCallFrame(a, 'call.ended', callId)).toMatchObject({ outcome: 'cancelled', reason: 'no_longer_member' });
    expect(await nextCallFrame(k, 'call.ended', callId)).toMatchObject({ outcome: 'cancelled', reason: 'no_longer_member' });
    // He can no longer pick it up.
    k.live.send({ type: 'call.accept', callId, partyId: k.partyId });
    expect(await nextCallFrame(k, 'call.ended', callId)).toMatchObject({ outcome: 'cancelled' });
  });

  it('ends when the callee leaves the conversation', async () => {
    const { karim, conversationId, a, k } = await group();
    const callId = await answered(a, k, conversationId, karim.id);
    await act(karim, 'conversation.leave', { conversationId });
    expect(await nextCallFrame(a, 'call.ended', callId)).toMatchObject({ outcome: 'completed', reason: 'no_longer_member' });
  });

  it('ends when the conversation is deleted for everyone', async () => {
    const { anne, karim, conversationId, a, k } = await group();
    const callId = await answered(a, k, conversationId, karim.id);
    await act(anne, 'conversation.delete', { conversationId });
    expect(await nextCallFrame(k, 'call.ended', callId)).toMatchObject({ outcome: 'completed', reason: 'no_longer_member' });
  });

  it('goes on when someone else leaves', async () => {
    const { anne, karim, zoe, conversationId, a, k } = await group();
    const callId = await answered(a, k, conversationId, karim.id);
    await act(anne, 'conversation.removeParticipant', { conversationId, userId: zoe.id });
    // Still active: signaling is relayed as before.
    a.live.send({ type: 'call.media', callId, partyId: a.partyId, audio: false, video: true });
    expect(await nextCallFrame(k, 'call.media', callId)).toMatchObject({ audio: false });
    expect(a.live.frames.some((f) => f.type === 'call.ended')).toBe(false);
  });
});
