import { createHash, randomBytes } from 'node:crypto';
import type { RedisClient as Redis } from './redis-connection.ts';
import { KEYS } from './store/keys.ts';

/** Name of the session cookie (HttpOnly, SameSite=Strict). */
export const SESSION_COOKIE = 'relais_session';

function tokenKey(token: string): string {
  // Only the hash is stored: a leaked Redis dump does not hand out live sessions.
  return KEYS.session(createHash('sha256').update(token).digest('hex'));
}

/** Opens a session for the user and returns its opaque token (32 random bytes, base64url). */
export async function openSession(redis: Redis, userId: string, ttlSeconds: number): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await redis.set(tokenKey(token), userId, 'EX', ttlSeconds);
  return token;
}

/** The session's user id, refreshing its sliding TTL; null when unknown or expired. */
export async function resolveSession(redis: Redis, token: string | undefined, ttlSeconds: number): Promise<string | null> {
  if (!token || token.length > 128) return null;
  return redis.getex(tokenKey(token), 'EX', ttlSeconds);
}

/** Revokes a session. */
export async function closeSession(redis: Redis, token: string | undefined): Promise<void> {
  if (token) await redis.del(tokenKey(token));
}
