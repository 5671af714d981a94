import type { FastifyBaseLogger } from 'fastify';
import type { RedisClient } from '../redis/redis-connection.ts';
import { KEYS } from '../store/keys.ts';

/**
 * Routed live events: a gateway subscribes only to the channels of the users it holds a socket of —
 * each user's own channel and one channel per conversation they are in — so it receives only the
 * events that have a recipient here. Channels are hash-tagged like the keys they follow
 * (`{c:<id>}`, `{u:<id>}`): on a Redis Cluster a conversation's channel lives in the slot of its log,
 * so its script publishes there itself and the load spreads over the nodes.
 */
export function conversationChannel(conversationId: string): string {
  return `relais:live:{c:${conversationId}}`;
}

/** A user's own channel: frames addressed to users (presence, status, calls, their own state, membership). */
export function userChannel(userId: string): string {
  return `relais:live:{u:${userId}}`;
}

interface ChannelState {
  /** How many holders want the channel (local users it routes to). */
  refs: number;
  /** What Redis was last told (and answered). */
  subscribed: boolean;
  /** A SSUBSCRIBE or SUNSUBSCRIBE in flight: at most one per channel. */
  busy: boolean;
  failures: number;
  retry: NodeJS.Timeout | undefined;
  waiters: { done: () => void; fail: (err: unknown) => void }[];
}

/**
 * The channels one subscriber connection holds, counted per channel.
 *
 *                 acquire (refs 0→1)                       ok
 *   unsubscribed ────────────────────▶ SSUBSCRIBE in flight ──▶ subscribed
 *        ▲                                                          │ release (refs 1→0)
 *        └──────────────── ok ───── SUNSUBSCRIBE in flight ◀────────┘
 *
 * One command in flight per channel; when it settles the channel is reconciled with its count at
 * that moment, so a socket connecting while its channel's unsubscribe is in flight has the channel
 * subscribed again right after (Redis applies a connection's commands in order), and a release
 * during a subscribe unsubscribes once it is done. A failed command is retried with backoff while
 * the wanted state still differs; the holders waiting for a failed subscribe are told at once.
 */
export class ChannelSubscriptions {
  readonly #subscriber: RedisClient;
  readonly #log: FastifyBaseLogger;
  readonly #channels = new Map<string, ChannelState>();

  constructor(subscriber: RedisClient, log: FastifyBaseLogger) {
    this.#subscriber = subscriber;
    this.#log = log;
  }

  /** Wants the channel once more; resolves once Redis confirmed the subscription. */
  acquire(channel: string): Promise<void> {
    let state = this.#channels.get(channel);
    if (!state) this.#channels.set(channel, (state = { refs: 0, subscribed: false, busy: false, failures: 0, retry: undefined, waiters: [] }));
    state.refs += 1;
    if (state.subscribed && !state.busy) return Promise.resolve();
    const confirmed = new Promise<void>((done, fail) => state.waiters.push({ done, fail }));
    this.#reconcile(channel, state);
    return confirmed;
  }

  /** Wants the channel once less; the last release unsubscribes. */
  release(channel: string): void {
    const state = this.#channels.get(channel);
    if (!state || state.refs === 0) return;
    state.refs -= 1;
    this.#reconcile(channel, state);
  }

