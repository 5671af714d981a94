import { hash, randomBytes } from 'node:crypto';
import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import { KEYS } from '../store/keys.ts';

/** Name of the session cookie (HttpOnly, SameSite=Strict). */
export const SESSION_COOKIE = 'relais_session';

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

/**
 * Which user each session key belonged to when this gateway last checked it: a hint, never an
 * authorization. It lets a push of messages and read markers skip its session lookup, because their
 * scripts check the session themselves, atomically with the write (see SESSION in
 * store/scripts.ts): a session revoked anywhere is refused by the next such script. Bounded, least
 * recently used first out; holds key hashes, not tokens.
 */
export class SessionHints {
  readonly #users = new Map<string, string>();
  readonly #max: number;

  constructor(max = 10_000) {
    this.#max = max;
  }

  /** The user last seen with this session key, if any. */
  get(key: string): string | undefined {
    const userId = this.#users.get(key);
    if (userId !== undefined) {
      // Most recently used last: the Map's order is the eviction order.
      this.#users.delete(key);
      this.#users.set(key, userId);
    }
    return userId;
  }

  remember(key: string, userId: string): void {
    this.#users.delete(key);
    this.#users.set(key, userId);
    if (this.#users.size > this.#max) this.#users.delete(this.#users.keys().next().value as string);
  }

  forget(key: string): void {
    this.#users.delete(key);
  }
}
