import { hash, randomBytes } from 'node:crypto';
import { crossSlotPipeline, type RedisClient as Redis } from '../redis/redis-connection.ts';
import { KEYS } from '../store/keys.ts';
import { defineScript } from '../store/lua/define-script.ts';
import { SESSION_OWNER } from '../store/lua/fragments.ts';

/**
 * Name of the session cookie (HttpOnly, Secure, SameSite=Strict, Path=/). The `__Host-` prefix makes
 * the browser refuse it unless it is Secure, host-only (no Domain) and for `/`: no subdomain or
 * plain-http page can plant or shadow it. Chromium keeps a Secure cookie from http://localhost,
 * *.localhost and 127.0.0.1 (loopback is a secure context), and drops it over plain http elsewhere.
 */
export const SESSION_COOKIE = '__Host-relais_session';

/** The attributes of the session cookie, when set and when cleared (a `__Host-` cookie needs them both times). */
export const SESSION_COOKIE_OPTIONS = { httpOnly: true, secure: true, sameSite: 'strict', path: '/' } as const;

/** How long a session lives: `ttlSeconds` unused (sliding), `maxAgeSeconds` after sign-in whatever happens (absolute). */
export interface SessionLifetime {
  ttlSeconds: number;
  maxAgeSeconds: number;
}

/*
 * A session in Redis: `relais:session:<sha-256 of the token>` → `<userId> <deadline, unix seconds>`,
 * whose TTL slides with use but is never set past the deadline (SESSION_OWNER in
 * store/lua/fragments.ts renews it); `{u:<id>}:sessions` indexes a user's sessions by deadline, for
 * ending them all at once (password change).
 */

/** The Redis key of a session token; null for a missing or malformed token. */
export function sessionKey(token: string | undefined): string | null {
  if (!token || token.length > 128) return null;
  // Only the hash is stored: a leaked Redis dump does not hand out live sessions.
  // One-shot `hash()`: no Hash object per request (this runs for every authenticated request).
  return KEYS.session(hash('sha256', token, 'hex'));
}

/** KEYS: session. ARGV: sliding TTL seconds. Answers the session's user (renewed), or nil. */
const TOUCH_SESSION = defineScript({ keys: ['session'], argv: ['sessionTtl'], uses: [SESSION_OWNER], body: 'return session_owner()' });

type WithTouch = Redis & { relaisTouchSession(key: string, ttlSeconds: number): Promise<unknown> };

function withTouch(redis: Redis): WithTouch {
  const typed = redis as Redis & Partial<WithTouch>;
  if (typeof typed.relaisTouchSession !== 'function') redis.defineCommand('relaisTouchSession', { numberOfKeys: 1, lua: TOUCH_SESSION });
  return redis as WithTouch;
}

/** Opens a session for the user and returns its opaque token (32 random bytes, base64url). */
export async function openSession(redis: Redis, userId: string, lifetime: SessionLifetime): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const key = sessionKey(token) as string;
  const now = Math.floor(Date.now() / 1000);
  const deadline = now + lifetime.maxAgeSeconds;
  const index = KEYS.userSessions(userId);
  const [opened] = await crossSlotPipeline(redis)
    .set(key, `${userId} ${deadline}`, 'EX', Math.min(lifetime.ttlSeconds, lifetime.maxAgeSeconds))
    .zremrangebyscore(index, '-inf', now)
    .zadd(index, deadline, key)
    .expire(index, lifetime.maxAgeSeconds)
    .exec() ?? [];
  if (opened?.[0]) throw opened[0];
  return token;
}

/**
 * The session's user id, its sliding TTL renewed (never past its absolute deadline); null when
 * unknown, expired or past its deadline. One round trip.
 */
export async function touchSession(redis: Redis, key: string | null, ttlSeconds: number): Promise<string | null> {
  if (key === null) return null;
  const owner = await withTouch(redis).relaisTouchSession(key, ttlSeconds);
  return typeof owner === 'string' ? owner : null;
}

