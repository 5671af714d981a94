import 'fake-indexeddb/auto';
import { IDBDatabase } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Change } from '../../../../src/shared/model.ts';
import { newDevice, serverWithConversation, syncedDevice } from '../kit/device.ts';
import type { FakeServer } from '../kit/fake-server.ts';

const pulls = (server: FakeServer) => server.requests.filter((r) => r.path.startsWith('/api/sync/pull'));

/** A synced device, and the server's message whose seq is past one whose live event never arrived. */
async function afterAMissedEvent() {
  const synced = await syncedDevice();
  const { server, paul, conversation } = synced;
  server.addMessage(conversation.id, paul, 'perdu'); // its live event never arrived
  const third = server.addMessage(conversation.id, paul, 'reçu');
  return { ...synced, third, before: pulls(server).length };
}

describe('SyncEngine.applyLive()', () => {
  it('stores the next message without pulling, and ignores a duplicate', async () => {
    const { server, paul, conversation, device } = await syncedDevice();
    const before = pulls(server).length;
    const message = server.addMessage(conversation.id, paul, 'Bonjour');
    await device.engine.applyLive([{ type: 'message', message }]);
    await device.engine.applyLive([{ type: 'message', message }]);
    await device.engine.whenIdle();
    expect(pulls(server)).toHaveLength(before);
    expect(await device.db.messages.count()).toBe(1);
  });

  it('pulls when a message skips a seq, filling the gap', async () => {
    const { server, device, third, before } = await afterAMissedEvent();
    await device.engine.applyLive([{ type: 'message', message: third }]);
    await device.engine.whenIdle();
    expect(pulls(server).length).toBeGreaterThan(before);
    const seqs = (await device.db.messages.toArray()).map((m) => m.seq).sort();
    expect(seqs).toEqual([1, 2]);
  });

  it('accepts reordered events without duplicates', async () => {
    const { server, paul, conversation, device } = await syncedDevice();
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
    const { server, paul, conversation, device } = await syncedDevice();
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
    const { server, paul, conversation, device } = await syncedDevice();
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
    const { server, anne, paul, conversation } = serverWithConversation();
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
    const { server, paul, conversation, device } = await syncedDevice();
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
    const { conversation, device } = await syncedDevice();
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
    const { server, paul, conversation, device } = await syncedDevice();
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
    const { server, device, third, before } = await afterAMissedEvent();
    await Promise.all([1, 2, 3].map(() => device.engine.applyLive([{ type: 'message', message: structuredClone(third) }])));
    await device.engine.whenIdle();
    expect(pulls(server).length).toBe(before + 1);
    expect((await device.db.messages.toArray()).map((m) => m.seq).sort()).toEqual([1, 2]);
  });
});
