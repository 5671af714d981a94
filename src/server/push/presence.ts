import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../redis/redis-connection.ts';
import { crossSlotPipeline } from '../redis/redis-connection.ts';
import { execOrThrow } from '../store/feed.ts';
import { PUSH_KEYS } from './keys.ts';

/**
 * "Does this user hold a live WebSocket on any gateway?" — the question push asks before sending.
 * The socket registry is per gateway, so each gateway writes, per connected user, its own entry in
 * `{u:<id>}:sockets` (gateway id → expiry), refreshed on a timer and removed when the user's last
 * local socket closes. A gateway that dies stops refreshing, and its entries expire on their own.
 */
export class SocketPresence {
  readonly gatewayId = randomUUID();
  readonly #redis: RedisClient;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #users = new Set<string>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: { redis: RedisClient; ttlMs?: number; now?: () => number }) {
    this.#redis = options.redis;
    this.#ttlMs = options.ttlMs ?? 90_000;
    this.#now = options.now ?? Date.now;
  }

  /** The user's first socket on this gateway opened (or a later one: harmless). */
  connected(userId: string): void {
    this.#users.add(userId);
    this.#write([userId]);
  }

  /** The user's last socket on this gateway closed. */
  disconnected(userId: string): void {
    this.#users.delete(userId);
    this.#redis.zrem(PUSH_KEYS.presence(userId), this.gatewayId).catch(() => undefined);
  }

  /** Refreshes this gateway's entries every third of their lifetime. */
  start(): void {
    this.#timer ??= setInterval(() => this.#write([...this.#users]), Math.floor(this.#ttlMs / 3));
    this.#timer.unref();
  }

  /** Stops refreshing and removes this gateway's entries (shutdown). */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    const users = [...this.#users];
    this.#users.clear();
    if (users.length === 0) return;
    const pipeline = crossSlotPipeline(this.#redis);
    for (const userId of users) pipeline.zrem(PUSH_KEYS.presence(userId), this.gatewayId);
    await pipeline.exec().catch(() => undefined);
  }

  #write(userIds: string[]): void {
    if (userIds.length === 0) return;
    const expiry = this.#now() + this.#ttlMs;
    const pipeline = crossSlotPipeline(this.#redis);
    for (const userId of userIds) {
      pipeline.zadd(PUSH_KEYS.presence(userId), expiry, this.gatewayId);
      pipeline.pexpire(PUSH_KEYS.presence(userId), this.#ttlMs);
    }
    pipeline.exec().catch(() => undefined);
  }
}

/**
 * For each user, true when some gateway holds a live socket of theirs (entries past their expiry do
 * not count). One pipelined round trip for all of them.
 */
export async function liveSockets(redis: RedisClient, userIds: readonly string[], now: number): Promise<boolean[]> {
  if (userIds.length === 0) return [];
  const read = crossSlotPipeline(redis);
  for (const userId of userIds) read.zrangebyscore(PUSH_KEYS.presence(userId), now, '+inf', 'LIMIT', 0, 1);
  const replies = await execOrThrow(read.exec());
  return replies.map((live) => Array.isArray(live) && live.length > 0);
}
