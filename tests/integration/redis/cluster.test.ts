import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelOf, partitionOf } from '../../../src/server/realtime/live-bus.ts';
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
 * sharded pub/sub on partition channels spread over the nodes.
 */

const PARTITIONS = 16;
let cluster: TestCluster;
let redis: RedisClient;
let first: SpawnedGateway;
let second: SpawnedGateway;

beforeAll(async () => {
  cluster = await startTestCluster(3);
  redis = connectRedis({ cluster: cluster.ports.map((port) => ({ host: '127.0.0.1', port })) });
  const env = { REDIS_CLUSTER_NODES: cluster.nodesSetting, RELAIS_PARTITIONS: String(PARTITIONS) };
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

  it('keeps live delivery working after the node holding the partition channel restarts', async () => {
    const anne = await signIn(first.url);
    const karim = await signIn(second.url);
    const conversationId = newId();
    const [created] = await anne.api.push([
      { id: newId(), kind: 'conversation.create', args: { conversationId, participantIds: [karim.id], title: 'Garde' } },
    ]);
    expect(created?.ok).toBe(true);
    const channel = channelOf(partitionOf(conversationId, PARTITIONS));
    expect(await cluster.shardSubscribers(channel)).toBe(2);

    await cluster.restartNode(await cluster.portOfKey(channel));
    // The restarted node starts with no subscribers: both gateways must subscribe again by themselves.
    await waitFor('both gateways subscribed again', async () => (await cluster.shardSubscribers(channel)) === 2);

    const live = await LiveClient.open(second.url, karim.api.cookie);
    try {
      const messageId = newId();
      const [sent] = await anne.api.push([
        { id: messageId, kind: 'message.send', args: { conversationId, messageId, body: 'après redémarrage' } },
      ]);
      expect(sent).toMatchObject({ ok: true, result: { seq: 1 } });
      const frame = await live.next((f) => messagesIn([f], conversationId).length > 0, 10_000);
      expect(messagesIn([frame], conversationId).map((m) => m.messageId)).toEqual([messageId]);
    } finally {
      live.close();
    }
  });
});