/** Which of these sessions are still live (there, and before their deadline), without renewing them (the WebSocket heartbeat). */
export async function liveSessions(redis: Redis, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const pipeline = crossSlotPipeline(redis);
  for (const key of keys) pipeline.get(key);
  const replies = (await pipeline.exec()) ?? [];
  const now = Date.now() / 1000;
  return new Set(
    keys.filter((_, i) => {
      const [err, value] = replies[i] ?? [null, null];
      // A failed lookup counts as live: an unreachable store must not sign everyone out.
      if (err) return true;
      return typeof value === 'string' && Number(value.split(' ')[1]) > now;
    }),
  );
}

/**
 * Why a session was ended from elsewhere, told to the device that still holds its token (401 with
 * this code) so that it wipes its local store: `device_revoked` (signed out from another device,
 * password changed or reset), `account_closed` (the account was disabled or deleted).
 */
export type WipeReason = 'device_revoked' | 'account_closed';

/** How long a session replaced by a new sign-in on its own device says so (`session_replaced`). */
const REPLACED_MARK_SECONDS = 120;

/**
 * Notes that this session was replaced by a new sign-in of the same user on the device holding it:
 * a request the device sent with it while the new cookie was on its way is answered 401
 * `session_replaced`, which the service worker does not take for a signed-out session.
 */
export async function markReplaced(redis: Redis, key: string): Promise<void> {
  await redis.set(KEYS.sessionWipe(key), 'session_replaced', 'EX', REPLACED_MARK_SECONDS);
}

/** Leaves the reason where each ended session was, until its absolute deadline (`deadlines`, unix seconds). */
async function leaveWipeMarks(redis: Redis, ended: readonly { key: string; deadline: number }[], reason: WipeReason): Promise<void> {
  if (ended.length === 0) return;
  const now = Math.floor(Date.now() / 1000);
  const pipeline = crossSlotPipeline(redis);
  for (const { key, deadline } of ended) pipeline.set(KEYS.sessionWipe(key), reason, 'EX', Math.max(1, deadline - now));
  await pipeline.exec();
}

/** Why this session was ended from elsewhere, or null (expired, signed out here, or never was). */
export async function wipeReason(redis: Redis, key: string): Promise<WipeReason | 'session_replaced' | null> {
  return (await redis.get(KEYS.sessionWipe(key))) as WipeReason | 'session_replaced' | null;
}

/**
 * Ends sessions (logout, a new sign-in on the device, a device signed out from another); answers the
 * keys that were live. With `wipe`, the devices holding them are told to wipe their store.
 */
export async function revokeSessions(redis: Redis, keys: readonly string[], wipe?: WipeReason): Promise<string[]> {
  const ended: { key: string; deadline: number }[] = [];
  for (const key of keys) {
    const value = await redis.getdel(key);
    if (value === null) continue;
    const [userId, deadline] = value.split(' ');
    ended.push({ key, deadline: Number(deadline) });
    if (userId) await redis.zrem(KEYS.userSessions(userId), key);
  }
  if (wipe) await leaveWipeMarks(redis, ended, wipe);
  return ended.map((e) => e.key);
}

/**
 * Ends every session of a user (password change, reset, account disabled or deleted) but `keep` (the
 * device changing its password); answers their keys. With `wipe`, the devices holding them are told
 * to wipe their store.
 */
export async function revokeUserSessions(redis: Redis, userId: string, wipe?: WipeReason, keep?: string): Promise<string[]> {
  const index = KEYS.userSessions(userId);
  const scored = await redis.zrange(index, '0', '-1', 'WITHSCORES');
  const ended: { key: string; deadline: number }[] = [];
  for (let i = 0; i < scored.length; i += 2) if (scored[i] !== keep) ended.push({ key: scored[i] as string, deadline: Number(scored[i + 1]) });
  if (ended.length > 0) {
    const pipeline = crossSlotPipeline(redis);
    for (const { key } of ended) pipeline.del(key);
    await pipeline.exec();
    // Only these: a session opened meanwhile stays indexed.
    await redis.zrem(index, ...ended.map((e) => e.key));
  }
  if (wipe) await leaveWipeMarks(redis, ended, wipe);
  return ended.map((e) => e.key);
}
