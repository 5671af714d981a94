import { describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import type { Change, Conversation, Message } from '../../../src/shared/model.ts';
import { ApiClient, LiveClient } from '../helpers.ts';
import { useGateway } from '../fixture.ts';

const DB = 12;

const started = useGateway({ db: DB });

type Client = { api: ApiClient; user: { id: string } };

async function group(creator: Client, others: Client[], title = 'Équipe'): Promise<string> {
  const [created] = await creator.api.push([
    { id: newId(), kind: 'conversation.create', args: { conversationId: newId(), participantIds: others.map((o) => o.user.id), title } },
  ]);
  return (created?.result as { conversation: Conversation }).conversation.id;
}

async function send(client: Client, conversationId: string, body: string): Promise<number> {
  const messageId = newId();
  const [result] = await client.api.push([{ id: messageId, kind: 'message.send', args: { conversationId, messageId, body } }]);
  return (result?.result as { seq: number }).seq;
}

async function pullAll(client: Client): Promise<Change[]> {
  const reply = await client.api.get('/api/sync/pull');
  return (reply.body as { changes: Change[] }).changes;
}

const act = (client: Client, kind: string, args: unknown) => client.api.push([{ id: newId(), kind, args }]).then((r) => r[0]!);

describe('archive and delete for me', () => {
  it('archives for the user only and records the seq it was archived at', async () => {
    const anne = await started.signIn();
    const karim = await started.signIn();
    const conversationId = await group(anne, [karim]);
    await send(karim, conversationId, 'bonjour');
    const archived = await act(anne, 'conversation.archive', { conversationId });
    expect(archived).toMatchObject({ ok: true, result: { archivedAtSeq: 1, hiddenUpToSeq: 0 } });
    const mine = (await pullAll(anne)).filter((c) => c.type === 'conversation.userState');
    expect(mine).toEqual([{ type: 'conversation.userState', conversationId, userId: anne.user.id, archivedAtSeq: 1, hiddenUpToSeq: 0 }]);
    // Karim never learns Anne archived it.
    expect((await pullAll(karim)).some((c) => c.type === 'conversation.userState')).toBe(false);
    const unarchived = await act(anne, 'conversation.unarchive', { conversationId });
    expect(unarchived.result).toEqual({ archivedAtSeq: null, hiddenUpToSeq: 0 });
  });

  it('hides the history up to now from the user’s history pages, not from the others', async () => {
    const anne = await started.signIn();
    const karim = await started.signIn();
    const conversationId = await group(anne, [karim]);
    await send(karim, conversationId, 'ancien');
    const hidden = await act(anne, 'conversation.hide', { conversationId });
    expect(hidden.result).toMatchObject({ hiddenUpToSeq: 1 });
    await send(karim, conversationId, 'nouveau');
    const annes = (await anne.api.get(`/api/conversations/${conversationId}/messages`)).body as { messages: Message[] };
    expect(annes.messages.map((m) => m.body)).toEqual(['nouveau']);
    const karims = (await karim.api.get(`/api/conversations/${conversationId}/messages`)).body as { messages: Message[] };
    expect(karims.messages.map((m) => m.body)).toContain('ancien');
  });

  it('refuses a non-member with conversation_not_found', async () => {
    const anne = await started.signIn();
    const karim = await started.signIn();
    const outsider = await started.signIn();
    const conversationId = await group(anne, [karim]);
    expect((await act(outsider, 'conversation.archive', { conversationId })).error?.code).toBe('conversation_not_found');
  });
});

describe('delete for everyone', () => {
  it('refuses a participant who is not the creator with forbidden, and keeps the conversation', async () => {
    const anne = await started.signIn();
    const karim = await started.signIn();
    const conversationId = await group(anne, [karim]);
    expect((await act(karim, 'conversation.delete', { conversationId })).error?.code).toBe('forbidden');
    expect((await karim.api.get(`/api/conversations/${conversationId}/messages`)).status).toBe(200);
  });

  it('lets the creator delete it: members get the change live and in the pull, then it is gone', async () => {
    const anne = await started.signIn();
    const karim = await started.signIn();
    const conversationId = await group(anne, [karim]);
    await send(anne, conversationId, 'à supprimer');
    const live = await LiveClient.open(started.url, karim.api.cookie);
    try {
      const mutationId = newId();
      const [deleted] = await anne.api.push([{ id: mutationId, kind: 'conversation.delete', args: { conversationId } }]);
      expect(deleted?.ok).toBe(true);
      const frame = await live.next((f) => f.type === 'changes' && f.changes.some((c) => c.type === 'conversation.deleted'));
      expect(frame).toMatchObject({ changes: [{ type: 'conversation.deleted', conversationId, by: anne.user.id }] });
      expect((await pullAll(karim)).at(-1)).toEqual({ type: 'conversation.deleted', conversationId, by: anne.user.id });
      expect((await karim.api.get(`/api/conversations/${conversationId}/messages`)).status).toBe(404);
      expect((await karim.api.get('/api/conversations')).body).toEqual({ conversations: [] });
      const messageId = newId();
      const [late] = await karim.api.push([{ id: messageId, kind: 'message.send', args: { conversationId, messageId, body: 'trop tard' } }]);
      expect(late?.error?.code).toBe('conversation_not_found');
      // A replay of the delete answers the same result.
      const [again] = await anne.api.push([{ id: mutationId, kind: 'conversation.delete', args: { conversationId } }]);
      expect(again).toEqual(deleted);
    } finally {
      live.close();
    }
  });

  it('starts a new direct conversation after the previous one between the same two was deleted', async () => {
    const anne = await started.signIn();
    const karim = await started.signIn();
    const direct = async () => {
      const [created] = await anne.api.push([
        { id: newId(), kind: 'conversation.create', args: { conversationId: newId(), participantIds: [karim.user.id] } },
      ]);
      return (created?.result as { conversation: Conversation }).conversation.id;
    };
    const first = await direct();
    expect(await direct()).toBe(first);
    expect((await act(anne, 'conversation.delete', { conversationId: first })).ok).toBe(true);
    const second = await direct();
    expect(second).not.toBe(first);
    expect(await direct()).toBe(second);
  });

  it('gives an admin no hold on a clinical conversation: never a member, their delete answers as for none', async () => {
    const anne = await started.signIn();
    const karim = await started.signIn();
    const admin = await started.signIn('admin');
    const conversationId = await group(anne, [karim]);
    expect((await act(admin, 'conversation.delete', { conversationId })).error?.code).toBe('conversation_not_found');
    expect((await act(anne, 'conversation.delete', { conversationId })).ok).toBe(true);
  });
});

describe('groups', () => {
  it('renames with a system message; only the creator may, and never a direct conversation', async () => {
    const anne = await started.signIn();
    const karim = await started.signIn();
    const conversationId = await group(anne, [karim]);
    expect((await act(karim, 'conversation.rename', { conversationId, title: 'Pirate' })).error?.code).toBe('forbidden');
    const renamed = await act(anne, 'conversation.rename', { conversationId, title: 'Cardiologie' });
    expect((renamed.result as { conversation: Conversation }).conversation.title).toBe('Cardiologie');
    const changes = await pullAll(karim);
    const system = changes.filter((c): c is Extract<Change, { type: 'message' }> => c.type === 'message').at(-1)?.message;
    expect(system).toMatchObject({ kind: 'system', body: '', system: { type: 'conversation.renamed', by: anne.user.id, title: 'Cardiologie' } });
    const [direct] = await anne.api.push([
      { id: newId(), kind: 'conversation.create', args: { conversationId: newId(), participantIds: [karim.user.id] } },
    ]);
    const directId = (direct?.result as { conversation: Conversation }).conversation.id;
    expect((await act(anne, 'conversation.rename', { conversationId: directId, title: 'x' })).error?.code).toBe('not_a_group');
  });

  it('gives an added participant the whole history and stops a removed one from receiving', async () => {
    const anne = await started.signIn();
    const karim = await started.signIn();
    const lea = await started.signIn();
    const conversationId = await group(anne, [karim]);
    await send(anne, conversationId, 'avant Léa');
    expect((await act(karim, 'conversation.addParticipants', { conversationId, participantIds: [lea.user.id] })).error?.code).toBe('forbidden');
    expect((await act(anne, 'conversation.addParticipants', { conversationId, participantIds: [lea.user.id] })).ok).toBe(true);
    const leas = await pullAll(lea);
    expect(leas.some((c) => c.type === 'message' && c.message.body === 'avant Léa')).toBe(true);
    expect(leas.some((c) => c.type === 'message' && c.message.system?.type === 'participants.added')).toBe(true);

    expect((await act(anne, 'conversation.removeParticipant', { conversationId, userId: karim.user.id })).ok).toBe(true);
    const karimsBefore = await pullAll(karim);
    const last = karimsBefore.filter((c) => c.type === 'conversation').at(-1) as Extract<Change, { type: 'conversation' }>;
    expect(last.conversation.participants.map((p) => p.id)).not.toContain(karim.user.id);
    await send(anne, conversationId, 'après Karim');
    const karimsAfter = await pullAll(karim);
    expect(karimsAfter.some((c) => c.type === 'message' && c.message.body === 'après Karim')).toBe(false);
    expect((await karim.api.get(`/api/conversations/${conversationId}/messages`)).status).toBe(404);
  });

  it('lets any member leave, with a system message the others see', async () => {
    const anne = await started.signIn();
    const karim = await started.signIn();
    const lea = await started.signIn();
    const conversationId = await group(anne, [karim, lea]);
    expect((await act(lea, 'conversation.leave', { conversationId })).ok).toBe(true);
    const annes = await pullAll(anne);
    expect(annes.some((c) => c.type === 'message' && c.message.system?.type === 'participant.left')).toBe(true);
    const messageId = newId();
    const [refused] = await lea.api.push([{ id: messageId, kind: 'message.send', args: { conversationId, messageId, body: 'x' } }]);
    expect(refused?.error?.code).toBe('conversation_not_found');
  });
});
