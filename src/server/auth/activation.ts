import { hash, randomInt, timingSafeEqual } from 'node:crypto';
import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import { KEYS } from '../store/keys.ts';
import { revokeUserSessions } from './sessions.ts';
import { announceSessionsEnded } from '../realtime/live-bus.ts';
import { setPasswordHash } from '../store/users.ts';

/**
 * One-time activation codes: an admin creates an account (or resets its password) and hands the
 * code over — said aloud, printed: no e-mail is assumed —; its owner activates the account with it
 * and chooses a password. Only the code's SHA-256 is kept, for ACTIVATION_DAYS; until then the
 * account has no usable password.
 */

export const ACTIVATION_DAYS = 7;
/** Letters and digits that cannot be misread when said or printed (no 0/O, 1/I/L). */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
/** A stored hash no password matches: the account signs in only once activated. */
export const UNUSABLE_PASSWORD = 'unusable$activation-pending';

function digest(code: string): Buffer {
  return Buffer.from(hash('sha256', code.replace(/[\s-]/g, '').toUpperCase(), 'hex'), 'hex');
}

/** Issues a new code for the account (replacing any earlier one), its password unusable meanwhile, every session ended. */
export async function issueActivationCode(redis: Redis, userId: string): Promise<{ code: string; expiresAt: number }> {
  const raw = Array.from({ length: 12 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  const code = `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8)}`;
  await setPasswordHash(redis, userId, UNUSABLE_PASSWORD);
  await redis.set(KEYS.userActivation(userId), digest(code).toString('hex'), 'EX', ACTIVATION_DAYS * 86_400);
  await announceSessionsEnded(redis, await revokeUserSessions(redis, userId, 'device_revoked'));
  return { code, expiresAt: Date.now() + ACTIVATION_DAYS * 86_400_000 };
}

/** Spends the code when it is the account's: true once; the caller then sets the password. */
export async function spendActivationCode(redis: Redis, userId: string, code: string): Promise<boolean> {
  const stored = await redis.get(KEYS.userActivation(userId));
  if (stored === null) return false;
  const matches = timingSafeEqual(Buffer.from(stored, 'hex'), digest(code));
  // Deleted only by the attempt that matched (a parallel one finds it gone).
  return matches && (await redis.del(KEYS.userActivation(userId))) === 1;
}
