import type { FastifyBaseLogger } from 'fastify';
import { Cluster } from 'ioredis';
import { errorFields } from '../core/error-fields.ts';
import { closeRedis, type RedisClient } from '../redis/redis-connection.ts';
import type { Change } from '../../shared/model.ts';
import { readHistory, type Appended } from '../store/conversations.ts';
import { decodeEnvelope, encodeEnvelope, type LiveEnvelope } from './live-envelope.ts';
import { ChannelSubscriptions, conversationChannel, userChannel, UserRoutes } from './live-routes.ts';

/**
 * Live events between gateways, routed: sharded pub/sub on a channel per conversation and per user
 * (live-routes.ts), each subscribed by the gateways holding a socket of a user it reaches, so a
 * gateway receives only the events that have a recipient connected to it. At most once by nature:
 * the pull is what makes delivery certain.
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
   * The channel a conversation script publishes its change on itself (see LIVE in
   * store/lua/fragments.ts): the conversation's, which lives in the slot of its keys.
   */
  channelFor(conversationId: string): string | null;
  /** Publishes a typing signal to the other members. */
  publishTyping(conversationId: string, memberIds: string[], userId: string): void;
  /** Publishes an already-serialized frame to every device of these users (on each user's channel). */
  publishFrame(key: string, userIds: string[], frame: string): void;
  /** Tells every gateway that these sessions ended (by key): their sockets close (fire and forget). */
  publishSessionsEnded(sessionKeys: readonly string[]): void;
  /** Hears the sessions that ended, on any gateway (this one included). */
  onSessionsEnded(listener: (sessionKeys: string[]) => void): void;
  /**
   * Holds a connecting socket's routes: resolves once this gateway is subscribed to the channels of
   * the user and of their conversations, with the function that lets them go when the socket closes.
   */
  hold(userId: string): Promise<() => void>;
  /** What this gateway received and routed (see LiveStats). */
  stats(): LiveStats;
  /** Resolves once the channel of ended sessions is subscribed. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Counters of the routed fan-out, since the gateway started: `received` live events (pub/sub
 * messages, ended sessions apart), `routed` those that had a recipient socket here, `deliveries`
 * frames written to sockets, `channels` the channels subscribed or wanted now. Routing works when
 * received ÷ routed stays close to 1.
 */
export interface LiveStats {
  received: number;
  routed: number;
  deliveries: number;
  channels: number;
}

/**
 * The channel of ended sessions, which every gateway subscribes to: a comma-separated list of
 * session keys (hashes, never tokens). Rare (logout, password change), so one channel for all is no
 * load; a lost event is caught by each gateway's heartbeat check of its sockets.
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

const CONVERSATION_CHANGE = '{"type":"conversation","conversation":';
/** Most messages a gateway delivers to a member who just joined, from before it followed the conversation. */
const CATCH_UP_MAX = 100;

/**
 * The conversations a membership frame brings (a `conversation` change: created, or members
 * added) and the highest seq the frame itself carries for each (its system line, or 0).
 */
function joinedIn(frame: string): { conversationId: string; seenSeq: number }[] {
  const { changes } = JSON.parse(frame) as { changes?: Change[] };
  const joined = new Map<string, number>();
  for (const change of changes ?? []) {
    if (change.type === 'conversation') joined.set(change.conversation.id, joined.get(change.conversation.id) ?? 0);
  }
  for (const change of changes ?? []) {
    if (change.type === 'message' && joined.has(change.message.conversationId)) {
      joined.set(change.message.conversationId, Math.max(joined.get(change.message.conversationId) ?? 0, change.message.seq));
    }
  }
  return [...joined].map(([conversationId, seenSeq]) => ({ conversationId, seenSeq }));
}

/**
 * Starts the bus; `deliver` gets each frame once, already serialized, to send to local sockets, and
 * answers how many sockets it was written to.
 */
