import { DEFAULT_PREFERENCES, NotificationPreferences } from '../../shared/push.ts';
import { crossSlotPipeline, type RedisClient } from '../redis/redis-connection.ts';
import { execOrThrow } from '../store/feed.ts';
import { PUSH_KEYS } from './keys.ts';

function parsePreferences(raw: string | null): NotificationPreferences {
  if (raw === null) return DEFAULT_PREFERENCES;
  try {
    const parsed = NotificationPreferences.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : DEFAULT_PREFERENCES;
  } catch {
    return DEFAULT_PREFERENCES;
  }
}

/** The user's notification preferences (the defaults until they save some, or when unreadable). */
export async function loadPreferences(redis: RedisClient, userId: string): Promise<NotificationPreferences> {
  return parsePreferences(await redis.get(PUSH_KEYS.preferences(userId)));
}

/** The preferences of several users, in the same order, in one pipelined round trip. */
export async function loadPreferencesOf(redis: RedisClient, userIds: readonly string[]): Promise<NotificationPreferences[]> {
  if (userIds.length === 0) return [];
  const read = crossSlotPipeline(redis);
  for (const userId of userIds) read.get(PUSH_KEYS.preferences(userId));
  const replies = await execOrThrow(read.exec());
  return replies.map((raw) => parsePreferences(typeof raw === 'string' ? raw : null));
}

/** Replaces the user's preferences (already validated). */
export async function savePreferences(redis: RedisClient, userId: string, preferences: NotificationPreferences): Promise<void> {
  await redis.set(PUSH_KEYS.preferences(userId), JSON.stringify(preferences));
}
