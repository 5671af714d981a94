import { DEFAULT_PREFERENCES, NotificationPreferences } from '../../shared/push.ts';
import type { RedisClient } from '../redis-connection.ts';
import { PUSH_KEYS } from './keys.ts';

/** The user's notification preferences (the defaults until they save some, or when unreadable). */
export async function loadPreferences(redis: RedisClient, userId: string): Promise<NotificationPreferences> {
  const raw = await redis.get(PUSH_KEYS.preferences(userId));
  if (raw === null) return DEFAULT_PREFERENCES;
  try {
    const parsed = NotificationPreferences.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : DEFAULT_PREFERENCES;
  } catch {
    return DEFAULT_PREFERENCES;
  }
}

/** Replaces the user's preferences (already validated). */
export async function savePreferences(redis: RedisClient, userId: string, preferences: NotificationPreferences): Promise<void> {
  await redis.set(PUSH_KEYS.preferences(userId), JSON.stringify(preferences));
}
