import { randomBytes } from 'node:crypto';
import type { Presence, PresenceState } from '../../shared/model.ts';
import { Cluster, type Redis } from 'ioredis';
import { crossSlotPipeline, type RedisClient } from '../redis/redis-connection.ts';
import { execOrThrow } from '../store/feed.ts';
import { KEYS } from '../store/keys.ts';
import { getStatuses } from '../store/availability.ts';
import { circleOf } from '../store/care-team.ts';
import type { LiveBus } from './live-bus.ts';

/**
 * Presence, the one answer to "is this user connected?", for contacts (online / away / offline and
 * last seen) and for push (a user with a live socket on any gateway gets no Web Push). In Redis so
 * every gateway sees every socket: one hash per user, `{u:<id>}:presence`, socket id →
 * `<online|away>:<expiresAtMs>`, refreshed by the WebSocket heartbeat. A socket whose entry expired
 * (its gateway died) no longer counts. Online wins over away; no live socket is offline, with the
 * time it was last seen. Never written to a conversation log.
 */

/** A device entry lives this long without a heartbeat refresh (the heartbeat runs every 30 s). */
export const PRESENCE_TTL_MS = 75_000;

type DeviceState = 'online' | 'away';

/** One socket of a user on this gateway, as presence tracks it. */
export interface PresenceDevice {
  readonly userId: string;
  /** Its field in the user's presence hash. */
  readonly socketId: string;
  state: DeviceState;
}

/** The state and expiry of one stored device entry (`<state>:<expiresAtMs>`). */
function parseEntry(value: string): { state: string; expiresAt: number } {
  const [state = '', expiresAt] = value.split(':');
  return { state, expiresAt: Number(expiresAt) };
}

/** Aggregates a user's device entries into one presence. */
export function aggregatePresence(
  userId: string,
  devices: Record<string, string>,
  lastSeen: number | null,
  now: number,
): Presence {
  let state: PresenceState = 'offline';
  for (const value of Object.values(devices)) {
    const entry = parseEntry(value);
    if (entry.expiresAt <= now) continue;
    if (entry.state === 'online') state = 'online';
    else if (state === 'offline') state = 'away';
  }
  return { userId, state, lastSeen: state === 'offline' ? lastSeen : null };
}

