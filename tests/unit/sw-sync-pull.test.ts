import 'fake-indexeddb/auto';
import { IDBDatabase } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Change } from '../../src/shared/model.ts';
import { FakeServer } from './sw-fake-server.ts';
import { newDevice, pendingMessage } from './sw-test-kit.ts';

function setup() {
  const server = new FakeServer();
  const anne = server.addUser('anne', 'Dr Anne Martin');
  const paul = server.addUser('paul', 'Paul Durand');
  const conversation = server.addConversation([anne, paul]);
  return { server, anne, paul, conversation };
}

const pulls = (server: FakeServer) => server.requests.filter((r) => r.path.startsWith('/api/sync/pull'));

describe('SyncEngine.pull()', () => {
  it('applies pages until hasMore is false and stores the cursor', async () => {
    const { server, anne, paul, conversation } = setup();
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
    const { server, anne, paul, conversation } = setup();
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
    const { server, anne, conversation } = setup();
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
    const { server, anne, paul, conversation } = setup();
    const device = await newDevice(server, anne);
    const read = (seq: number): Change => ({ type: 'read', conversationId: conversation.id, userId: paul.id, seq });
    await device.engine.applyLive([read(4), read(2)]);
    expect((await device.db.reads.get([conversation.id, paul.id]))?.seq).toBe(4);
    expect(server.requests).toHaveLength(0);
  });
});

describe('SyncEngine.applyLive()', () => {
  it('stores the next message without pulling, and ignores a duplicate', async () => {
    const { server, anne, paul, conversation } = setup();
    const device = await newDevice(server, anne);
    await device.engine.pull();
    const before = pulls(server).length;
    const message = server.addMessage(conversation.id, paul, 'Bonjour');
    await device.engine.applyLive([{ type: 'message', message }]);
    await device.engine.applyLive([{ type: 'message', message }]);
    await device.engine.whenIdle();
    expect(pulls(server)).toHaveLength(before);
    expect(await device.db.messages.count()).toBe(1);
  });

  it('pulls when a message skips a seq, filling the gap', async () => {
    const { server, anne, paul, conversation } = setup();
    const device = await newDevice(server, anne);
    await device.engine.pull();
    server.addMessage(conversation.id, paul, 'perdu'); // its live event never arrived
    const third = server.addMessage(conversation.id, paul, 'reçu');
    const before = pulls(server).length;
    await device.engine.applyLive([{ type: 'message', message: third }]);
    await device.engine.whenIdle();
    expect(pulls(server).length).toBeGreaterThan(before);
    const seqs = (await device.db.messages.toArray()).map((m) => m.seq).sort();
    expect(seqs).toEqual([1, 2]);
  });

  it('accepts reordered events without duplicates', async () => {
    const { server, anne, paul, conversation } = setup();
    const device = await newDevice(server, anne);
    await device.engine.pull();
    const first = server.addMessage(conversation.id, paul, 'un');
    const second = server.addMessage(conversation.id, paul, 'deux');
    await device.engine.applyLive([{ type: 'message', message: second }]);
    await device.engine.applyLive([{ type: 'message', message: first }]);
    await device.engine.whenIdle();
    expect((await device.db.messages.toArray()).map((m) => m.body).sort()).toEqual(['deux', 'un']);
  });
});

