import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationChannel, userChannel } from '../../../src/server/realtime/live-routes.ts';
import { closeRedis, connectRedis, type RedisClient } from '../../../src/server/redis/redis-connection.ts';
import { createUser } from '../../../src/server/store/users.ts';
import { newId } from '../../../src/shared/ids.ts';
import type { Change, Message } from '../../../src/shared/model.ts';
import type { ServerFrame } from '../../../src/shared/realtime.ts';
import { ApiClient, LiveClient, spawnGateway, TEST_PASSWORD, type SpawnedGateway } from '../helpers.ts';
import { startTestCluster, waitFor, type TestCluster } from './redis-cluster.ts';

/*
 * Two gateway processes on a 3-master Redis Cluster: every conversation script runs on the node of
 * its `{c:<id>}` slot, fanout spans the members' `{u:<id>}` slots, and live events travel over
 * sharded pub/sub on each conversation's channel, in its slot (published by the script itself), to
 * the gateways that hold a member's socket only.
 */

let cluster: TestCluster;
let redis: RedisClient;
let first: SpawnedGateway;
let second: SpawnedGateway;

beforeAll(async () => {
  cluster = await startTestCluster(3);
  redis = connectRedis({ cluster: cluster.ports.map((port) => ({ host: '127.0.0.1', port })) });
  const env = { REDIS_CLUSTER_NODES: cluster.nodesSetting };
  [first, second] = await Promise.all([spawnGateway(env), spawnGateway(env)]);
}, 120_000);

afterAll(async () => {
  await Promise.all([first?.stop(), second?.stop()]);
  if (redis) await closeRedis(redis);
  await cluster?.stop();
});

async function signIn(baseUrl: string): Promise<{ api: ApiClient; id: string }> {
  const username = `cluster.${newId().slice(-8)}`;
  const created = await createUser(redis, { username, password: TEST_PASSWORD, displayName: `Dr ${username}`, role: 'doctor' });
  if (!created.ok) throw new Error('user not created');
  const api = new ApiClient(baseUrl);
  await api.login(username);
  return { api, id: created.user.id };
}

/** One conversation id per master node: the `{c:<id>}` slot of each lands on a different node. */
async function conversationIdsOnEveryNode(): Promise<Map<number, string>> {
  const byNode = new Map<number, string>();
  while (byNode.size < cluster.ports.length) {
    const id = newId();
    const port = await cluster.portOfKey(`{c:${id}}:log`);
    if (!byNode.has(port)) byNode.set(port, id);
  }
  return byNode;
}

function messagesIn(frames: ServerFrame[], conversationId: string): Message[] {
  return frames
    .flatMap((f) => (f.type === 'changes' ? (f.changes as Change[]) : []))
    .flatMap((c) => (c.type === 'message' && c.message.conversationId === conversationId ? [c.message] : []));
}

