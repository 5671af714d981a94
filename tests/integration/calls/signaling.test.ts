import { afterEach, describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import { type LiveClient } from '../helpers.ts';
import { useGateway } from '../fixture.ts';
import { CALLS_DB, directConversation, invite, nextCallFrame, person, callsConfig, ringingCall } from './calls-helpers.ts';

const opened: LiveClient[] = [];

const gateway = useGateway({ db: CALLS_DB, calls: callsConfig({ ringSeconds: 30, ackSeconds: 5 }) });
const { redis } = gateway;

afterEach(() => {
  for (const live of opened.splice(0)) live.close();
});

describe('call signaling between two users of a conversation', () => {
  it('rings every callee device, relays SDP and ICE between the bound devices only, and ends on hang-up', async () => {
    const anne = await person(redis, gateway.url, opened);
    const karim = await person(redis, gateway.url, opened);
    const conversationId = await directConversation(anne, karim);
    const a = await anne.device();
    const [k1, k2] = [await karim.device(), await karim.device()];

    const callId = invite(a, conversationId, karim.id);
    const incoming = await nextCallFrame(k1, 'call.incoming', callId);
    expect(incoming).toMatchObject({ callerId: anne.id, callerPartyId: a.partyId, conversationId, video: true });
    await nextCallFrame(k2, 'call.incoming', callId);
    k1.live.send({ type: 'call.ringing', callId, partyId: k1.partyId });
    await nextCallFrame(a, 'call.ringing', callId);

    k1.live.send({ type: 'call.accept', callId, partyId: k1.partyId });
    expect(await nextCallFrame(a, 'call.accepted', callId)).toMatchObject({ calleePartyId: k1.partyId, callerPartyId: a.partyId });
    // The other device stops ringing: it is told which device answered.
    expect(await nextCallFrame(k2, 'call.accepted', callId)).toMatchObject({ calleePartyId: k1.partyId });

    const description = { type: 'offer' as const, sdp: 'v=0\r\n' };
    a.live.send({ type: 'call.signal', callId, partyId: a.partyId, session: 1, description });
    expect(await nextCallFrame(k1, 'call.signal', callId)).toMatchObject({
      fromPartyId: a.partyId,
      toPartyId: k1.partyId,
      session: 1,
      description,
    });
    const candidate = { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 };
    k1.live.send({ type: 'call.signal', callId, partyId: k1.partyId, session: 1, candidate });
    expect(await nextCallFrame(a, 'call.signal', callId)).toMatchObject({ toPartyId: a.partyId, candidate });
    k1.live.send({ type: 'call.media', callId, partyId: k1.partyId, audio: false, video: true });
    expect(await nextCallFrame(a, 'call.media', callId)).toMatchObject({ fromPartyId: k1.partyId, audio: false, video: true });

    // Karim's second device is not a party of the call: it may not signal.
    k2.live.send({ type: 'call.signal', callId, partyId: k2.partyId, session: 1, candidate });
    expect(await nextCallFrame(k2, 'call.error', callId)).toMatchObject({ code: 'call_not_found' });

    k1.live.send({ type: 'call.hangup', callId, partyId: k1.partyId });
    expect(await nextCallFrame(a, 'call.ended', callId)).toMatchObject({ outcome: 'completed', byPartyId: k1.partyId });
    expect(await nextCallFrame(k2, 'call.ended', callId)).toMatchObject({ outcome: 'completed' });
  });

  it('refuses every call frame from a third user, as if the call did not exist', async () => {
    const anne = await person(redis, gateway.url, opened);
    const karim = await person(redis, gateway.url, opened);
    const eve = await person(redis, gateway.url, opened);
    const conversationId = await directConversation(anne, karim);
    const [a, k, e] = [await anne.device(), await karim.device(), await eve.device()];

    // Eve is not in the conversation: she cannot call into it.
    const refused = invite(e, conversationId, karim.id);
    expect(await nextCallFrame(e, 'call.error', refused)).toMatchObject({ code: 'call_not_found' });

    const callId = invite(a, conversationId, karim.id);
    await nextCallFrame(k, 'call.incoming', callId);
    for (const type of ['call.accept', 'call.decline', 'call.hangup', 'call.heartbeat'] as const) {
      e.live.send({ type, callId, partyId: e.partyId });
      expect(await nextCallFrame(e, 'call.error', callId)).toMatchObject({ code: 'call_not_found' });
    }
    e.live.send({ type: 'call.signal', callId, partyId: e.partyId, session: 0, description: { type: 'offer', sdp: 'x' } });
    expect(await nextCallFrame(e, 'call.error', callId)).toMatchObject({ code: 'call_not_found' });

    // The call was not disturbed: Karim can still answer it.
    k.live.send({ type: 'call.accept', callId, partyId: k.partyId });
    await nextCallFrame(a, 'call.accepted', callId);
    expect(k.live.frames.some((f) => f.type === 'call.signal')).toBe(false);
  });

  it('keeps exactly one call when both users call each other at once', async () => {
    const anne = await person(redis, gateway.url, opened);
    const karim = await person(redis, gateway.url, opened);
    const conversationId = await directConversation(anne, karim);
    const [a, k] = [await anne.device(), await karim.device()];

    const fromAnne = newId();
    const fromKarim = newId();
    invite(a, conversationId, karim.id, fromAnne);
    invite(k, conversationId, anne.id, fromKarim);

    // The older call (smaller time-ordered id) survives; the younger one ends as cancelled.
    const [older, younger] = fromAnne < fromKarim ? [fromAnne, fromKarim] : [fromKarim, fromAnne];
    const [olderCaller, olderCallee, youngerCaller] = older === fromAnne ? [a, k, k] : [k, a, a];
    expect(await nextCallFrame(youngerCaller, 'call.ended', younger)).toMatchObject({ outcome: 'cancelled', reason: 'glare' });
    await nextCallFrame(olderCallee, 'call.incoming', older);
    olderCallee.live.send({ type: 'call.accept', callId: older, partyId: olderCallee.partyId });
    expect(await nextCallFrame(olderCaller, 'call.accepted', older)).toMatchObject({ calleePartyId: olderCallee.partyId });
    expect(olderCaller.live.frames.some((f) => f.type === 'call.ended' && f.callId === older)).toBe(false);
  });

  it('lets one device win when two accept at once, and tells the other', async () => {
    const anne = await person(redis, gateway.url, opened);
    const karim = await person(redis, gateway.url, opened);
    const conversationId = await directConversation(anne, karim);
    const a = await anne.device();
    const [k1, k2] = [await karim.device(), await karim.device()];
    const callId = invite(a, conversationId, karim.id);
    await Promise.all([nextCallFrame(k1, 'call.incoming', callId), nextCallFrame(k2, 'call.incoming', callId)]);

    k1.live.send({ type: 'call.accept', callId, partyId: k1.partyId });
    k2.live.send({ type: 'call.accept', callId, partyId: k2.partyId });
    const accepted = await nextCallFrame(a, 'call.accepted', callId);
    const winner = accepted.calleePartyId === k1.partyId ? k1 : k2;
    const loser = winner === k1 ? k2 : k1;
    expect([k1.partyId, k2.partyId]).toContain(accepted.calleePartyId);
    // The losing device hears the broadcast and the answer to its own accept: both name the winner.
    expect(await nextCallFrame(loser, 'call.accepted', callId)).toMatchObject({ calleePartyId: winner.partyId });
    expect(await nextCallFrame(loser, 'call.accepted', callId)).toMatchObject({ calleePartyId: winner.partyId });
    // The loser cannot take over the media path.
    loser.live.send({ type: 'call.signal', callId, partyId: loser.partyId, session: 1, description: { type: 'answer', sdp: 'x' } });
    expect(await nextCallFrame(loser, 'call.error', callId)).toMatchObject({ code: 'call_not_found' });
  });

  it('ends the call as declined on every device when one callee device declines', async () => {
    const anne = await person(redis, gateway.url, opened);
    const karim = await person(redis, gateway.url, opened);
    const conversationId = await directConversation(anne, karim);
    const a = await anne.device();
    const [k1, k2] = [await karim.device(), await karim.device()];
    const callId = invite(a, conversationId, karim.id);
    await nextCallFrame(k1, 'call.incoming', callId);
    k1.live.send({ type: 'call.decline', callId, partyId: k1.partyId });
    expect(await nextCallFrame(a, 'call.ended', callId)).toMatchObject({ outcome: 'declined', durationSeconds: 0 });
    expect(await nextCallFrame(k2, 'call.ended', callId)).toMatchObject({ outcome: 'declined', byPartyId: k1.partyId });
    // Accepting afterwards answers where the call stands.
    k2.live.send({ type: 'call.accept', callId, partyId: k2.partyId });
    expect(await nextCallFrame(k2, 'call.ended', callId)).toMatchObject({ outcome: 'declined' });
  });

  it('declines over HTTP for a notification\'s "Refuser", only for the callee', async () => {
    const anne = await person(redis, gateway.url, opened);
    const karim = await person(redis, gateway.url, opened);
    const claire = await person(redis, gateway.url, opened);
    const conversationId = await directConversation(anne, karim);
    const a = await anne.device();
    const k = await karim.device();
    const callId = invite(a, conversationId, karim.id);
    await nextCallFrame(k, 'call.incoming', callId);
    const decline = (who: typeof anne, body: unknown = { partyId: newId() }) =>
      who.api.request('POST', `/api/calls/${callId}/decline`, { body });
    // A third user, and the caller, get the answer an unknown call gets.
    expect(await decline(claire)).toMatchObject({ status: 404, body: { error: { code: 'call_not_found' } } });
    expect(await decline(anne)).toMatchObject({ status: 404, body: { error: { code: 'call_not_found' } } });
    expect(await decline(karim, { partyId: 'not-an-id' })).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
    expect((await decline(karim)).status).toBe(204);
    expect(await nextCallFrame(a, 'call.ended', callId)).toMatchObject({ outcome: 'declined' });
    expect(await nextCallFrame(k, 'call.ended', callId)).toMatchObject({ outcome: 'declined' });
  });

  it('answers busy when the callee is already in a call, and frees the line when that call ends', async () => {
    const anne = await person(redis, gateway.url, opened);
    const karim = await person(redis, gateway.url, opened);
    const claire = await person(redis, gateway.url, opened);
    const withKarim = await directConversation(anne, karim);
    const claireToKarim = await directConversation(claire, karim);
    const [a, k, c] = [await anne.device(), await karim.device(), await claire.device()];

    const first = invite(a, withKarim, karim.id);
    await nextCallFrame(k, 'call.incoming', first);
    k.live.send({ type: 'call.accept', callId: first, partyId: k.partyId });
    await nextCallFrame(a, 'call.accepted', first);

    const second = invite(c, claireToKarim, karim.id);
    expect(await nextCallFrame(c, 'call.ended', second)).toMatchObject({ outcome: 'busy', reason: 'callee_busy' });

    a.live.send({ type: 'call.hangup', callId: first, partyId: a.partyId });
    await nextCallFrame(k, 'call.ended', first);
    const third = invite(c, claireToKarim, karim.id);
    await nextCallFrame(k, 'call.incoming', third);
  });

  it('lets the caller cancel while it rings', async () => {
    const { a, k, callId } = await ringingCall(redis, gateway.url, opened);
    a.live.send({ type: 'call.hangup', callId, partyId: a.partyId });
    expect(await nextCallFrame(k, 'call.ended', callId)).toMatchObject({ outcome: 'cancelled', byPartyId: a.partyId });
  });

  it('refuses malformed call frames with bad_request', async () => {
    const anne = await person(redis, gateway.url, opened);
    const a = await anne.device();
    a.live.send({ type: 'call.signal', callId: newId(), partyId: a.partyId, session: 0, description: { type: 'offer', sdp: 'x'.repeat(40_000) } });
    expect(await a.live.next((f) => f.type === 'error')).toMatchObject({ code: 'bad_request' });
    a.live.send({ type: 'call.accept', callId: 'not-an-id', partyId: a.partyId });
    expect(await a.live.next((f) => f.type === 'error')).toMatchObject({ code: 'bad_request' });
  });
});
