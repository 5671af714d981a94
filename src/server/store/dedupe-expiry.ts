import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import { KEYS } from './keys.ts';

const BATCH = 500;

/**
 * Expires a conversation's idempotency records (DEDUPE in lua/fragments.ts keeps each as
 * `<unix seconds> <reply>`): those written before `beforeSeconds` go. A record stored before records
 * carried their time gets the sweep's time, `nowSeconds`, and goes one lifetime later. Resolves with
 * the records removed. A replay after that is applied as new (see docs/ARCHITECTURE.md).
 */
export async function expireDedupe(redis: Redis, conversationId: string, beforeSeconds: number, nowSeconds: number): Promise<number> {
  const key = KEYS.convDedupe(conversationId);
  let cursor = '0';
  let expired = 0;
  do {
    const [next, flat] = await redis.hscan(key, cursor, 'COUNT', BATCH);
    cursor = next;
    const old: string[] = [];
    const stamp: string[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const field = flat[i] as string;
      const reply = flat[i + 1] as string;
      const written = /^(\d+) /.exec(reply);
      if (written === null) stamp.push(field, `${nowSeconds} ${reply}`);
      else if (Number(written[1]) < beforeSeconds) old.push(field);
    }
    if (old.length > 0) expired += await redis.hdel(key, ...old);
    if (stamp.length > 0) await redis.hset(key, ...stamp);
  } while (cursor !== '0');
  return expired;
}
