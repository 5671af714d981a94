import type { CoreConfig } from '../core/core-config.ts';
import { redisAnswers, startManagedRedis, type ManagedRedis } from './managed-redis.ts';
import type { RedisTarget } from './redis-connection.ts';

/**
 * Decides which Redis to use: REDIS_CLUSTER_NODES when set, else REDIS_URL when set; else a Redis answering on 127.0.0.1:6379;
 * else a private managed redis-server (stopped with `managed.stop()`).
 */
export async function resolveRedis(
  config: Pick<CoreConfig, 'redisClusterNodes' | 'redisUrl' | 'redisFsync'>,
  baseDir: string,
): Promise<{ target: RedisTarget; managed: ManagedRedis | null; description: string }> {
  if (config.redisClusterNodes) {
    return { target: { cluster: config.redisClusterNodes }, managed: null, description: 'REDIS_CLUSTER_NODES' };
  }
  if (config.redisUrl) return { target: { url: config.redisUrl }, managed: null, description: 'REDIS_URL' };
  if (await redisAnswers('127.0.0.1', 6379)) {
    return { target: { url: 'redis://127.0.0.1:6379' }, managed: null, description: 'redis://127.0.0.1:6379' };
  }
  const managed = await startManagedRedis({ baseDir, fsync: config.redisFsync });
  return { target: managed.target, managed, description: `managed redis-server (appendfsync ${config.redisFsync})` };
}
