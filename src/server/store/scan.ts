import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from '../redis/redis-connection.ts';

const SCAN_BATCH = 500;

/**
 * The ids inside the hash tags of every key matching `pattern` (`{c:*}:meta` → conversation ids),
 * on each master of a cluster. For the sweeps, never a request path.
 */
export async function scanTaggedIds(redis: RedisClient, pattern: string): Promise<string[]> {
  const nodes: Redis[] = redis instanceof Cluster ? redis.nodes('master') : [redis];
  const ids = new Set<string>();
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_BATCH);
      cursor = next;
      for (const key of keys) ids.add(key.slice(3, key.indexOf('}')));
    } while (cursor !== '0');
  }
  return [...ids];
}