export function createLiveBus(options: {
  publisher: RedisClient;
  subscriber: RedisClient;
  log: FastifyBaseLogger;
  deliver: (memberIds: readonly string[], frame: string, exceptUserId?: string) => number;
}): LiveBus {
  const { publisher, subscriber, log, deliver } = options;
  const channels = new ChannelSubscriptions(subscriber, log);
  const routes = new UserRoutes(channels, publisher);
  const counters = { received: 0, routed: 0, deliveries: 0 };
  const sessionsEnded: ((sessionKeys: string[]) => void)[] = [];
  const count = (sent: number): void => {
    if (sent > 0) counters.routed += 1;
    counters.deliveries += sent;
  };
  /**
   * A membership change for a user connected here (on the user's channel): the user's conversations
   * are read again and a conversation joined is followed before the change is delivered; what the
   * conversation published before this gateway followed it (a message sent right after the user was
   * added) is read from its log and delivered after the change (catchUpJoined). The pull would find
   * it too, but only at its next occasion.
   */
  const followMembership = async (envelope: LiveEnvelope): Promise<void> => {
    const fresh = await Promise.all(envelope.memberIds.map((userId) => routes.refresh(userId).catch(() => new Set<string>())));
    count(deliver(envelope.memberIds, envelope.frame));
    await Promise.all(envelope.memberIds.map((userId, i) => catchUpJoined(userId, envelope.frame, fresh[i] ?? new Set())));
  };
  const catchUpJoined = async (userId: string, frame: string, fresh: Set<string>): Promise<void> => {
    for (const { conversationId, seenSeq } of joinedIn(frame)) {
      if (!fresh.has(conversationChannel(conversationId))) continue;
      const missed = ((await readHistory(publisher, userId, conversationId, { limit: CATCH_UP_MAX })) ?? []).filter((m) => m.seq > seenSeq);
      if (missed.length === 0) continue;
      const changes = missed.map((message) => JSON.stringify({ type: 'message', message })).join(',');
      counters.deliveries += deliver([userId], `{"type":"changes","changes":[${changes}]}`);
    }
  };
  subscriber.on('smessage', (channel: string, payload: string) => {
    try {
      if (channel === SESSIONS_ENDED_CHANNEL) {
        const keys = payload.split(',');
        for (const listener of sessionsEnded) listener(keys);
        return;
      }
      counters.received += 1;
      const envelope = decodeEnvelope(payload);
      if (envelope === null) {
        log.warn({ channel }, 'live event dropped: malformed envelope');
        return;
      }
      if (envelope.membership) {
        followMembership(envelope).catch((err: unknown) => log.warn({ err: errorFields(err), channel }, 'live membership change not followed'));
        return;
      }
      count(deliver(envelope.memberIds, envelope.frame, envelope.exceptUserId));
    } catch (err) {
      // A JSON error's message quotes the payload (message text): never log messages here.
      log.warn({ channel, err: errorFields(err) }, 'live event dropped');
    }
  });
  // A single Redis: ioredis re-issues the subscriptions after a reconnect (autoResubscribe).
  const ready = subscriber.ssubscribe(SESSIONS_ENDED_CHANNEL).then(() => undefined);
  const stopResubscribing =
    subscriber instanceof Cluster ? keepSubscribed(subscriber, () => [SESSIONS_ENDED_CHANNEL, ...channels.subscribedChannels()], log) : () => undefined;

  const observers: AppendedObserver[] = [];
  const publish = (channel: string, envelope: LiveEnvelope, about: string): void => {
    publisher.spublish(channel, encodeEnvelope(envelope)).catch((err: unknown) => {
      // Missed live events are caught up by the next pull.
      log.warn({ err: errorFields(err), about }, 'live publish failed');
    });
  };
  /** One envelope per user, on the user's channel (each gateway delivers it to that user only). */
  const publishToUsers = (userIds: readonly string[], frame: string, about: string, flags: { membership?: true } = {}): void => {
    for (const userId of new Set(userIds)) publish(userChannel(userId), { memberIds: [userId], frame, ...flags }, about);
  };

  return {
    ready,
    publishChange(appended) {
      if (!appended.published) {
        const frame = `{"type":"changes","changes":[${appended.change}]}`;
        if (appended.leftIds !== undefined || appended.change.startsWith(CONVERSATION_CHANGE)) {
          // Who is in the conversation moved: each member's gateway (including a member who just
          // joined, whose gateway does not follow the conversation yet, and one who left) hears it
          // on the member's channel and follows or drops the conversation's channel.
          publishToUsers([...appended.memberIds, ...(appended.leftIds ?? [])], frame, appended.conversationId, { membership: true });
        } else if (appended.memberIds.length === 1) {
          publishToUsers(appended.memberIds, frame, appended.conversationId);
        } else {
          publish(conversationChannel(appended.conversationId), { memberIds: appended.memberIds, frame }, appended.conversationId);
        }
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
      return conversationChannel(conversationId);
    },
    publishTyping(conversationId, memberIds, userId) {
      const frame = JSON.stringify({ type: 'typing', conversationId, userId });
      publish(conversationChannel(conversationId), { memberIds, frame, exceptUserId: userId }, conversationId);
    },
    publishFrame(key, userIds, frame) {
      publishToUsers(userIds, frame, key);
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
    hold: (userId) => routes.hold(userId),
    stats: () => ({ ...counters, channels: channels.size }),
    async close() {
      stopResubscribing();
      channels.clear();
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
function keepSubscribed(subscriber: Cluster, channels: () => string[], log: FastifyBaseLogger): () => void {
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
  const onReady = (): void => attempt(++round, channels(), 0);
  subscriber.on('subscribersReady', onReady);
  return () => {
    round = -1;
    clearTimeout(timer);
    subscriber.off('subscribersReady', onReady);
  };
}
