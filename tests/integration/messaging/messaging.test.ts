import { describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import type { Conversation, Message } from '../../../src/shared/model.ts';
import { LiveClient } from '../helpers.ts';
import { useGateway } from '../fixture.ts';

const started = useGateway();

function createDirect(otherId: string, conversationId = newId()) {
  return { id: newId(), kind: 'conversation.create', args: { conversationId, participantIds: [otherId] } };
}

function send(conversationId: string, body: string, messageId = newId()) {
  return { id: messageId, kind: 'message.send', args: { conversationId, messageId, body } };
}

describe('messaging between two users', () => {
  it('delivers a message pushed over HTTP to the other user over WebSocket, with its seq', async () => {
    const anne = await started.signIn();
    const karim = await started.signIn();
    const [created] = await anne.api.push([createDirect(karim.user.id)]);
    expect(created?.ok).toBe(true);
    const conversation = (created?.result as { conversation: Conversation }).conversation;
    expect(conversation.kind).toBe('direct');
    expect(conversation.participants.map((p) => p.id).sort()).toEqual([anne.user.id, karim.user.id].sort());

    const live = await LiveClient.open(started.url, karim.api.cookie);
    try {
      const [sent] = await anne.api.push([send(conversation.id, 'Bonjour Karim')]);
      expect(sent).toMatchObject({ ok: true, result: { seq: 1 } });
      const frame = await live.next((f) => f.type === 'changes');
      expect(frame).toMatchObject({
        type: 'changes',
        changes: [{ type: 'message', message: { conversationId: conversation.id, seq: 1, senderId: anne.user.id, body: 'Bonjour Karim' } }],
      });

      const [reply] = await karim.api.push([send(conversation.id, 'Bonjour Anne')]);
      expect(reply).toMatchObject({ ok: true, result: { seq: 2 } });
      const history = await anne.api.get(`/api/conversations/${conversation.id}/messages`);
      expect(history.status).toBe(200);
      const messages = (history.body as { messages: Message[] }).messages;
      expect(messages.map((m) => [m.seq, m.body])).toEqual([
        [1, 'Bonjour Karim'],
        [2, 'Bonjour Anne'],
      ]);
    } finally {
      live.close();
    }
  });

  it('stores one message and answers the same seq when one message.send is pushed five times', async () => {
    const anne = await started.signIn();
    const karim = await started.signIn();
    const [created] = await anne.api.push([createDirect(karim.user.id)]);
    const conversationId = (created?.result as { conversation: Conversation }).conversation.id;
    const mutation = send(conversationId, 'Une seule fois');
    const results = [];
    for (let i = 0; i < 5; i++) results.push((await anne.api.push([mutation]))[0]);
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(results[0]).toMatchObject({ ok: true, result: { seq: 1 } });
    const [next] = await anne.api.push([send(conversationId, 'Suivant')]);
    expect(next).toMatchObject({ ok: true, result: { seq: 2 } });
    const history = await karim.api.get(`/api/conversations/${conversationId}/messages`);
    expect((history.body as { messages: Message[] }).messages.map((m) => m.body)).toEqual(['Une seule fois', 'Suivant']);
  });

  it('answers the existing direct conversation instead of creating a second one', async () => {
    const anne = await started.signIn();
    const karim = await started.signIn();
    const [first] = await anne.api.push([createDirect(karim.user.id)]);
    const [second] = await karim.api.push([createDirect(anne.user.id)]);
    const firstId = (first?.result as { conversation: Conversation }).conversation.id;
    expect((second?.result as { conversation: Conversation }).conversation.id).toBe(firstId);
    const list = await karim.api.get('/api/conversations');
    expect((list.body as { conversations: Conversation[] }).conversations.map((c) => c.id)).toEqual([firstId]);
  });

  it('refuses a message.send whose id is not its messageId, and applies the other items of the batch', async () => {
    const anne = await started.signIn();
    const karim = await started.signIn();
    const [created] = await anne.api.push([createDirect(karim.user.id)]);
    const conversationId = (created?.result as { conversation: Conversation }).conversation.id;
    const mismatched = { ...send(conversationId, 'x'), id: newId() };
    const results = await anne.api.push([mismatched, { id: 'junk', kind: 'message.send' }, send(conversationId, 'ok')]);
    expect(results.map((r) => r.error?.code ?? 'ok')).toEqual(['mutation_id_mismatch', 'bad_request', 'ok']);
    expect(results[2]).toMatchObject({ result: { seq: 1 } });
  });

  it('applies a batch in order: a creation, then messages and read markers over two conversations, replays included', async () => {
    const anne = await started.signIn();
    const karim = await started.signIn();
    const paul = await started.signIn();
    const [existing] = await anne.api.push([createDirect(paul.user.id)]);
    const withPaul = (existing?.result as { conversation: Conversation }).conversation.id;
    const withKarim = newId();
    const live = await LiveClient.open(started.url, karim.api.cookie);
    try {
      const first = send(withKarim, 'un');
      const batch = [
        createDirect(karim.user.id, withKarim),
        first,
        send(withPaul, 'pour Paul 1'),
        send(withKarim, 'deux'),
        { id: newId(), kind: 'read.mark', args: { conversationId: withPaul, seq: 1 } },
        first,
        send(withPaul, 'pour Paul 2'),
        send(withKarim, 'trois'),
      ];
      const results = await anne.api.push(batch);
      expect(results.map((r) => (r.result as { seq?: number } | undefined)?.seq ?? (r.ok ? 'ok' : r.error?.code))).toEqual([
        'ok', 1, 1, 2, 'ok', 1, 2, 3,
      ]);
      // Karim's socket sees the conversation, then each new message once, in seq order.
      const seen: number[] = [];
      while (seen.length < 3) {
        const frame = await live.next((f) => f.type === 'changes');
        for (const change of (frame as { changes: { type: string; message?: Message }[] }).changes) {
          if (change.type === 'message') seen.push(change.message!.seq);
        }
      }
      expect(seen).toEqual([1, 2, 3]);
      const history = await paul.api.get(`/api/conversations/${withPaul}/messages`);
      expect((history.body as { messages: Message[] }).messages.map((m) => m.body)).toEqual(['pour Paul 1', 'pour Paul 2']);
    } finally {
      live.close();
    }
  });

  it('moves read markers forward only and shows them to the other member in the pull', async () => {
    const anne = await started.signIn();
    const karim = await started.signIn();
    const [created] = await anne.api.push([createDirect(karim.user.id)]);
    const conversationId = (created?.result as { conversation: Conversation }).conversation.id;
    await anne.api.push([send(conversationId, 'un'), send(conversationId, 'deux')]);
    const read = (seq: number) => ({ id: newId(), kind: 'read.mark', args: { conversationId, seq } });
    const results = await karim.api.push([read(2), read(1), read(99)]);
    expect(results.every((r) => r.ok)).toBe(true);
    const page = (await anne.api.get('/api/sync/pull')).body as { changes: { type: string; seq?: number; userId?: string }[] };
    const reads = page.changes.filter((c) => c.type === 'read');
    expect(reads).toEqual([{ type: 'read', conversationId, userId: karim.user.id, seq: 2 }]);
  });

  it('relays typing from a member to the other members, not back to the typist', async () => {
    const anne = await started.signIn();
    const karim = await started.signIn();
    const [created] = await anne.api.push([createDirect(karim.user.id)]);
    const conversationId = (created?.result as { conversation: Conversation }).conversation.id;
    const anneLive = await LiveClient.open(started.url, anne.api.cookie);
    const karimLive = await LiveClient.open(started.url, karim.api.cookie);
    try {
      anneLive.send({ type: 'typing', conversationId });
      expect(await karimLive.next((f) => f.type === 'typing')).toEqual({ type: 'typing', conversationId, userId: anne.user.id });
      anneLive.send({ type: 'ping', t: 7 });
      await anneLive.next((f) => f.type === 'pong');
      expect(anneLive.frames.some((f) => f.type === 'typing')).toBe(false);
    } finally {
      anneLive.close();
      karimLive.close();
    }
  });

  it('cuts a user\'s sockets on dropUserSockets (a lost connection), and the pull still has the message', async () => {
    const anne = await started.signIn();
    const karim = await started.signIn();
    const [created] = await anne.api.push([createDirect(karim.user.id)]);
    const conversationId = (created?.result as { conversation: Conversation }).conversation.id;
    const live = await LiveClient.open(started.url, karim.api.cookie);
    const closed = new Promise<void>((done) => live.socket.once('close', () => done()));
    expect(started.gateway.realtime.dropUserSockets(karim.user.id)).toBe(1);
    await closed;
    await anne.api.push([send(conversationId, 'pendant la coupure')]);
    const page = (await karim.api.get('/api/sync/pull')).body as { changes: { type: string }[] };
    expect(page.changes.map((c) => c.type)).toEqual(['conversation', 'message']);
  });
});
