import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import { KEYS } from './keys.ts';

/**
 * Links between a person's identifier at the identity provider (Pro Santé Connect: the RPPS number)
 * and a Relais account: one account per identifier, one identifier per account (kept on the user's
 * hash as `ssoId`, so an admin can see and undo it).
 */

/** Removes the identifier's link if it is still to this account (compare-and-delete, in one step). */
async function release(redis: Redis, identifier: string, userId: string): Promise<void> {
  await redis.eval("if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) end", 1, KEYS.ssoLinks, identifier, userId);
}

/** The account linked to this identifier, or null. */
export function linkedAccount(redis: Redis, identifier: string): Promise<string | null> {
  return redis.hget(KEYS.ssoLinks, identifier);
}

/** The identifier this account is linked to, or null. */
export function linkedIdentifier(redis: Redis, userId: string): Promise<string | null> {
  return redis.hget(KEYS.user(userId), 'ssoId');
}

/**
 * Links the account to the identifier (replacing the account's previous link); false when the
 * identifier is linked to another account already or the account does not exist. The identifier is
 * claimed first (HSETNX): of two links made at once to two accounts, one wins and the other is told.
 */
export async function linkAccount(redis: Redis, userId: string, identifier: string): Promise<boolean> {
  if ((await redis.exists(KEYS.user(userId))) === 0) return false;
  if ((await redis.hsetnx(KEYS.ssoLinks, identifier, userId)) === 0 && (await linkedAccount(redis, identifier)) !== userId) return false;
  const previous = await linkedIdentifier(redis, userId);
  if (previous !== null && previous !== identifier) await release(redis, previous, userId);
  await redis.hset(KEYS.user(userId), 'ssoId', identifier);
  return true;
}

/**
 * Removes the account's link: its identifier signs in no more (`link-only`); account erasure calls
 * it too, so a deleted account's identifier is free again. Answers the identifier it had, or null.
 */
export async function unlinkAccount(redis: Redis, userId: string): Promise<string | null> {
  const previous = await linkedIdentifier(redis, userId);
  if (previous === null) return null;
  await release(redis, previous, userId);
  await redis.hdel(KEYS.user(userId), 'ssoId');
  return previous;
}