describe('two gateways on a Redis Cluster', () => {
  it('delivers once and in order across conversations on different nodes, and answers replays with the same seq', async () => {
    const anne = await signIn(first.url);
    const karim = await signIn(second.url);
    const live = await LiveClient.open(second.url, karim.api.cookie);
    try {
      const conversations = [...(await conversationIdsOnEveryNode()).values()];
      const created = await anne.api.push(
        conversations.map((conversationId) => ({
          id: newId(),
          kind: 'conversation.create',
          args: { conversationId, participantIds: [karim.id], title: 'Service' },
        })),
      );
      expect(created.every((r) => r.ok)).toBe(true);

      const perConversation = 5;
      const sent = new Map<string, string[]>();
      for (let i = 0; i < perConversation; i++) {
        const batch = conversations.map((conversationId) => {
          const messageId = newId();
          sent.set(conversationId, [...(sent.get(conversationId) ?? []), messageId]);
          return { id: messageId, kind: 'message.send', args: { conversationId, messageId, body: `message ${i}` } };
        });
        const results = await anne.api.push(batch);
        expect(results.map((r) => (r.result as { seq: number }).seq)).toEqual(conversations.map(() => i + 1));
      }

      // A replay of the first message answers the original seq and appends nothing.
      const replayId = sent.get(conversations[0]!)![0]!;
      const [replay] = await anne.api.push([
        { id: replayId, kind: 'message.send', args: { conversationId: conversations[0], messageId: replayId, body: 'message 0' } },
      ]);
      expect(replay).toMatchObject({ ok: true, result: { seq: 1 } });

      for (const conversationId of conversations) {
        await live.next((f) => messagesIn([f], conversationId).some((m) => m.seq === perConversation));
      }
      // Everything received live on gateway 2, exactly once and in seq order per conversation.
      const pulled = await karim.api.get('/api/sync/pull?limit=500');
      const changes = (pulled.body as { changes: Change[] }).changes;
      for (const conversationId of conversations) {
        const fromPull = changes.flatMap((c) => (c.type === 'message' && c.message.conversationId === conversationId ? [c.message] : []));
        expect(fromPull.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
        expect(fromPull.map((m) => m.messageId)).toEqual(sent.get(conversationId));
      }
      // `next` consumed each seq-5 frame; the frames left hold seqs 1..4 of each, in order, once
      // (the replay published nothing).
      const liveSeqs = conversations.map((conversationId) => messagesIn(live.frames, conversationId).map((m) => m.seq));
      expect(liveSeqs).toEqual(conversations.map(() => [1, 2, 3, 4]));
    } finally {
      live.close();
    }
  });

  it('routes a conversation\'s events to the gateways holding its members\' sockets only, and follows them again after the node restarts', async () => {
    const anne = await signIn(first.url);
    const karim = await signIn(second.url);
    const paul = await signIn(first.url);
    const conversationId = newId();
    const [created] = await anne.api.push([
      { id: newId(), kind: 'conversation.create', args: { conversationId, participantIds: [karim.id], title: 'Garde' } },
    ]);
    expect(created?.ok).toBe(true);
    const channel = conversationChannel(conversationId);
    // Nobody connected: no gateway follows the conversation.
    expect(await cluster.shardSubscribers(channel)).toBe(0);
    const annes = await LiveClient.open(first.url, anne.api.cookie);
    const pauls = await LiveClient.open(first.url, paul.api.cookie);
    try {
      // Anne's socket on gateway 1 only: gateway 2 does not hear the conversation, nor Anne.
      expect(await cluster.shardSubscribers(channel)).toBe(1);
      expect(await cluster.shardSubscribers(userChannel(anne.id))).toBe(1);
      expect(await cluster.shardSubscribers(userChannel(karim.id))).toBe(0);

      await cluster.restartNode(await cluster.portOfKey(channel));
      // The restarted node starts with no subscribers: gateway 1 must subscribe again by itself.
      await waitFor('gateway 1 subscribed again', async () => (await cluster.shardSubscribers(channel)) === 1);

      const live = await LiveClient.open(second.url, karim.api.cookie);
      try {
        expect(await cluster.shardSubscribers(channel)).toBe(2);
        const messageId = newId();
        const [sent] = await anne.api.push([
          { id: messageId, kind: 'message.send', args: { conversationId, messageId, body: 'après redémarrage' } },
        ]);
        expect(sent).toMatchObject({ ok: true, result: { seq: 1 } });
        const frame = await live.next((f) => messagesIn([f], conversationId).length > 0, 10_000);
        expect(messagesIn([frame], conversationId).map((m) => m.messageId)).toEqual([messageId]);
        await annes.next((f) => messagesIn([f], conversationId).length > 0, 10_000);
      } finally {
        live.close();
      }
      // Karim's last socket gone: gateway 2 lets the conversation go.
      await waitFor('gateway 2 let the conversation go', async () => (await cluster.shardSubscribers(channel)) === 1);
      expect(messagesIn(pauls.frames, conversationId)).toEqual([]);
    } finally {
      annes.close();
      pauls.close();
    }
  });
});
