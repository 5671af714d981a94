import { describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import type { Change, Message } from '../../../src/shared/model.ts';
import { KEYS } from '../../../src/server/store/keys.ts';
import type { ApiClient } from '../helpers.ts';
import { useGateway } from '../fixture.ts';

/**
 * What a member wrote is never altered by anyone else: a message id is taken once per conversation,
 * and a quote names the real author of a message of the same conversation (invariant 7).
 */

const started = useGateway();
const { redis } = started;

function send(conversationId: string, body: string, messageId = newId(), extra: Record<string, unknown> = {}) {
  return { id: messageId, kind: 'message.send', args: { conversationId, messageId, body, ...extra } };
}

async function history(api: ApiClient, conversationId: string): Promise<Message[]> {
  const reply = await api.get(`/api/conversations/${conversationId}/messages`);
  return (reply.body as { messages: Message[] }).messages;
}

async function pulledMessages(api: ApiClient): Promise<Message[]> {
  const reply = await api.get('/api/sync/pull?limit=1000');
  const changes = (reply.body as { changes: Change[] }).changes;
  return changes.flatMap((c) => (c.type === 'message' ? [c.message] : []));
}

describe('message ids', () => {
  it('refuses a message reusing a colleague’s message id with message_id_taken, and her text stays hers', async () => {
    const { anne, karim, conversationId } = await started.pair();
    const messageId = newId();
    const [original] = await anne.api.push([send(conversationId, 'Patient stable', messageId)]);
    expect(original).toMatchObject({ ok: true, result: { seq: 1 } });
    const [forged] = await karim.api.push([send(conversationId, 'Arrêter le traitement', messageId)]);
    expect(forged).toEqual({ id: messageId, ok: false, error: { code: 'message_id_taken' } });
    const [next] = await karim.api.push([send(conversationId, 'Bien reçu')]);
    expect(next).toMatchObject({ ok: true, result: { seq: 2 } });
    expect((await history(anne.api, conversationId)).map((m) => [m.messageId === messageId, m.senderId, m.body])).toEqual([
      [true, anne.user.id, 'Patient stable'],
      [false, karim.user.id, 'Bien reçu'],
    ]);
    expect((await pulledMessages(karim.api)).filter((m) => m.messageId === messageId)).toHaveLength(1);
  });

  it('answers the original seq to a replay of the same mutation, refuses the same id with other content, and stores nothing new', async () => {
    const { anne, conversationId } = await started.pair();
    const messageId = newId();
    const [first] = await anne.api.push([send(conversationId, 'Première version', messageId)]);
    const [again] = await anne.api.push([send(conversationId, 'Première version', messageId)]);
    const [changed] = await anne.api.push([send(conversationId, 'Autre texte', messageId)]);
    const [flagged] = await anne.api.push([send(conversationId, 'Première version', messageId, { urgent: true })]);
    expect(again).toEqual(first);
    expect(changed).toEqual({ id: messageId, ok: false, error: { code: 'message_id_taken' } });
    expect(flagged?.error?.code).toBe('message_id_taken');
    expect((await history(anne.api, conversationId)).map((m) => m.body)).toEqual(['Première version']);
  });

  it('refuses the id of a system message (a group change) too', async () => {
    const anne = await started.signIn();
    const karim = await started.signIn();
    const paul = await started.signIn();
    const conversationId = newId();
    await anne.api.push([{ id: newId(), kind: 'conversation.create', args: { conversationId, participantIds: [karim.user.id, paul.user.id], title: 'Équipe' } }]);
    await anne.api.push([{ id: newId(), kind: 'conversation.rename', args: { conversationId, title: 'Équipe de nuit' } }]);
    const [system] = await history(karim.api, conversationId);
    expect(system?.kind).toBe('system');
    const [forged] = await karim.api.push([send(conversationId, 'faux', system!.messageId)]);
    expect(forged).toMatchObject({ ok: false, error: { code: 'message_id_taken' } });
  });

  it('accepts the same id in another conversation (ids are unique per conversation)', async () => {
    const first = await started.pair();
    const second = await started.pair();
    const messageId = newId();
    expect((await first.anne.api.push([send(first.conversationId, 'un', messageId)]))[0]?.ok).toBe(true);
    expect((await second.anne.api.push([send(second.conversationId, 'deux', messageId)]))[0]?.ok).toBe(true);
  });

  it('indexes a conversation stored before the index on its next message, from its log, the first copy winning', async () => {
    const { anne, karim, conversationId } = await started.pair();
    const anneId = newId();
    await anne.api.push([send(conversationId, 'Avant l’index', anneId)]);
    // As a store written by the previous version: no index, no flag, and a forged copy already in
    // the log after the original (the attack this closes).
    const forgedId = newId();
    await karim.api.push([send(conversationId, 'copie', forgedId)]);
    const log = await redis.xrange(KEYS.convLog(conversationId), '-', '+');
    const karimChange = log.map(([, fields]) => fields[1] as string).find((change) => change.includes(forgedId)) as string;
    const ver = await redis.hincrby(KEYS.convMeta(conversationId), 'ver', 1);
    await redis.xadd(KEYS.convLog(conversationId), `${ver}-0`, 'e', karimChange.replace(forgedId, anneId));
    await redis.del(KEYS.convMessageIds(conversationId));
    await redis.hdel(KEYS.convMeta(conversationId), 'idx');

    const [taken] = await karim.api.push([send(conversationId, 'encore', anneId)]);
    expect(taken).toMatchObject({ ok: false, error: { code: 'message_id_taken' } });
    expect(await redis.hget(KEYS.convMeta(conversationId), 'idx')).toBe('1');
    expect(await redis.hget(KEYS.convMessageIds(conversationId), anneId)).toBe(`1 ${anne.user.id}`);
    expect(await redis.hget(KEYS.convMessageIds(conversationId), forgedId)).toBe(`2 ${karim.user.id}`);
    // The quote of that id names its first author, not the forged copy's.
    const replyId = newId();
    await karim.api.push([send(conversationId, 'Réponse', replyId, { replyTo: { messageId: anneId } })]);
    const reply = (await history(anne.api, conversationId)).find((m) => m.messageId === replyId);
    expect(reply?.replyTo).toEqual({ messageId: anneId, senderId: anne.user.id });
  });

  it('keeps the ids of a conversation deleted for everyone taken', async () => {
    const { anne, conversationId } = await started.pair();
    const messageId = newId();
    await anne.api.push([send(conversationId, 'à effacer', messageId)]);
    await anne.api.push([{ id: newId(), kind: 'conversation.delete', args: { conversationId } }]);
    expect(await redis.hexists(KEYS.convMessageIds(conversationId), messageId)).toBe(1);
  });
});

describe('quotes', () => {
  it('records the quoted message’s real author and no client text, whatever the client claimed', async () => {
    const { anne, karim, conversationId } = await started.pair();
    const quotedId = newId();
    await anne.api.push([send(conversationId, 'Dose : 5 mg', quotedId)]);
    const replyId = newId();
    // An older client's shape: a forged author and excerpt are dropped unread.
    const [sent] = await karim.api.push([
      send(conversationId, 'OK', replyId, { replyTo: { messageId: quotedId, senderId: karim.user.id, excerpt: 'Dose : 50 mg' } }),
    ]);
    expect(sent).toMatchObject({ ok: true, result: { seq: 2 } });
    const stored = (await history(anne.api, conversationId)).find((m) => m.messageId === replyId);
    expect(stored?.replyTo).toEqual({ messageId: quotedId, senderId: anne.user.id });
    const pulled = (await pulledMessages(anne.api)).find((m) => m.messageId === replyId);
    expect(pulled?.replyTo).toEqual({ messageId: quotedId, senderId: anne.user.id });
  });

  it('refuses a quote of a message that does not exist, or is in another conversation, with reply_not_found', async () => {
    const { anne, conversationId } = await started.pair();
    const elsewhere = await started.pair();
    const otherId = newId();
    await elsewhere.anne.api.push([send(elsewhere.conversationId, 'ailleurs', otherId)]);
    const results = await anne.api.push([
      send(conversationId, 'a', newId(), { replyTo: { messageId: newId() } }),
      send(conversationId, 'b', newId(), { replyTo: { messageId: otherId } }),
    ]);
    expect(results.map((r) => r.error?.code)).toEqual(['reply_not_found', 'reply_not_found']);
    expect(await history(anne.api, conversationId)).toEqual([]);
  });
});
