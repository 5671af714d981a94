import { Redis, type RedisOptions } from 'ioredis';

/** Where to reach Redis: a URL (`redis://host:port/db`, db index honoured) or a unix socket path. */
export type RedisTarget = { url: string } | { path: string };

/** Opens an ioredis connection that fails fast when Redis is away (503s, not hung requests). */
export function connectRedis(target: RedisTarget, options: RedisOptions = {}): Redis {
  const common: RedisOptions = {
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    connectTimeout: 5_000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    ...options,
  };
  const redis = 'url' in target ? new Redis(target.url, common) : new Redis({ ...common, path: target.path });
  // Connection errors surface as failed commands (503s); the owner may add a logging listener.
  redis.on('error', () => undefined);
  return redis;
}

/** Closes a connection: QUIT when connected (flushes pending replies), a plain disconnect otherwise. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    await redis.quit().catch(() => redis.disconnect());
  } else {
    redis.disconnect();
  }
}