/** Presence of several users (unknown ones are offline, never seen). */
export async function getPresence(redis: RedisClient, userIds: readonly string[], now: number = Date.now()): Promise<Presence[]> {
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

/**
 * KEYS: presence hashes. ARGV: now (ms). For each hash, 1 when one of its entries
 * (`<state>:<expiresAtMs>`, parseEntry) has not expired, else 0.
 */
const CONNECTED_ANYWHERE = `
local now = tonumber(ARGV[1])
local live = {}
for i, key in ipairs(KEYS) do
  live[i] = 0
  for _, entry in ipairs(redis.call('HVALS', key)) do
    local expires = tonumber(string.match(entry, '^[^:]*:([^:]*)'))
    if expires and expires > now then
      live[i] = 1
      break
    end
  end
end
return live`;

type WithConnected = Redis & { relaisConnectedAnywhere(...args: (string | number)[]): Promise<number[]> };

function withConnected(redis: Redis): WithConnected {
  const typed = redis as Redis & Partial<WithConnected>;
  if (typeof typed.relaisConnectedAnywhere !== 'function') {
    redis.defineCommand('relaisConnectedAnywhere', { lua: CONNECTED_ANYWHERE, readOnly: true });
  }
  return redis as WithConnected;
}

/**
 * For each user, true when some gateway holds a live socket of theirs (online or away; entries past
 * their expiry do not count). One command on a single Redis (asked for every message with a
 * recipient connected elsewhere, so its cost counts: one script instead of a command and a reply per
 * user), a pipelined round trip on a cluster (the users' hashes live in different slots).
 */
export async function connectedAnywhere(redis: RedisClient, userIds: readonly string[], now: number): Promise<boolean[]> {
  if (userIds.length === 0) return [];
  if (!(redis instanceof Cluster)) {
    const live = await withConnected(redis).relaisConnectedAnywhere(userIds.length, ...userIds.map((id) => KEYS.userPresence(id)), now);
    return userIds.map((_, i) => live[i] === 1);
  }
  const read = crossSlotPipeline(redis);
  for (const userId of userIds) read.hvals(KEYS.userPresence(userId));
  const replies = await execOrThrow(read.exec());
  return replies.map((values) => Array.isArray(values) && values.some((value) => parseEntry(String(value)).expiresAt > now));
}

/**
 * Presence and availability status of the users asked about, as `viewerId` may see them: those of
 * the viewer's circle (who shares a conversation with them or a care-team assignment, or the viewer
 * themself) as they are; anyone else's as an unknown id's (offline, never seen, no status), so the
 * answer tells neither their state nor that the account exists.
 */
export async function presenceSeenBy(redis: RedisClient, viewerId: string, userIds: readonly string[]): Promise<Presence[]> {
  const circle = await circleOf(redis, viewerId);
  circle.add(viewerId);
  const visible = userIds.filter((id) => circle.has(id));
  const [known, statuses] = await Promise.all([getPresence(redis, visible), getStatuses(redis, visible)]);
  const byId = new Map(known.map((presence, i) => {
    const status = statuses[i];
    return [presence.userId, status ? { ...presence, status } : presence];
  }));
  return userIds.map((id) => byId.get(id) ?? { userId: id, state: 'offline', lastSeen: null });
}

/**
 * Keeps this gateway's sockets in the shared presence hashes (opened, visible or hidden, heartbeat,
 * closed, shutdown) and tells contacts when a user's presence changes.
 */
export class PresenceTracker {
  readonly #redis: RedisClient;
  readonly #live: LiveBus;
  readonly #now: () => number;
  readonly #failed: (err: unknown) => void;
  readonly #devices = new Set<PresenceDevice>();

  /** `log`: where a failed update is reported (the next heartbeat writes the entry again). */
  constructor(options: { redis: RedisClient; live: LiveBus; log: { warn(details: object, text: string): void }; now?: () => number }) {
    this.#redis = options.redis;
    this.#live = options.live;
    this.#now = options.now ?? Date.now;
    this.#failed = (err) => options.log.warn({ err }, 'presence update failed');
  }

  /** A socket of the user opened here: its device counts as online from now on. */
  opened(userId: string): PresenceDevice {
    const device: PresenceDevice = { userId, socketId: randomBytes(8).toString('hex'), state: 'online' };
    this.#devices.add(device);
    this.#write(device).catch(this.#failed);
    return device;
  }

  /** The device said it is visible (online) or hidden (away). */
  async changed(device: PresenceDevice, state: DeviceState): Promise<void> {
    if (!this.#devices.has(device) || device.state === state) return;
    device.state = state;
    await this.#write(device);
  }

  /** The device's socket closed: its entry goes and the user's last-seen time moves. */
  closed(device: PresenceDevice): void {
    if (this.#devices.delete(device)) this.#remove(device).catch(this.#failed);
  }

  /** Heartbeat: pushes every local device's expiry forward (one round trip for all). */
  async refresh(): Promise<void> {
    if (this.#devices.size === 0) return;
    const write = crossSlotPipeline(this.#redis);
    const expiresAt = this.#now() + PRESENCE_TTL_MS;
    for (const device of this.#devices) {
      write.hset(KEYS.userPresence(device.userId), device.socketId, `${device.state}:${expiresAt}`);
      write.pexpire(KEYS.userPresence(device.userId), PRESENCE_TTL_MS * 2);
      write.set(KEYS.userLastSeen(device.userId), this.#now());
    }
    await execOrThrow(write.exec());
  }

  /** Shutdown: removes every local device's entry, so other gateways stop counting them at once. */
  async close(): Promise<void> {
    const devices = [...this.#devices];
    this.#devices.clear();
    await Promise.all(devices.map((device) => this.#remove(device).catch(this.#failed)));
  }

  async #write(device: PresenceDevice): Promise<void> {
    const [before] = await getPresence(this.#redis, [device.userId], this.#now());
    const key = KEYS.userPresence(device.userId);
    await this.#redis
      .multi()
      .hset(key, device.socketId, `${device.state}:${this.#now() + PRESENCE_TTL_MS}`)
      .pexpire(key, PRESENCE_TTL_MS * 2)
      .exec();
    await this.#announceIfChanged(device.userId, before);
  }

  async #remove(device: PresenceDevice): Promise<void> {
    const [before] = await getPresence(this.#redis, [device.userId], this.#now());
    await this.#redis.multi().hdel(KEYS.userPresence(device.userId), device.socketId).set(KEYS.userLastSeen(device.userId), this.#now()).exec();
    await this.#announceIfChanged(device.userId, before);
  }

  async #announceIfChanged(userId: string, before: Presence | undefined): Promise<void> {
    const [after] = await getPresence(this.#redis, [userId], this.#now());
    if (!after || after.state === before?.state) return;
    // Whoever may see it (presenceSeenBy): contacts and care-team assignments.
    const circle = [...(await circleOf(this.#redis, userId))];
    if (circle.length === 0) return;
    this.#live.publishFrame(userId, circle, JSON.stringify({ type: 'presence', ...after }));
  }
}
