import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { Change } from '../../../../src/shared/model.ts';
import { newDevice, pendingMessage, serverWithConversation } from '../kit/device.ts';
import type { FakeServer } from '../kit/fake-server.ts';

const pulls = (server: FakeServer) => server.requests.filter((r) => r.path.startsWith('/api/sync/pull'));

describe('SyncEngine.pull()', () => {
  it('applies pages until hasMore is false and stores the cursor', async () => {
    const { server, anne, paul, conversation } = serverWithConversation();
    server.pageSize = 2;
    for (let i = 1; i <= 5; i++) server.addMessage(conversation.id, paul, `message ${i}`);
    const device = await newDevice(server, anne);
    await device.engine.pull();
    // 1 conversation + 5 messages = 6 changes in pages of 2.
    expect(pulls(server).map((r) => r.path)).toEqual([
      '/api/sync/pull',
      '/api/sync/pull?cursor=e1%3A2',
      '/api/sync/pull?cursor=e1%3A4',
    ]);
    const messages = await device.db.messages.toArray();
    expect(messages.map((m) => m.seq).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(messages.every((m) => m.status === 'sent')).toBe(true);
    expect(await device.db.conversations.get(conversation.id)).toEqual(conversation);
    expect((await device.db.meta.get('cursor'))?.value).toBe('e1:6');
    expect(device.events).toContainEqual({ topic: `messages:${conversation.id}`, data: { conversationId: conversation.id } });
  });

  it('applies the same page twice without duplicates', async () => {
    const { server, anne, paul, conversation } = serverWithConversation();
    server.addMessage(conversation.id, paul, 'un');
    server.addMessage(conversation.id, paul, 'deux');
    const device = await newDevice(server, anne);
    await device.engine.pull();
    await device.db.meta.delete('cursor'); // as if the cursor write had been lost
    await device.engine.pull();
    expect(await device.db.messages.count()).toBe(2);
    expect(await device.db.conversations.count()).toBe(1);
  });

  it('turns a local pending message the pull brings back into a sent one', async () => {
    const { server, anne, conversation } = serverWithConversation();
    const device = await newDevice(server, anne);
    server.faults.push('lose-response');
    const message = await device.engine.send(pendingMessage(conversation.id, anne, 'Bonjour'));
    await device.engine.whenIdle();
    expect((await device.db.messages.get(message.messageId))?.status).toBe('pending');
    await device.engine.pull();
    expect(await device.db.messages.get(message.messageId)).toMatchObject({ status: 'sent', seq: 1 });
    expect(await device.db.messages.count()).toBe(1);
    expect(await device.db.outbox.count()).toBe(0);
    device.engine.stop();
  });

  it('keeps read positions moving forward only', async () => {
    const { server, anne, paul, conversation } = serverWithConversation();
    const device = await newDevice(server, anne);
    const read = (seq: number): Change => ({ type: 'read', conversationId: conversation.id, userId: paul.id, seq });
    await device.engine.applyLive([read(4), read(2)]);
    expect((await device.db.reads.get([conversation.id, paul.id]))?.seq).toBe(4);
    expect(server.requests).toHaveLength(0);
  });
});

describe('SyncEngine pull reset', () => {
  it('drops synced data, keeps pending and failed messages and the outbox, resyncs, then flushes', async () => {
    const { server, anne, paul, conversation } = serverWithConversation();
    server.addMessage(conversation.id, paul, 'ancien');
    const device = await newDevice(server, anne);
    await device.engine.pull();
    await device.db.reads.put({ conversationId: conversation.id, userId: paul.id, seq: 1 });

    // Offline: a message waits in the outbox; another one had failed.
    server.expired.add(anne.id);
    const waiting = await device.engine.send(pendingMessage(conversation.id, anne, 'en attente'));
    await device.engine.whenIdle();
    const failed = { ...pendingMessage(conversation.id, anne, 'échoué'), status: 'failed' as const, errorCode: 'unavailable' as const };
    await device.db.messages.put(failed);

    // The server lost its history: the old cursor answers reset.
    server.newEpoch();
    server.expired.delete(anne.id);
    device.engine.resume();
    const stale = server.logs.get(conversation.id)![0]!;
    const flushesBefore = server.requests.filter((r) => r.path === '/api/sync/push').length;
    await device.engine.pull();

    expect(await device.db.messages.get(failed.messageId)).toMatchObject({ status: 'failed' });
    expect(await device.db.messages.get(waiting.messageId)).toMatchObject({ status: 'sent', seq: 2 });
    expect(await device.db.messages.get(stale.messageId)).toMatchObject({ status: 'sent', seq: 1 });
    expect(await device.db.reads.get([conversation.id, paul.id])).toBeUndefined();
    expect(await device.db.conversations.get(conversation.id)).toEqual(conversation);
    expect(server.requests.filter((r) => r.path === '/api/sync/push').length).toBeGreaterThan(flushesBefore);
    expect(await device.db.outbox.count()).toBe(0);
  });

  it('recovers from a stored cursor the server cannot parse (a reset), losing nothing', async () => {
    const { server, anne, paul, conversation } = serverWithConversation();
    server.addMessage(conversation.id, paul, 'ancien');
    const device = await newDevice(server, anne);
    await device.engine.pull();
    server.expired.add(anne.id);
    const waiting = await device.engine.send(pendingMessage(conversation.id, anne, 'en attente'));
    await device.engine.whenIdle();
    server.expired.delete(anne.id);
    device.engine.resume();
    // A cursor no server minted (a corrupted store, or a crafted value).
    await device.db.meta.put({ key: 'cursor', value: 'e1:99999999999999999999' });
    await device.engine.pull();
    await device.engine.whenIdle();
    expect((await device.db.meta.get('cursor'))?.value).toMatch(/^e1:\d{1,3}$/);
    expect((await device.db.messages.toArray()).map((m) => [m.body, m.status, m.seq])).toEqual(
      expect.arrayContaining([
        ['ancien', 'sent', 1],
        ['en attente', 'sent', 2],
      ]),
    );
    expect(await device.db.messages.get(waiting.messageId)).toMatchObject({ status: 'sent' });
    expect(await device.db.outbox.count()).toBe(0);
    device.engine.stop();
  });

  it('keeps the outbox entry of a pending message through the reset when the flush after it fails', async () => {
    const { server, anne, paul, conversation } = serverWithConversation();
    server.addMessage(conversation.id, paul, 'ancien');
    const device = await newDevice(server, anne);
    await device.engine.pull();
    server.expired.add(anne.id);
    const waiting = await device.engine.send(pendingMessage(conversation.id, anne, 'en attente'));
    await device.engine.whenIdle();
    server.newEpoch();
    server.expired.delete(anne.id);
    device.engine.resume();
    // pull → reset, pull → page, then the flush gets no answer.
    server.faults.push('none', 'none', 'network');
    await device.engine.pull();
    await device.engine.whenIdle();
    expect(server.requests.slice(-3).map((r) => r.path.split('?')[0])).toEqual(['/api/sync/pull', '/api/sync/pull', '/api/sync/push']);
    expect(await device.db.messages.get(waiting.messageId)).toMatchObject({ status: 'pending', seq: null });
    // The reset queued the re-creation of the conversation (the store lost it) ahead of the message.
    const queued = (await device.db.outbox.toArray()).map((entry) => [entry.kind, (entry.args as { conversationId: string }).conversationId, entry.kind === 'message.send' ? entry.id : '']);
    expect(queued).toEqual([
      ['conversation.create', conversation.id, ''],
      ['message.send', conversation.id, waiting.messageId],
    ]);
    expect(await device.db.messages.count()).toBe(2);
    device.engine.stop();
  });
});
