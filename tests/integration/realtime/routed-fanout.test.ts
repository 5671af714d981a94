import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createLiveBus, type LiveBus } from '../../../src/server/realtime/live-bus.ts';
import { conversationChannel, userChannel } from '../../../src/server/realtime/live-routes.ts';
import { newId } from '../../../src/shared/ids.ts';
import type { Change, Message } from '../../../src/shared/model.ts';
import type { ServerFrame } from '../../../src/shared/realtime.ts';
import {
  addUser,
  ApiClient,
  connectTestRedis,
  flushTestDb,
  LiveClient,
  redisUrl,
  spawnGateway,
  startGateway,
  type SpawnedGateway,
  type StartedGateway,
} from '../helpers.ts';

/*
 * Routed fan-out with three gateways on one real Redis: two in this process (their counters read
 * directly) and one child process (killed with SIGKILL). A gateway receives a conversation's events
 * only while it holds a socket of one of its members; delivery, order and the pull's catch-up hold
 * when the gateway of a member dies.
 */

const DB = 36;
let redis: Redis;
let first: StartedGateway;
let second: StartedGateway;
let third: SpawnedGateway;

beforeAll(async () => {
  await flushTestDb(DB);
  redis = connectTestRedis(DB);
  [first, second, third] = await Promise.all([startGateway({ db: DB }), startGateway({ db: DB }), spawnGateway({ REDIS_URL: redisUrl(DB) })]);
});

afterAll(async () => {
  await Promise.all([first?.close(), second?.close(), third?.stop()]);
  redis?.disconnect();
});

async function person(baseUrl: string): Promise<{ id: string; api: ApiClient }> {
  const account = await addUser(redis);
  const api = new ApiClient(baseUrl);
  await api.login(account.username);
  return { id: account.id, api };
}

async function conversation(creator: { api: ApiClient }, others: { id: string }[]): Promise<string> {
  const conversationId = newId();
  const [created] = await creator.api.push([
    { id: newId(), kind: 'conversation.create', args: { conversationId, participantIds: others.map((o) => o.id), title: 'Routage' } },
  ]);
  expect(created?.ok).toBe(true);
  return conversationId;
}

async function send(from: { api: ApiClient }, conversationId: string, body: string): Promise<number> {
  const messageId = newId();
  const [sent] = await from.api.push([{ id: messageId, kind: 'message.send', args: { conversationId, messageId, body } }]);
  expect(sent?.ok).toBe(true);
  return (sent?.result as { seq: number }).seq;
}

function messagesIn(frames: ServerFrame[], conversationId: string): Message[] {
  return frames
    .flatMap((f) => (f.type === 'changes' ? (f.changes as Change[]) : []))
    .flatMap((c) => (c.type === 'message' && c.message.conversationId === conversationId ? [c.message] : []));
}

const seqs = (n: number, from = 1): number[] => Array.from({ length: n }, (_, i) => from + i);

