import { describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import type { ServerFrame } from '../../../src/shared/realtime.ts';
import type { ApiClient, LiveClient } from '../helpers.ts';
import { useGateway } from '../fixture.ts';

/**
 * Ambient data (presence, typing) reaches only people who share a conversation with the user: a
 * stranger learns neither a colleague's state nor last-seen time, nor that the account exists.
 */

const DB = 16;
const started = useGateway({ db: DB });

type Presence = { userId: string; state: string; lastSeen: number | null };

async function presenceAsked(api: ApiClient, ...ids: string[]): Promise<Presence[]> {
  const reply = await api.get(`/api/presence?ids=${ids.join(',')}`);
  expect(reply.status).toBe(200);
  return (reply.body as { presence: Presence[] }).presence;
}

/** A direct conversation between the two, created by the first. */
async function converse(first: { api: ApiClient }, second: { user: { id: string } }): Promise<string> {
  const conversationId = newId();
  const [created] = await first.api.push([{ id: newId(), kind: 'conversation.create', args: { conversationId, participantIds: [second.user.id] } }]);
  expect(created?.ok).toBe(true);
  return conversationId;
}

/**
 * Frames `live` received before a message that `sender` posts now in `conversationId` (one `live`
 * is in): on one gateway and one Redis, live events arrive in the order they were published, so any
 * frame published before this point would be among them.
 */
async function framesBeforeMarker(live: LiveClient, sender: { api: ApiClient }, conversationId: string): Promise<ServerFrame[]> {
  const messageId = newId();
  const [sent] = await sender.api.push([{ id: messageId, kind: 'message.send', args: { conversationId, messageId, body: 'marker' } }]);
  expect(sent?.ok).toBe(true);
  const isMarker = (f: ServerFrame): boolean => f.type === 'changes' && f.changes.some((c) => c.type === 'message' && c.message.messageId === messageId);
  await live.next(isMarker);
  return [...live.frames];
}

describe('presence scope', () => {
  it('answers a non-contact as for an unknown id, over HTTP: no state, no last seen', async () => {
    const anne = await started.signIn();
    const paul = await started.signIn();
    const stranger = await started.signIn();
    await converse(anne, paul);
    const device = await started.live(anne.api);
    await expect.poll(async () => (await presenceAsked(paul.api, anne.user.id))[0]?.state).toBe('online');

    const unknownId = newId();
    const [ofAnne, ofNobody] = await presenceAsked(stranger.api, anne.user.id, unknownId);
    expect(ofAnne).toEqual({ userId: anne.user.id, state: 'offline', lastSeen: null });
    expect(ofNobody).toEqual({ userId: unknownId, state: 'offline', lastSeen: null });

    // Once she has gone, her contact sees when; the stranger still sees nothing.
    device.close();
    await expect.poll(async () => (await presenceAsked(paul.api, anne.user.id))[0]?.lastSeen).toEqual(expect.any(Number));
    expect(await presenceAsked(stranger.api, anne.user.id)).toEqual([{ userId: anne.user.id, state: 'offline', lastSeen: null }]);
    // One's own presence is no secret to oneself.
    expect((await presenceAsked(anne.api, anne.user.id))[0]?.lastSeen).toEqual(expect.any(Number));
  });

  it('stops answering for a colleague once the last shared conversation is left', async () => {
    const anne = await started.signIn();
    const paul = await started.signIn();
    const karim = await started.signIn();
    const groupId = newId();
    const [created] = await anne.api.push([
      { id: newId(), kind: 'conversation.create', args: { conversationId: groupId, participantIds: [paul.user.id, karim.user.id], title: 'Équipe' } },
    ]);
    expect(created?.ok).toBe(true);
    await started.live(anne.api);
    await expect.poll(async () => (await presenceAsked(karim.api, anne.user.id))[0]?.state).toBe('online');
    const [left] = await karim.api.push([{ id: newId(), kind: 'conversation.leave', args: { conversationId: groupId } }]);
    expect(left?.ok).toBe(true);
    expect(await presenceAsked(karim.api, anne.user.id)).toEqual([{ userId: anne.user.id, state: 'offline', lastSeen: null }]);
  });

  it('pushes presence changes over the socket to contacts only', async () => {
    const anne = await started.signIn();
    const paul = await started.signIn();
    const stranger = await started.signIn();
    const strangersFriend = await started.signIn();
    await converse(anne, paul);
    const strangersConversation = await converse(strangersFriend, stranger);
    const contact = await started.live(paul.api);
    const outsider = await started.live(stranger.api);

    const device = await started.live(anne.api);
    device.send({ type: 'presence', state: 'away' });
    await contact.next((f) => f.type === 'presence' && f.userId === anne.user.id && f.state === 'away');

    const seen = await framesBeforeMarker(outsider, strangersFriend, strangersConversation);
    expect(seen.filter((f) => f.type === 'presence' && f.userId === anne.user.id)).toEqual([]);
  });
});

describe('typing scope', () => {
  it('reaches the other members only, never someone outside the conversation', async () => {
    const anne = await started.signIn();
    const paul = await started.signIn();
    const stranger = await started.signIn();
    const strangersFriend = await started.signIn();
    const conversationId = await converse(anne, paul);
    const strangersConversation = await converse(strangersFriend, stranger);
    const member = await started.live(paul.api);
    const outsider = await started.live(stranger.api);
    const typist = await started.live(anne.api);

    typist.send({ type: 'typing', conversationId });
    await member.next((f) => f.type === 'typing' && f.userId === anne.user.id);
    const seen = await framesBeforeMarker(outsider, strangersFriend, strangersConversation);
    expect(seen.filter((f) => f.type === 'typing')).toEqual([]);
  });

  it('refuses typing from a non-member as for an unknown conversation, and nobody hears it', async () => {
    const anne = await started.signIn();
    const paul = await started.signIn();
    const stranger = await started.signIn();
    const conversationId = await converse(anne, paul);
    const member = await started.live(paul.api);
    const outsider = await started.live(stranger.api);

    outsider.send({ type: 'typing', conversationId });
    expect(await outsider.next((f) => f.type === 'error')).toEqual({ type: 'error', code: 'conversation_not_found', conversationId });
    const seen = await framesBeforeMarker(member, anne, conversationId);
    expect(seen.filter((f) => f.type === 'typing')).toEqual([]);
  });
});