describe('SyncEngine.applyLive() batching', () => {
  it('writes frames that arrive while a batch is stored as the next batch: every one stored once, one event per batch', async () => {
    const { server, anne, paul, conversation } = setup();
    const device = await newDevice(server, anne);
    await device.engine.pull();
    const messages = Array.from({ length: 30 }, (_, i) => server.addMessage(conversation.id, paul, `message ${i + 1}`));
    const topic = `messages:${conversation.id}`;
    const eventsBefore = device.events.filter((e) => e.topic === topic).length;
    const writes: number[] = [];
    device.db.messages.hook('creating', () => void writes.push(1));
    // One frame per message, all in the same turn, one of them twice (a duplicated event).
    const applied = messages.map((message) => device.engine.applyLive([{ type: 'message', message }]));
    applied.push(device.engine.applyLive([{ type: 'message', message: messages[3]! }]));
    await Promise.all(applied);
    await device.engine.whenIdle();
    const stored = await device.db.messages.where('conversationId').equals(conversation.id).toArray();
    expect(stored.map((m) => m.seq).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(messages.map((m) => m.seq));
    expect(writes).toHaveLength(30);
    // The first frame starts a batch; the 30 others arrive before it is written and share one more.
    expect(device.events.filter((e) => e.topic === topic).length - eventsBefore).toBeLessThanOrEqual(2);
    expect(pulls(server)).toHaveLength(1);
  });

  it('resolves each call only once its own changes are stored', async () => {
    const { server, anne, paul, conversation } = setup();
    const device = await newDevice(server, anne);
    await device.engine.pull();
    const first = server.addMessage(conversation.id, paul, 'un');
    const second = server.addMessage(conversation.id, paul, 'deux');
    const one = device.engine.applyLive([{ type: 'message', message: first }]);
    const two = device.engine.applyLive([{ type: 'message', message: second }]);
    await two;
    expect(await device.db.messages.get(second.messageId)).toMatchObject({ status: 'sent', body: 'deux' });
    await one;
    expect(await device.db.messages.count()).toBe(2);
  });
});

describe('SyncEngine.applyLive() with several tabs open', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** Counts the read-write transactions of the stores opened after it (Dexie binds the method when it opens). */
  function countWrites(): () => number {
    const opened = vi.spyOn(IDBDatabase.prototype, 'transaction');
    return () => opened.mock.calls.filter(([, mode]) => mode === 'readwrite').length;
  }

  it('applies a frame that three tabs forward once: one transaction, one messages event', async () => {
    const { server, anne, paul, conversation } = setup();
    const writes = countWrites();
    const device = await newDevice(server, anne);
    await device.engine.pull();
    const message = server.addMessage(conversation.id, paul, 'Bonjour');
    const read = { type: 'read' as const, conversationId: conversation.id, userId: paul.id, seq: 1 };
    const frame: Change[] = [{ type: 'message', message }, read];
    const topic = `messages:${conversation.id}`;
    const eventsBefore = device.events.filter((e) => e.topic === topic).length;
    const notificationsBefore = await device.db.notifications.count();
    const writesBefore = writes();

    // Two tabs forward it together, the third a moment later.
    await Promise.all([device.engine.applyLive(frame), device.engine.applyLive(structuredClone(frame))]);
    await device.engine.applyLive(structuredClone(frame));
    await device.engine.whenIdle();

    expect(writes() - writesBefore).toBe(1);
    expect(device.events.filter((e) => e.topic === topic).length - eventsBefore).toBe(1);
    expect(await device.db.messages.get(message.messageId)).toMatchObject({ status: 'sent', seq: 1 });
    expect((await device.db.reads.get([conversation.id, paul.id]))?.seq).toBe(1);
    expect((await device.db.notifications.count()) - notificationsBefore).toBe(1);
  });

  it('applies every distinct change, however alike', async () => {
    const { server, anne, paul, conversation } = setup();
    const device = await newDevice(server, anne);
    await device.engine.pull();
    const first = server.addMessage(conversation.id, paul, 'un');
    const second = server.addMessage(conversation.id, paul, 'deux');
    const read = (seq: number): Change => ({ type: 'read', conversationId: conversation.id, userId: paul.id, seq });
    const renamed = (title: string): Change => ({ type: 'conversation', conversation: { ...conversation, title } });

    await device.engine.applyLive([{ type: 'message', message: first }, read(1), renamed('Bloc A')]);
    await device.engine.applyLive([{ type: 'message', message: second }, read(2), renamed('Bloc B')]);
    // A rename back to the first title is a new change, equal to one applied before.
    await device.engine.applyLive([renamed('Bloc A')]);
    await device.engine.whenIdle();

    expect((await device.db.messages.toArray()).map((m) => m.body).sort()).toEqual(['deux', 'un']);
    expect((await device.db.reads.get([conversation.id, paul.id]))?.seq).toBe(2);
    expect((await device.db.conversations.get(conversation.id))?.title).toBe('Bloc A');
  });

  it('applies a repeated conversation change again once something else wrote the conversation', async () => {
    const { server, anne, conversation } = setup();
    const device = await newDevice(server, anne);
    await device.engine.pull();
    const renamed: Change = { type: 'conversation', conversation: { ...conversation, title: 'Bloc A' } };
    await device.engine.applyLive([renamed]);
    // A request (or a pull page) writes the conversation meanwhile, and tells the engine.
    await device.db.conversations.put({ ...conversation, title: 'Bloc B' });
    device.engine.notifyChanged([conversation.id]);

    await device.engine.applyLive([structuredClone(renamed)]);
    await device.engine.whenIdle();
    expect((await device.db.conversations.get(conversation.id))?.title).toBe('Bloc A');
  });

  it('applies a frame again when writing it the first time failed', async () => {
    const { server, anne, paul, conversation } = setup();
    const device = await newDevice(server, anne);
    await device.engine.pull();
    const message = server.addMessage(conversation.id, paul, 'Bonjour');
    const fail = () => {
      throw new DOMException('disk', 'UnknownError');
    };
    device.db.messages.hook('creating', fail);
    await expect(device.engine.applyLive([{ type: 'message', message }])).rejects.toThrow();
    device.db.messages.hook('creating').unsubscribe(fail);

    await device.engine.applyLive([{ type: 'message', message: structuredClone(message) }]);
    expect(await device.db.messages.get(message.messageId)).toMatchObject({ status: 'sent', seq: 1 });
  });

  it('keeps detecting gaps: a forwarded frame past a missed event still pulls', async () => {
    const { server, anne, paul, conversation } = setup();
    const device = await newDevice(server, anne);
    await device.engine.pull();
    server.addMessage(conversation.id, paul, 'perdu'); // its live event never arrived
    const third = server.addMessage(conversation.id, paul, 'reçu');
    const before = pulls(server).length;
    await Promise.all([1, 2, 3].map(() => device.engine.applyLive([{ type: 'message', message: structuredClone(third) }])));
    await device.engine.whenIdle();
    expect(pulls(server).length).toBe(before + 1);
    expect((await device.db.messages.toArray()).map((m) => m.seq).sort()).toEqual([1, 2]);
  });
});

describe('SyncEngine pull reset', () => {
  it('drops synced data, keeps pending and failed messages and the outbox, resyncs, then flushes', async () => {
    const { server, anne, paul, conversation } = setup();
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

  it('keeps the outbox entry of a pending message through the reset when the flush after it fails', async () => {
    const { server, anne, paul, conversation } = setup();
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