describe('routed fan-out over three gateways', () => {
  it('keeps a conversation\'s messages, read markers, typing and presence away from a gateway with none of its members', async () => {
    const anne = await person(first.url);
    const bruno = await person(first.url);
    const carla = await person(second.url);
    const dora = await person(first.url);
    const pair = await conversation(anne, [bruno]);
    const other = await conversation(dora, [carla]);
    const annes = await LiveClient.open(first.url, anne.api.cookie);
    const carlas = await LiveClient.open(second.url, carla.api.cookie);
    const doras = await LiveClient.open(first.url, dora.api.cookie);
    try {
      // Dora coming online reaches Carla on gateway 2 (her contact): wait for it, then count from there.
      await carlas.next((f) => f.type === 'presence' && f.userId === dora.id && f.state === 'online');
      const before = second.gateway.realtime.stats();
      const firstBefore = first.gateway.realtime.stats();

      // Bruno connects to gateway 3: his presence goes to Anne (gateway 1) only.
      const brunos = await LiveClient.open(third.url, bruno.api.cookie);
      try {
        await annes.next((f) => f.type === 'presence' && f.userId === bruno.id && f.state === 'online');
        for (let i = 0; i < 5; i++) await send(anne, pair, `message ${i}`);
        await brunos.next((f) => messagesIn([f], pair).some((m) => m.seq === 5));
        brunos.send({ type: 'typing', conversationId: pair });
        await annes.next((f) => f.type === 'typing' && f.conversationId === pair && f.userId === bruno.id);
        const [read] = await bruno.api.push([{ id: newId(), kind: 'read.mark', args: { conversationId: pair, seq: 5 } }]);
        expect(read?.ok).toBe(true);
        await annes.next((f) => f.type === 'changes' && (f.changes as Change[]).some((c) => c.type === 'read' && c.userId === bruno.id));
      } finally {
        brunos.close();
      }
      await annes.next((f) => f.type === 'presence' && f.userId === bruno.id && f.state === 'offline');

      // Gateway 2 holds no member of the pair, nor any contact of Anne or Bruno: it received nothing.
      expect(second.gateway.realtime.stats().received).toBe(before.received);
      // Gateway 1 received each of those events once, and each had a recipient here.
      const firstAfter = first.gateway.realtime.stats();
      expect(firstAfter.received - firstBefore.received).toBe(5 + 1 + 1 + 2); // messages, typing, read marker, presence ×2
      expect(firstAfter.routed - firstBefore.routed).toBe(firstAfter.received - firstBefore.received);
      expect(messagesIn(carlas.frames, pair)).toEqual([]);

      // The other conversation does reach gateway 2, where Carla is.
      await send(dora, other, 'pour Carla');
      await carlas.next((f) => messagesIn([f], other).length > 0);
      const after = second.gateway.realtime.stats();
      expect(after.received - before.received).toBe(1);
      expect(after.routed - before.routed).toBe(1);
    } finally {
      annes.close();
      carlas.close();
      doras.close();
    }
  });

  it('follows a conversation joined while connected, and delivers what it published before being followed', async () => {
    const anne = await person(first.url);
    const bruno = await person(second.url);
    const brunos = await LiveClient.open(second.url, bruno.api.cookie);
    try {
      // Created and written to at once: the first message may go out before gateway 2 follows the
      // conversation; it reaches Bruno anyway, once.
      const conversationId = newId();
      const messageId = newId();
      const results = await anne.api.push([
        { id: newId(), kind: 'conversation.create', args: { conversationId, participantIds: [bruno.id] } },
        { id: messageId, kind: 'message.send', args: { conversationId, messageId, body: 'tout de suite' } },
      ]);
      expect(results.every((r) => r.ok)).toBe(true);
      const firstFrame = await brunos.next((f) => messagesIn([f], conversationId).length > 0);
      expect(messagesIn([firstFrame], conversationId).map((m) => m.messageId)).toEqual([messageId]);
      await send(anne, conversationId, 'ensuite');
      await brunos.next((f) => messagesIn([f], conversationId).some((m) => m.seq === 2));
      // Once each: not live and caught up both.
      expect(messagesIn(brunos.frames, conversationId)).toEqual([]);
      // Only gateway 2 follows it (Anne has no socket).
      expect(await redis.call('PUBSUB', 'SHARDNUMSUB', conversationChannel(conversationId))).toEqual([conversationChannel(conversationId), 1]);
    } finally {
      brunos.close();
    }
  });

  it('keeps delivery, order and the pull\'s catch-up when the gateway of a member dies', async () => {
    const anne = await person(first.url);
    const bruno = await person(third.url);
    const pair = await conversation(anne, [bruno]);
    const start = (await bruno.api.get('/api/sync/pull')).body as { cursor: string };
    const annes = await LiveClient.open(first.url, anne.api.cookie);
    const brunoOnThird = await LiveClient.open(third.url, bruno.api.cookie);
    let brunoOnSecond: LiveClient | undefined;
    try {
      const total = 30;
      for (let i = 1; i <= total; i++) {
        expect(await send(anne, pair, `message ${i}`)).toBe(i);
        if (i === 10) {
          await brunoOnThird.next((f) => messagesIn([f], pair).some((m) => m.seq === 10));
          third.child.kill('SIGKILL');
        }
        // Bruno's app reconnects to a gateway still up.
        if (i === 15) brunoOnSecond = await LiveClient.open(second.url, bruno.api.cookie);
      }
      await brunoOnSecond!.next((f) => messagesIn([f], pair).some((m) => m.seq === total));
      await annes.next((f) => messagesIn([f], pair).some((m) => m.seq === total));

      // Anne's gateway lost nothing: every message once, in order.
      expect(messagesIn(annes.frames, pair).map((m) => m.seq)).toEqual(seqs(total - 1));
      // Live on the gateway Bruno moved to: once each, in order, from after he reconnected.
      const liveAfter = messagesIn(brunoOnSecond!.frames, pair).map((m) => m.seq);
      expect(liveAfter).toEqual(seqs(liveAfter.length, 16));
      // The pull from before the crash has everything, once, in order (what the app does on reconnect).
      const api = new ApiClient(second.url);
      api.cookie = bruno.api.cookie;
      const pulled: number[] = [];
      let cursor = start.cursor;
      for (;;) {
        const page = (await api.get(`/api/sync/pull?cursor=${encodeURIComponent(cursor)}`)).body as { changes: Change[]; cursor: string; hasMore: boolean };
        pulled.push(...page.changes.flatMap((c) => (c.type === 'message' && c.message.conversationId === pair ? [c.message.seq] : [])));
        cursor = page.cursor;
        if (!page.hasMore) break;
      }
      expect(pulled).toEqual(seqs(total));
    } finally {
      annes.close();
      brunoOnThird.close();
      brunoOnSecond?.close();
    }
  });
});

