import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { closeRedis } from './redis-connection.ts';
import type { Appended } from './store/conversations.ts';

/**
 * Live events between gateways: sharded pub/sub on a bounded set of partition channels
 * `relais:live:{p}`, a conversation always on the same one. At most once by nature: the pull is
 * what makes delivery certain.
 */
export interface LiveBus {
  /** Publishes an appended change to its conversation's members (fire and forget). */
  publishChange(appended: Appended): void;
  /** Publishes a typing signal to the other members. */
  publishTyping(conversationId: string, memberIds: string[], userId: string): void;
  /** Resolves once every partition channel is subscribed. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

interface Envelope {
  m: string[];
  f: string;
  x?: string;
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
  publisher: Redis;
  subscriber: Redis;
  partitions: number;
  log: FastifyBaseLogger;
  deliver: (memberIds: string[], frame: string, exceptUserId?: string) => void;
}): LiveBus {
  const { publisher, subscriber, partitions, log, deliver } = options;
  const channels = Array.from({ length: partitions }, (_, p) => channelOf(p));
  subscriber.on('smessage', (_channel: string, payload: string) => {
    try {
      const envelope = JSON.parse(payload) as Envelope;
      deliver(envelope.m, envelope.f, envelope.x);
    } catch (err) {
      log.warn({ err }, 'live event dropped');
    }
  });
  // ioredis re-issues SSUBSCRIBE for these channels after a reconnect (autoResubscribe).
  const ready = subscriber.ssubscribe(...channels).then(() => undefined);

  const publish = (conversationId: string, envelope: Envelope): void => {
    publisher.spublish(channelOf(partitionOf(conversationId, partitions)), JSON.stringify(envelope)).catch((err: unknown) => {
      // Missed live events are caught up by the next pull.
      log.warn({ err, conversationId }, 'live publish failed');
    });
  };

  return {
    ready,
    publishChange(appended) {
      publish(appended.conversationId, { m: appended.memberIds, f: `{"type":"changes","changes":[${appended.change}]}` });
    },
    publishTyping(conversationId, memberIds, userId) {
      const frame = JSON.stringify({ type: 'typing', conversationId, userId });
      publish(conversationId, { m: memberIds, f: frame, x: userId });
    },
    async close() {
      await closeRedis(subscriber);
    },
  };
}
