import { hash, randomBytes } from 'node:crypto';
import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import { KEYS } from '../store/keys.ts';

/**
 * Name of the session cookie (HttpOnly, Secure, SameSite=Strict, Path=/). The `__Host-` prefix makes
 * the browser refuse it unless it is Secure, host-only (no Domain) and for `/`: no subdomain or
 * plain-http page can plant or shadow it. Chromium keeps a Secure cookie from http://localhost,
 * *.localhost and 127.0.0.1 (loopback is a secure context), and drops it over plain http elsewhere.
 */
export const SESSION_COOKIE = '__Host-relais_session';

/** The attributes of the session cookie, when set and when cleared (a `__Host-` cookie needs them both times). */
export const SESSION_COOKIE_OPTIONS = { httpOnly: true, secure: true, sameSite: 'strict', path: '/' } as const;

/** The Redis key of a session token; null for a missing or malformed token. */
export function sessionKey(token: string | undefined): string | null {
  if (!token || token.length > 128) return null;
  // Only the hash is stored: a leaked Redis dump does not hand out live sessions.
  // One-shot `hash()`: no Hash object per request (this runs for every authenticated request).
  return KEYS.session(hash('sha256', token, 'hex'));
}

/** Opens a session for the user and returns its opaque token (32 random bytes, base64url). */
export async function openSession(redis: Redis, userId: string, ttlSeconds: number): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await redis.set(sessionKey(token) as string, userId, 'EX', ttlSeconds);
  return token;
}

/** The session's user id, refreshing its sliding TTL; null when unknown or expired. */
export async function resolveSession(redis: Redis, token: string | undefined, ttlSeconds: number): Promise<string | null> {
  const key = sessionKey(token);
  return key === null ? null : redis.getex(key, 'EX', ttlSeconds);
}

/** Revokes a session. */
export async function closeSession(redis: Redis, token: string | undefined): Promise<void> {
  const key = sessionKey(token);
  if (key !== null) await redis.del(key);
}
