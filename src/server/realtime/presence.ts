import { randomBytes } from 'node:crypto';
import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import type { Presence, PresenceState } from '../../shared/model.ts';
import type { LiveBus } from './live-bus.ts';
import { crossSlotPipeline } from '../redis/redis-connection.ts';
import { execOrThrow } from '../store/feed.ts';
import { KEYS } from '../store/keys.ts';

/**
 * Presence across a user's devices, in Redis so every gateway sees every socket: one hash per user,
 * socket id → `<online|away>:<expiresAtMs>`, refreshed by the WebSocket heartbeat. A socket whose
 * entry expired (its gateway died) no longer counts. Online wins over away; no live socket is offline,
 * with the time it was last seen. Never written to a conversation log.
 */

/** A device entry lives this long without a heartbeat refresh (the heartbeat runs every 30 s). */
export const PRESENCE_TTL_MS = 75_000;

type DeviceState = 'online' | 'away';

/** Aggregates a user's device entries into one presence. */
export function aggregatePresence(
  userId: string,
  devices: Record<string, string>,
  lastSeen: number | null,
  now: number,
): Presence {
  let state: PresenceState = 'offline';
  for (const value of Object.values(devices)) {
    const [deviceState, expiresAt] = value.split(':');
    if (Number(expiresAt) <= now) continue;
    if (deviceState === 'online') state = 'online';
    else if (state === 'offline') state = 'away';
  }
  return { userId, state, lastSeen: state === 'offline' ? lastSeen : null };
}

/** Presence of several users (unknown ones are offline, never seen). */
export async function getPresence(redis: Redis, userIds: readonly string[], now: number = Date.now()): Promise<Presence[]> {
  if (userIds.length === 0) return [];
  const read = crossSlotPipeline(redis);
  for (const id of userIds) {
    read.hgetall(KEYS.userPresence(id));
    read.get(KEYS.userLastSeen(id));
  }
  const replies = await execOrThrow(read.exec());
  return userIds.map((id, i) => {
    const seen = replies[i * 2 + 1] as string | null;
    return aggregatePresence(id, (replies[i * 2] ?? {}) as Record<string, string>, seen === null ? null : Number(seen), now);
  });
}

/** Everybody who shares a conversation with the user (who sees their presence). */
async function contactsOf(redis: Redis, userId: string): Promise<string[]> {
  const conversationIds = await redis.smembers(KEYS.userConvs(userId));
  if (conversationIds.length === 0) return [];
  const read = crossSlotPipeline(redis);
  for (const id of conversationIds) read.smembers(KEYS.convMembers(id));
  const lists = (await execOrThrow(read.exec())) as string[][];
  const contacts = new Set(lists.flat());
  contacts.delete(userId);
  return [...contacts];
}

/** Tracks this gateway's sockets in the shared presence hashes and tells contacts when a user's presence changes. */
export class PresenceTracker {
  readonly #redis: Redis;
  readonly #live: LiveBus;
  readonly #now: () => number;

  constructor(redis: Redis, live: LiveBus, now: () => number = Date.now) {
    this.#redis = redis;
    this.#live = live;
    this.#now = now;
  }

  /** A new id for a socket. */
  static socketId(): string {
    return randomBytes(8).toString('hex');
  }

  /** Sets one device's state (connect, visible/hidden, heartbeat) and announces a change of the user's presence. */
  async set(userId: string, socketId: string, state: DeviceState): Promise<void> {
    const [before] = await getPresence(this.#redis, [userId], this.#now());
    const key = KEYS.userPresence(userId);
    await this.#redis
      .multi()
      .hset(key, socketId, `${state}:${this.#now() + PRESENCE_TTL_MS}`)
      .pexpire(key, PRESENCE_TTL_MS * 2)
      .exec();
    await this.#announceIfChanged(userId, before);
  }

  /** A device went away (socket closed). */
  async remove(userId: string, socketId: string): Promise<void> {
    const [before] = await getPresence(this.#redis, [userId], this.#now());
    await this.#redis.multi().hdel(KEYS.userPresence(userId), socketId).set(KEYS.userLastSeen(userId), this.#now()).exec();
    await this.#announceIfChanged(userId, before);
  }

  /** Heartbeat: pushes every live socket's expiry forward (one round trip per user). */
  async refresh(devices: readonly { userId: string; socketId: string; state: DeviceState }[]): Promise<void> {
    if (devices.length === 0) return;
    const write = crossSlotPipeline(this.#redis);
    const expiresAt = this.#now() + PRESENCE_TTL_MS;
    for (const d of devices) {
      write.hset(KEYS.userPresence(d.userId), d.socketId, `${d.state}:${expiresAt}`);
      write.pexpire(KEYS.userPresence(d.userId), PRESENCE_TTL_MS * 2);
      write.set(KEYS.userLastSeen(d.userId), this.#now());
    }
    await execOrThrow(write.exec());
  }

  async #announceIfChanged(userId: string, before: Presence | undefined): Promise<void> {
    const [after] = await getPresence(this.#redis, [userId], this.#now());
    if (!after || after.state === before?.state) return;
    const contacts = await contactsOf(this.#redis, userId);
    if (contacts.length === 0) return;
    this.#live.publishFrame(userId, contacts, JSON.stringify({ type: 'presence', ...after }));
  }
}
