import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OUTBOX_BACKOFF } from '../../../../src/shared/backoff.ts';
import { newDevice, pendingMessage, serverWithConversation } from '../kit/device.ts';
import type { FakeServer } from '../kit/fake-server.ts';

const pushes = (server: FakeServer) => server.requests.filter((r) => r.path === '/api/sync/push');

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('SyncEngine.flush()', () => {
  it('marks a pushed message sent with its seq and server time, and empties the outbox', async () => {
    const { server, anne, conversation } = serverWithConversation();
    const device = await newDevice(server, anne);
    const message = await device.engine.send(pendingMessage(conversation.id, anne, 'Bonjour'));
    await device.engine.whenIdle();
    const stored = await device.db.messages.get(message.messageId);
    const serverCopy = server.logs.get(conversation.id)![0]!;
    expect(stored).toMatchObject({ status: 'sent', seq: 1, time: serverCopy.serverTime });
    expect(await device.db.outbox.count()).toBe(0);
    expect(pushes(server)[0]!.body).toMatchObject({ deviceId: 'device-test', mutations: [{ id: message.messageId, kind: 'message.send' }] });
    expect(device.events).toContainEqual({ topic: `messages:${conversation.id}`, data: { conversationId: conversation.id } });
    expect(device.events).toContainEqual({ topic: 'conversations', data: {} });
  });

  it('keeps the entry when the server answers 503 and backs off with growing, capped delays', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { server, anne, conversation } = serverWithConversation();
    const device = await newDevice(server, anne);
    for (let i = 0; i < 10; i++) server.faults.push({ status: 503, code: 'unavailable' });
    await device.db.messages.count(); // open the database before timers matter
    const message = await device.engine.send(pendingMessage(conversation.id, anne, 'Bonjour'));
    await device.engine.whenIdle();
    expect(device.retryDelays).toEqual([1_000]);
    expect(await device.db.outbox.count()).toBe(1);
    expect((await device.db.messages.get(message.messageId))?.status).toBe('pending');
    expect(device.engine.state()).toMatchObject({ pending: 1, lastErrorCode: 'unavailable' });

    for (let attempt = 0; attempt < 9; attempt++) {
      await vi.advanceTimersByTimeAsync(device.retryDelays.at(-1)!);
      await device.engine.whenIdle();
    }
    expect(device.retryDelays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000]);
    expect((await device.db.outbox.toArray())[0]!.attempts).toBe(10);

    // The eleventh attempt finds the server back.
    await vi.advanceTimersByTimeAsync(OUTBOX_BACKOFF.capMs);
    await device.engine.whenIdle();
    expect(await device.db.outbox.count()).toBe(0);
    expect((await device.db.messages.get(message.messageId))?.status).toBe('sent');
    expect(pushes(server)).toHaveLength(11);
  });

  it('applies jitter within 20 % below the ceiling', async () => {
    const { server, anne, conversation } = serverWithConversation();
    const device = await newDevice(server, anne);
    server.faults.push({ status: 503, code: 'unavailable' });
    const engine = device.engine;
    await engine.send(pendingMessage(conversation.id, anne, 'Bonjour'));
    await engine.whenIdle();
    engine.stop();
    expect(device.retryDelays[0]).toBeLessThanOrEqual(OUTBOX_BACKOFF.baseMs);
    expect(device.retryDelays[0]).toBeGreaterThanOrEqual(OUTBOX_BACKOFF.baseMs * 0.8);
  });

  it('keeps the entry on a network error and reports being offline', async () => {
    const { server, anne, conversation } = serverWithConversation();
    const device = await newDevice(server, anne);
    server.faults.push('network', 'network');
    await device.engine.send(pendingMessage(conversation.id, anne, 'Bonjour'));
    await device.engine.whenIdle();
    expect(await device.db.outbox.count()).toBe(1);
    expect(device.engine.state()).toMatchObject({ online: false, lastErrorCode: 'offline', pending: 1 });
    await device.engine.flush();
    expect(device.retryDelays).toEqual([1_000, 2_000]);
    device.engine.stop();
  });

  it('counts the messages waiting apart from the other changes waiting (a read mark is not a message)', async () => {
    const { server, anne, conversation } = serverWithConversation();
    const device = await newDevice(server, anne);
    server.faults.push('network', 'network', 'network');
    await device.engine.send(pendingMessage(conversation.id, anne, 'Bonjour'));
    await device.engine.markRead(conversation.id, 1);
    await device.engine.whenIdle();
    expect(await device.db.outbox.count()).toBe(2);
    expect(device.engine.state()).toMatchObject({ pending: 1, changes: 2 });
    device.engine.stop();
  });

  it('delivers a message once when the answer was lost after the server committed it', async () => {
    const { server, anne, conversation } = serverWithConversation();
    const device = await newDevice(server, anne);
    server.faults.push('lose-response');
    const message = await device.engine.send(pendingMessage(conversation.id, anne, 'Bonjour'));
    await device.engine.whenIdle();
    expect(server.logs.get(conversation.id)).toHaveLength(1);
    expect((await device.db.messages.get(message.messageId))?.status).toBe('pending');

    await device.engine.flush();
    await device.engine.pull();
    expect(server.logs.get(conversation.id)).toHaveLength(1);
    const all = await device.db.messages.toArray();
    expect(all.filter((m) => m.messageId === message.messageId)).toHaveLength(1);
    expect(all[0]).toMatchObject({ status: 'sent', seq: 1 });
    expect(await device.db.outbox.count()).toBe(0);
    device.engine.stop();
  });

  it('keeps everything and reports the session expired on 401, then stops flushing', async () => {
    const { server, anne, conversation } = serverWithConversation();
    const device = await newDevice(server, anne);
    server.expired.add(anne.id);
    await device.engine.send(pendingMessage(conversation.id, anne, 'Bonjour'));
    await device.engine.whenIdle();
    expect(await device.db.outbox.count()).toBe(1);
    expect(device.events).toContainEqual({ topic: 'auth', data: { user: anne, expired: true } });
    expect(device.engine.expired).toBe(true);
    const before = server.requests.length;
    await device.engine.flush();
    expect(server.requests.length).toBe(before);

    // Signing in again resumes delivery.
    server.expired.delete(anne.id);
    device.engine.resume();
    await device.engine.flush();
    expect(await device.db.outbox.count()).toBe(0);
  });

  it('marks a refused message failed with its code, and retry() re-sends it with the same id', async () => {
    const { server, anne, paul } = serverWithConversation();
    const device = await newDevice(server, anne);
    const stranger = server.addUser('zoe');
    const foreign = server.addConversation([paul, stranger]);
    const message = await device.engine.send(pendingMessage(foreign.id, anne, 'Bonjour'));
    await device.engine.whenIdle();
    expect(await device.db.messages.get(message.messageId)).toMatchObject({ status: 'failed', errorCode: 'conversation_not_found' });
    expect(await device.db.outbox.count()).toBe(0);

    // Anne is added to the conversation on the server; "Réessayer" sends the same message id.
    foreign.participants.push({ id: anne.id, displayName: anne.displayName, role: anne.role });
    const retried = await device.engine.retry(message.messageId);
    expect(retried?.status).toBe('pending');
    await device.engine.whenIdle();
    expect(await device.db.messages.get(message.messageId)).toMatchObject({ status: 'sent', seq: 1 });
    expect(server.logs.get(foreign.id)!.map((m) => m.messageId)).toEqual([message.messageId]);
  });

  it('marks a message refused with message_id_taken failed and sends the ones queued after it, once', async () => {
    const { server, anne, paul, conversation } = serverWithConversation();
    const taken = server.addMessage(conversation.id, paul, 'à Paul');
    const device = await newDevice(server, anne);
    // A message of this device whose id the conversation already holds.
    const refused = await device.engine.send({ ...pendingMessage(conversation.id, anne, 'le mien'), messageId: taken.messageId });
    const after = await device.engine.send(pendingMessage(conversation.id, anne, 'suivant', 2));
    await device.engine.whenIdle();
    expect(await device.db.messages.get(refused.messageId)).toMatchObject({ status: 'failed', errorCode: 'message_id_taken' });
    expect(await device.db.messages.get(after.messageId)).toMatchObject({ status: 'sent' });
    expect(await device.db.outbox.count()).toBe(0);
    // Settled for good: no retry is scheduled, and the next flush sends nothing.
    expect(device.retryDelays).toEqual([]);
    const sent = pushes(server).length;
    await device.engine.flush();
    expect(pushes(server).length).toBe(sent);
  });

  it('runs one push at a time when flushes are requested concurrently', async () => {
    const { server, anne, conversation } = serverWithConversation();
    const device = await newDevice(server, anne);
    let release!: () => void;
    server.gate = new Promise<void>((resolve) => (release = resolve));
    const first = device.engine.send(pendingMessage(conversation.id, anne, 'un', 1));
    await first;
    const flushA = device.engine.flush();
    const flushB = device.engine.flush();
    await device.engine.send(pendingMessage(conversation.id, anne, 'deux', 2));
    expect(flushA).toBe(flushB);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(pushes(server)).toHaveLength(1);
    server.gate = null;
    release();
    await device.engine.whenIdle();
    expect(server.maxInFlight).toBe(1);
    expect(server.logs.get(conversation.id)!.map((m) => m.body)).toEqual(['un', 'deux']);
    expect(await device.db.outbox.count()).toBe(0);
  });

  it('pushes at most 100 mutations per request, in order', async () => {
    const { server, anne, conversation } = serverWithConversation();
    const device = await newDevice(server, anne);
    server.expired.add(anne.id); // hold the outbox while it fills
    for (let i = 0; i < 150; i++) await device.engine.send(pendingMessage(conversation.id, anne, `m${i}`, i));
    await device.engine.whenIdle();
    server.expired.delete(anne.id);
    device.engine.resume();
    const before = pushes(server).length;
    await device.engine.flush();
    const batches = pushes(server).slice(before).map((r) => (r.body as { mutations: unknown[] }).mutations.length);
    expect(batches).toEqual([100, 50]);
    expect(server.logs.get(conversation.id)!.map((m) => m.body)).toEqual(Array.from({ length: 150 }, (_, i) => `m${i}`));
  });

  it('reports a bug during a flush as internal, and a failing store as storage_error, keeping the entry', async () => {
    const { server, anne, conversation } = serverWithConversation();
    const device = await newDevice(server, anne);
    server.expired.add(anne.id); // hold the outbox while it fills
    await device.engine.send(pendingMessage(conversation.id, anne, 'Bonjour'));
    await device.engine.whenIdle();
    server.expired.delete(anne.id);
    device.engine.resume();
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const bug = () => {
      throw new TypeError('Cannot read properties of undefined');
    };
    device.db.outbox.hook('reading', bug);
    await device.engine.flush();
    expect(device.engine.state().lastErrorCode).toBe('internal');
    expect(logged).toHaveBeenCalledWith('relais sw: sync run failed', 'TypeError');
    device.db.outbox.hook('reading').unsubscribe(bug);
    expect(await device.db.outbox.count()).toBe(1);

    device.db.close();
    await device.engine.flush();
    expect(device.engine.state().lastErrorCode).toBe('storage_error');
    expect(logged).toHaveBeenLastCalledWith('relais sw: sync run failed', 'DatabaseClosedError');
  });
});