describe('live routes under connect and disconnect races', () => {
  let publisher: Redis;
  let subscriber: Redis;
  let bus: LiveBus;
  const frames: string[] = [];

  beforeAll(async () => {
    publisher = connectTestRedis(DB);
    subscriber = connectTestRedis(DB);
    bus = createLiveBus({
      publisher,
      subscriber,
      log: first.gateway.app.log,
      deliver: (_ids, frame) => {
        frames.push(frame);
        return 1;
      },
    });
    await bus.ready;
  });

  afterAll(async () => {
    await bus?.close();
    publisher?.disconnect();
  });

  const subscribers = async (channel: string): Promise<number> => ((await publisher.call('PUBSUB', 'SHARDNUMSUB', channel)) as [string, number])[1];

  it('subscribes again a channel whose unsubscribe is in flight when a socket connects, and lets it go with the last holder', async () => {
    const userId = newId();
    const channel = userChannel(userId);
    const releaseFirst = await bus.hold(userId);
    expect(await subscribers(channel)).toBe(1);
    // The last socket goes (SUNSUBSCRIBE sent) and, in the same turn, another one connects.
    releaseFirst();
    const releaseSecond = await bus.hold(userId);
    expect(await subscribers(channel)).toBe(1);
    await publisher.spublish(channel, `${userId}\n\n{"type":"status"}`);
    await expect.poll(() => frames.includes('{"type":"status"}')).toBe(true);
    // Two sockets of the user: the first one closing keeps the channel.
    const releaseThird = await bus.hold(userId);
    releaseSecond();
    releaseSecond();
    await publisher.ping();
    expect(await subscribers(channel)).toBe(1);
    releaseThird();
    await expect.poll(() => subscribers(channel)).toBe(0);
    // The subscriber connection hears its SUNSUBSCRIBE answered after Redis counted it gone.
    await expect.poll(() => bus.stats().channels).toBe(0);
  });

  it('ends subscribed exactly when a holder remains, whatever the interleaving of holds and releases', async () => {
    const users = [newId(), newId(), newId()];
    const conversationId = newId();
    // All three are members of one conversation: its channel is counted once per user.
    for (const userId of users) await publisher.sadd(`{u:${userId}}:convs`, conversationId);
    let random = 42;
    const next = (n: number): number => ((random = (random * 1_103_515_245 + 12_345) % 2 ** 31), random % n);
    const held: (() => void)[][] = users.map(() => []);
    const pending: Promise<unknown>[] = [];
    for (let step = 0; step < 300; step++) {
      const u = next(users.length);
      const releases = held[u]!;
      if (releases.length > 0 && next(2) === 0) releases.splice(next(releases.length), 1)[0]!();
      else pending.push(bus.hold(users[u]!).then((release) => releases.push(release)));
      // Sometimes let Redis answer between steps, sometimes not.
      if (next(4) === 0) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending.splice(0));
    await publisher.ping();
    const expectSubscribed = async (): Promise<void> => {
      for (const [i, userId] of users.entries()) {
        await expect.poll(() => subscribers(userChannel(userId))).toBe(held[i]!.length > 0 ? 1 : 0);
      }
      await expect.poll(() => subscribers(conversationChannel(conversationId))).toBe(held.some((r) => r.length > 0) ? 1 : 0);
    };
    await expectSubscribed();
    // Everyone leaves but one socket of the first user: the conversation stays followed.
    held[0]!.push(await bus.hold(users[0]!));
    for (const releases of held.slice(1)) for (const release of releases.splice(0)) release();
    for (const release of held[0]!.splice(1)) release();
    await expectSubscribed();
    expect(await subscribers(conversationChannel(conversationId))).toBe(1);
    held[0]!.splice(0)[0]!();
    await expectSubscribed();
    await expect.poll(() => bus.stats().channels).toBe(0);
  });
});
