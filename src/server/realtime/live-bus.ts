import type { FastifyBaseLogger } from 'fastify';
import { Cluster } from 'ioredis';
import { errorFields } from '../core/error-fields.ts';
import { closeRedis, type RedisClient } from '../redis/redis-connection.ts';
import type { Appended } from '../store/conversations.ts';
import { decodeEnvelope, encodeEnvelope, type LiveEnvelope } from './live-envelope.ts';

/**
 * Live events between gateways: sharded pub/sub on a bounded set of partition channels
 * `relais:live:{p}`, a conversation always on the same one. At most once by nature: the pull is
 * what makes delivery certain.
 */
export interface LiveBus {
  /**
   * Publishes an appended change to its conversation's members (fire and forget; nothing when its
   * script did), then tells every `onAppended` observer.
   */
  publishChange(appended: Appended): void;
  /** Lets a feature hear every appended change (push turns new messages into notifications). */
  onAppended(observer: AppendedObserver): void;
  /**
   * The channel a conversation script may publish its change on itself (see LIVE in
   * store/lua/fragments.ts); null on a cluster, where that channel lives in another slot than the script.
   */
  channelFor(conversationId: string): string | null;
  /** Publishes a typing signal to the other members. */
  publishTyping(conversationId: string, memberIds: string[], userId: string): void;
  /** Publishes an already-serialized frame to every device of these users; `key` picks the partition (e.g. a call id). */
  publishFrame(key: string, userIds: string[], frame: string): void;
  /** Tells every gateway that these sessions ended (by key): their sockets close (fire and forget). */
  publishSessionsEnded(sessionKeys: readonly string[]): void;
  /** Hears the sessions that ended, on any gateway (this one included). */
  onSessionsEnded(listener: (sessionKeys: string[]) => void): void;
  /** Resolves once every partition channel is subscribed. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
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

/**
 * The channel of ended sessions, which every gateway subscribes to beside the partitions: a
 * comma-separated list of session keys (hashes, never tokens). Rare (logout, password change), so one
 * channel for all is no load; a lost event is caught by each gateway's heartbeat check of its sockets.
 */
export const SESSIONS_ENDED_CHANNEL = 'relais:live:{sessions}';

/**
 * Announces ended sessions to every gateway, from anything holding a Redis connection (a gateway,
 * `npm run user:password`).
 */
export async function announceSessionsEnded(publisher: RedisClient, sessionKeys: readonly string[]): Promise<void> {
  if (sessionKeys.length > 0) await publisher.spublish(SESSIONS_ENDED_CHANNEL, sessionKeys.join(','));
}

/** Told of each change appended to a conversation, once, on the gateway that appended it. */
export type AppendedObserver = (appended: Appended) => void;

/** Starts the bus; `deliver` gets each frame once, already serialized, to send to local sockets. */
export function createLiveBus(options: {
  publisher: RedisClient;
  subscriber: RedisClient;
  partitions: number;
  log: FastifyBaseLogger;
  deliver: (memberIds: readonly string[], frame: string, exceptUserId?: string) => void;
}): LiveBus {
  const { publisher, subscriber, partitions, log, deliver } = options;
  const channels = [...Array.from({ length: partitions }, (_, p) => channelOf(p)), SESSIONS_ENDED_CHANNEL];
  const sessionsEnded: ((sessionKeys: string[]) => void)[] = [];
  subscriber.on('smessage', (channel: string, payload: string) => {
    try {
      if (channel === SESSIONS_ENDED_CHANNEL) {
        const keys = payload.split(',');
        for (const listener of sessionsEnded) listener(keys);
        return;
      }
      const envelope = decodeEnvelope(payload);
      if (envelope === null) {
        log.warn({ channel }, 'live event dropped: malformed envelope');
        return;
      }
      deliver(envelope.memberIds, envelope.frame, envelope.exceptUserId);
    } catch (err) {
      // A JSON error's message quotes the payload (message text): never log messages here.
      log.warn({ channel, err: errorFields(err) }, 'live event dropped');
    }
  });
  // One SSUBSCRIBE per channel: on a cluster the channels hash to different slots (and nodes), and
  // ioredis refuses a multi-channel SSUBSCRIBE across slots. A single Redis: ioredis re-issues them
  // after a reconnect (autoResubscribe).
  const ready = Promise.all(channels.map((channel) => subscriber.ssubscribe(channel))).then(() => undefined);
  const stopResubscribing = subscriber instanceof Cluster ? keepSubscribed(subscriber, channels, log) : () => undefined;

  const observers: AppendedObserver[] = [];
  const publish = (conversationId: string, envelope: LiveEnvelope): void => {
    publisher.spublish(channelOf(partitionOf(conversationId, partitions)), encodeEnvelope(envelope)).catch((err: unknown) => {
      // Missed live events are caught up by the next pull.
      log.warn({ err, conversationId }, 'live publish failed');
    });
  };

  return {
    ready,
    publishChange(appended) {
      if (!appended.published) {
        publish(appended.conversationId, { memberIds: appended.memberIds, frame: `{"type":"changes","changes":[${appended.change}]}` });
      }
      for (const observer of observers) {
        try {
          observer(appended);
        } catch (err) {
          // An observer's bug must not cost the other observers their event; ids only in the log.
          log.error({ err: errorFields(err), conversationId: appended.conversationId }, 'appended-change observer failed');
        }
      }
    },
    onAppended(observer) {
      observers.push(observer);
    },
    channelFor(conversationId) {
      return publisher instanceof Cluster ? null : channelOf(partitionOf(conversationId, partitions));
    },
    publishTyping(conversationId, memberIds, userId) {
      const frame = JSON.stringify({ type: 'typing', conversationId, userId });
      publish(conversationId, { memberIds, frame, exceptUserId: userId });
    },
    publishFrame(key, userIds, frame) {
      publish(key, { memberIds: userIds, frame });
    },
    publishSessionsEnded(sessionKeys) {
      announceSessionsEnded(publisher, sessionKeys).catch((err: unknown) => {
        // Their sockets close at the next heartbeat check instead.
        log.warn({ err: errorFields(err), sessions: sessionKeys.length }, 'sessions-ended publish failed');
      });
    },
    onSessionsEnded(listener) {
      sessionsEnded.push(listener);
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
