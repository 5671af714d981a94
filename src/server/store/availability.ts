import type { Availability } from '../../shared/model.ts';
import { crossSlotPipeline, type RedisClient as Redis } from '../redis/redis-connection.ts';
import { execOrThrow } from './feed.ts';
import { KEYS } from './keys.ts';

/**
 * Availability statuses (the seed's userManager): one JSON string per user, `{u:<id>}:status`,
 * expiring with its `until` (Redis drops it then; a read also ignores one past its end, so a key
 * whose expiry is a few milliseconds late shows nothing). Never written to a conversation log.
 */

/** Sets the user's status; one with `until` leaves Redis at that time. */
export async function setStatus(redis: Redis, userId: string, status: Availability, now: number = Date.now()): Promise<void> {
  const json = JSON.stringify(status);
  if (status.until === undefined) await redis.set(KEYS.userStatus(userId), json);
  else await redis.set(KEYS.userStatus(userId), json, 'PX', Math.max(1, status.until - now));
}

/** Clears the user's status (no status: nothing is shown). */
export async function clearStatus(redis: Redis, userId: string): Promise<void> {
  await redis.del(KEYS.userStatus(userId));
}

function parseStatus(json: string | null, now: number): Availability | null {
  if (json === null) return null;
  try {
    const status = JSON.parse(json) as Availability;
    return status.until !== undefined && status.until <= now ? null : status;
  } catch {
    return null;
  }
}

/** The current statuses of these users, in the same order (null: none set, or ended). */
export async function getStatuses(redis: Redis, userIds: readonly string[], now: number = Date.now()): Promise<(Availability | null)[]> {
  if (userIds.length === 0) return [];
  const read = crossSlotPipeline(redis);
  for (const id of userIds) read.get(KEYS.userStatus(id));
  const replies = await execOrThrow(read.exec());
  return replies.map((json) => parseStatus(json as string | null, now));
}

/** These entries with their current status (those without one unchanged). */
export async function withStatuses<T extends { id: string }>(redis: Redis, entries: T[], now: number = Date.now()): Promise<(T & { status?: Availability })[]> {
  const statuses = await getStatuses(redis, entries.map((entry) => entry.id), now);
  return entries.map((entry, i) => {
    const status = statuses[i];
    return status ? { ...entry, status } : entry;
  });
}
