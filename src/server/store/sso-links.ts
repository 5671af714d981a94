import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import { KEYS } from './keys.ts';

/**
 * Links between a person's identifier at the identity provider (Pro Santé Connect: the RPPS number)
 * and a Relais account: one account per identifier, one identifier per account (kept on the user's
 * hash as `ssoId`, so an admin can see and undo it).
 */

/** The account linked to this identifier, or null. */
export function linkedAccount(redis: Redis, identifier: string): Promise<string | null> {
  return redis.hget(KEYS.ssoLinks, identifier);
}

/**
 * Links the account to the identifier (replacing the account's previous link); false when the
 * identifier is linked to another account already or the account does not exist.
 */
export async function linkAccount(redis: Redis, userId: string, identifier: string): Promise<boolean> {
  if ((await redis.exists(KEYS.user(userId))) === 0) return false;
  const owner = await redis.hget(KEYS.ssoLinks, identifier);
  if (owner !== null && owner !== userId) return false;
  const previous = await redis.hget(KEYS.user(userId), 'ssoId');
  if (previous !== null && previous !== identifier) await redis.hdel(KEYS.ssoLinks, previous);
  if ((await redis.hsetnx(KEYS.ssoLinks, identifier, userId)) === 0 && owner !== userId) return false;
  await redis.hset(KEYS.user(userId), 'ssoId', identifier);
  return true;
}
