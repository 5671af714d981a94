import { randomBytes } from 'node:crypto';
import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import { KEYS } from './keys.ts';

/**
 * The store's epoch: a random tag written once. A store that lost its data also lost the epoch,
 * gets a new one, and every cursor minted before then is answered with "reset".
 */
export async function currentEpoch(redis: Redis): Promise<string> {
  const epoch = await redis.get(KEYS.epoch);
  if (epoch !== null) return epoch;
  await redis.set(KEYS.epoch, randomBytes(9).toString('base64url'), 'NX');
  return (await redis.get(KEYS.epoch)) ?? currentEpoch(redis);
}