  /** The channels subscribed and still wanted (to subscribe again after a cluster node came back). */
  subscribedChannels(): string[] {
    return [...this.#channels].flatMap(([channel, state]) => (state.subscribed && state.refs > 0 ? [channel] : []));
  }

  /** True when Redis confirmed the channel and no unsubscribe is under way. */
  isSubscribed(channel: string): boolean {
    const state = this.#channels.get(channel);
    return state !== undefined && state.subscribed && !state.busy;
  }

  /** How many channels are subscribed or wanted. */
  get size(): number {
    return this.#channels.size;
  }

  /** Forgets every channel (the subscriber connection is closing). */
  clear(): void {
    for (const state of this.#channels.values()) clearTimeout(state.retry);
    this.#channels.clear();
  }

  #reconcile(channel: string, state: ChannelState): void {
    if (state.busy || this.#channels.get(channel) !== state) return;
    const wanted = state.refs > 0;
    if (wanted && state.subscribed) {
      for (const waiter of state.waiters.splice(0)) waiter.done();
      return;
    }
    if (!wanted && !state.subscribed) {
      clearTimeout(state.retry);
      this.#channels.delete(channel);
      return;
    }
    state.busy = true;
    const command = wanted ? this.#subscriber.ssubscribe(channel) : this.#subscriber.sunsubscribe(channel);
    command.then(
      () => {
        state.busy = false;
        state.subscribed = wanted;
        state.failures = 0;
        this.#reconcile(channel, state);
      },
      (err: unknown) => {
        state.busy = false;
        state.failures += 1;
        if (wanted) for (const waiter of state.waiters.splice(0)) waiter.fail(err);
        if (state.failures === 5) this.#log.warn({ channels: 1 }, 'live channel not (un)subscribed yet');
        this.#retryLater(channel, state);
      },
    );
  }

  #retryLater(channel: string, state: ChannelState): void {
    if (state.retry) return;
    state.retry = setTimeout(() => {
      state.retry = undefined;
      this.#reconcile(channel, state);
    }, Math.min(100 * 2 ** state.failures, 2_000));
    state.retry.unref();
  }
}

interface UserEntry {
  /** Sockets of the user on this gateway that hold the routes (each one `hold`). */
  holders: number;
  /** The channels acquired for this user. */
  channels: Set<string>;
  /** Syncs run one after the other: each diffs against what the previous one left. */
  chain: Promise<void>;
  pending: number;
}

/**
 * The routes of the users connected here: while a user holds at least one socket on this gateway,
 * their own channel and the channel of each conversation in their list (`{u:<id>}:convs`) are
 * acquired; the last socket gone releases them. A membership change for a local user (joined,
 * removed, deleted) makes their list read again (`refresh`).
 */
export class UserRoutes {
  readonly #channels: ChannelSubscriptions;
  readonly #redis: RedisClient;
  readonly #users = new Map<string, UserEntry>();

  constructor(channels: ChannelSubscriptions, redis: RedisClient) {
    this.#channels = channels;
    this.#redis = redis;
  }

  /**
   * Holds the user's routes for one socket: resolves once every channel is subscribed (so an event
   * published from then on reaches this gateway), with the function that lets them go (idempotent).
   * Rejects, holding nothing, when Redis could not be read or did not subscribe.
   */
  async hold(userId: string): Promise<() => void> {
    let entry = this.#users.get(userId);
    if (!entry) this.#users.set(userId, (entry = { holders: 0, channels: new Set(), chain: Promise.resolve(), pending: 0 }));
    const held = entry;
    held.holders += 1;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      held.holders -= 1;
      this.#sync(userId, held).catch(() => undefined);
    };
    try {
      await this.#sync(userId, held);
    } catch (err) {
      release();
      throw err;
    }
    return release;
  }

  /**
   * Reads the user's conversations again and follows them (nothing when the user has no socket
   * here); resolves once subscribed, with the channels this gateway did not follow before.
   */
  refresh(userId: string): Promise<Set<string>> {
    const entry = this.#users.get(userId);
    return entry && entry.holders > 0 ? this.#sync(userId, entry) : Promise.resolve(new Set());
  }

  /** True when the user holds routes here. */
  has(userId: string): boolean {
    return (this.#users.get(userId)?.holders ?? 0) > 0;
  }

  /** Diffs what the user should follow against what is held, in order with the user's other syncs. */
  #sync(userId: string, entry: UserEntry): Promise<Set<string>> {
    entry.pending += 1;
    const fresh = new Set<string>();
    const step = entry.chain.then(async () => {
      let wanted = new Set<string>();
      if (entry.holders > 0) {
        const conversationIds = await this.#redis.smembers(KEYS.userConvs(userId));
        wanted = new Set([userChannel(userId), ...conversationIds.map(conversationChannel)]);
      }
      const acquired: Promise<void>[] = [];
      for (const channel of wanted) {
        if (entry.channels.has(channel)) continue;
        if (!this.#channels.isSubscribed(channel)) fresh.add(channel);
        acquired.push(this.#channels.acquire(channel));
      }
      for (const channel of entry.channels) if (!wanted.has(channel)) this.#channels.release(channel);
      entry.channels = wanted;
      return acquired;
    });
    const settled = step.finally(() => {
      entry.pending -= 1;
      if (entry.pending === 0 && entry.holders === 0 && entry.channels.size === 0 && this.#users.get(userId) === entry) {
        this.#users.delete(userId);
      }
    });
    entry.chain = settled.then(
      () => undefined,
      () => undefined,
    );
    // The order of subscriptions is kept by the chain; their confirmations are awaited outside it,
    // so a slow subscribe does not hold back the release of another socket.
    return settled.then((acquired) => Promise.all(acquired)).then(() => fresh);
  }
}
