import type { FastifyBaseLogger } from 'fastify';
import { Cluster } from 'ioredis';
import { closeRedis, type RedisClient } from '../redis/redis-connection.ts';
import type { Appended } from '../store/conversations.ts';

/**
 * Live events between gateways: sharded pub/sub on a bounded set of partition channels
 * `relais:live:{p}`, a conversation always on the same one. At most once by nature: the pull is
 * what makes delivery certain.
 */
export interface LiveBus {
  /** Publishes an appended change to its conversation's members (fire and forget; nothing when its script did). */
  publishChange(appended: Appended): void;
  /**
   * The channel a conversation script may publish its change on itself (see LIVE in
   * store/scripts.ts); null on a cluster, where that channel lives in another slot than the script.
   */
  channelFor(conversationId: string): string | null;
  /** Publishes a typing signal to the other members. */
  publishTyping(conversationId: string, memberIds: string[], userId: string): void;
  /** Publishes an already-serialized frame to every device of these users; `key` picks the partition (e.g. a call id). */
  publishFrame(key: string, userIds: string[], frame: string): void;
  /** Resolves once every partition channel is subscribed. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

interface Envelope {
  m: readonly string[];
  f: string;
  x?: string;
}

/**
 * The envelope on the wire: `<member ids, comma-separated>\n<excepted user or empty>\n<frame>`.
 * The frame is already JSON and travels as is, where a JSON envelope would escape it on one side
 * and unescape it on the other (for every event, on every gateway); ids hold no comma nor newline.
 */
export function encodeEnvelope(envelope: Envelope): string {
  return `${envelope.m.join(',')}\n${envelope.x ?? ''}\n${envelope.f}`;
}

/** Reads an envelope (also the former all-JSON form, from a gateway not upgraded yet); null when malformed. */
export function decodeEnvelope(payload: string): Envelope | null {
  if (payload.startsWith('{')) return JSON.parse(payload) as Envelope;
  const first = payload.indexOf('\n');
  const second = first < 0 ? -1 : payload.indexOf('\n', first + 1);
  if (second < 0) return null;
  const x = payload.slice(first + 1, second);
  return { m: first === 0 ? [] : payload.slice(0, first).split(','), f: payload.slice(second + 1), ...(x === '' ? {} : { x }) };
}

/** FNV-1a: a cheap stable hash, so every gateway picks the same partition for a conversation. */
export function partitionOf(conversationId: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < conversationId.length; i++) {
    h ^= conversationId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}

export function channelOf(partition: number): string {
  return `relais:live:{${partition}}`;
}

/** Starts the bus; `deliver` gets each frame once, already serialized, to send to local sockets. */
export function createLiveBus(options: {
  publisher: RedisClient;
  subscriber: RedisClient;
  partitions: number;
  log: FastifyBaseLogger;
  deliver: (memberIds: readonly string[], frame: string, exceptUserId?: string) => void;
}): LiveBus {
  const { publisher, subscriber, partitions, log, deliver } = options;
  const channels = Array.from({ length: partitions }, (_, p) => channelOf(p));
  subscriber.on('smessage', (_channel: string, payload: string) => {
    try {
      const envelope = decodeEnvelope(payload);
      if (envelope === null) throw new Error('malformed envelope');
      deliver(envelope.m, envelope.f, envelope.x);
    } catch (err) {
      log.warn({ err }, 'live event dropped');
    }
  });
  // One SSUBSCRIBE per channel: on a cluster the channels hash to different slots (and nodes), and
  // ioredis refuses a multi-channel SSUBSCRIBE across slots. A single Redis: ioredis re-issues them
  // after a reconnect (autoResubscribe).
  const ready = Promise.all(channels.map((channel) => subscriber.ssubscribe(channel))).then(() => undefined);
  const stopResubscribing = subscriber instanceof Cluster ? keepSubscribed(subscriber, channels, log) : () => undefined;

  const publish = (conversationId: string, envelope: Envelope): void => {
    publisher.spublish(channelOf(partitionOf(conversationId, partitions)), encodeEnvelope(envelope)).catch((err: unknown) => {
      // Missed live events are caught up by the next pull.
      log.warn({ err, conversationId }, 'live publish failed');
    });
  };

  return {
    ready,
    publishChange(appended) {
      if (appended.published) return;
      publish(appended.conversationId, { m: appended.memberIds, f: `{"type":"changes","changes":[${appended.change}]}` });
    },
    channelFor(conversationId) {
      return publisher instanceof Cluster ? null : channelOf(partitionOf(conversationId, partitions));
    },
    publishTyping(conversationId, memberIds, userId) {
      const frame = JSON.stringify({ type: 'typing', conversationId, userId });
      publish(conversationId, { m: memberIds, f: frame, x: userId });
    },
    publishFrame(key, userIds, frame) {
      publish(key, { m: userIds, f: frame });
    },
    async close() {
      stopResubscribing();
      await closeRedis(subscriber);
    },
  };
}

/**
 * On a cluster, ioredis rebuilds a node's sharded subscriber when the node comes back and re-issues
 * its SSUBSCRIBEs once; a node that is up but whose cluster state is not yet "ok" answers CLUSTERDOWN,
 * and that subscription would be lost for good. After every rebuild ("subscribersReady") the channels
 * are subscribed again here, retrying with backoff until each one succeeds (SSUBSCRIBE is idempotent).
 */
function keepSubscribed(subscriber: Cluster, channels: string[], log: FastifyBaseLogger): () => void {
  let round = 0;
  let timer: NodeJS.Timeout | undefined;
  const attempt = (mine: number, pending: string[], tries: number): void => {
    if (mine !== round) return;
    void Promise.all(pending.map((channel) => subscriber.ssubscribe(channel).then(() => null, () => channel))).then((results) => {
      const failed = results.filter((c): c is string => c !== null);
      if (failed.length === 0 || mine !== round) return;
      if (tries === 5) log.warn({ channels: failed.length }, 'live channels not resubscribed yet');
      timer = setTimeout(() => attempt(mine, failed, tries + 1), Math.min(100 * 2 ** tries, 2_000));
      timer.unref();
    });
  };
  const onReady = (): void => attempt(++round, channels, 0);
  subscriber.on('subscribersReady', onReady);
  return () => {
    round = -1;
    clearTimeout(timer);
    subscriber.off('subscribersReady', onReady);
  };
}
