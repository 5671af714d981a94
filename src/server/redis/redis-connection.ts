import { Cluster, Redis, type ChainableCommander, type ClusterOptions, type RedisOptions } from 'ioredis';
import { coalesceWrites } from './coalesce-writes.ts';

/**
 * Where to reach Redis: a URL (`redis://host:port/db`, db index honoured), a unix socket path, or the
 * seed nodes of a Redis Cluster (`REDIS_CLUSTER_NODES=host:port,host:port`).
 */
export type RedisTarget = { url: string } | { path: string } | { cluster: { host: string; port: number }[] };

/**
 * A connection to a single Redis or to a Redis Cluster. The store's code is written for both: every
 * script and MULTI touches one hash-tagged slot; batches that span slots go through `crossSlotPipeline`.
 */
export type RedisClient = Redis | Cluster;

const COMMON: RedisOptions = {
  maxRetriesPerRequest: 2,
  enableOfflineQueue: true,
  connectTimeout: 5_000,
  retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
};

/** Parses `host:port,host:port` (REDIS_CLUSTER_NODES) into cluster seed nodes. */
export function parseClusterNodes(text: string): { host: string; port: number }[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const colon = part.lastIndexOf(':');
      const port = Number(part.slice(colon + 1));
      if (colon <= 0 || !Number.isInteger(port) || port <= 0 || port > 65_535) {
        throw new Error(`REDIS_CLUSTER_NODES: "${part}" is not host:port`);
      }
      return { host: part.slice(0, colon).replace(/^\[|\]$/g, ''), port };
    });
}

/**
 * Opens an ioredis connection that fails fast when Redis is away (503s, not hung requests).
 * For a cluster target: a Cluster client; `subscriber: true` gives one that can SSUBSCRIBE (one
 * sharded subscriber connection per master, re-subscribed by ioredis when a node comes back).
 */
export function connectRedis(target: { url: string } | { path: string }, options?: RedisOptions): Redis;
export function connectRedis(target: RedisTarget, options?: RedisOptions & { subscriber?: boolean }): RedisClient;
export function connectRedis(target: RedisTarget, options: RedisOptions & { subscriber?: boolean } = {}): RedisClient {
  const { subscriber = false, ...rest } = options;
  const common: RedisOptions = { ...COMMON, ...rest };
  let redis: RedisClient;
  if ('cluster' in target) {
    const clusterOptions: ClusterOptions = {
      redisOptions: common,
      // No auto-pipelining: with ioredis 6.0.0 a script's NOSCRIPT fallback inside an automatic
      // pipeline crashed the process ("results[i] is not iterable", seen under bench load).
      // Cross-slot batches therefore cost one round trip per command, issued concurrently.
      shardedSubscribers: subscriber,
      clusterRetryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
      enableOfflineQueue: true,
      slotsRefreshTimeout: 2_000,
    };
    redis = new Cluster(target.cluster, clusterOptions);
  } else {
    redis = 'url' in target ? new Redis(target.url, common) : new Redis({ ...common, path: target.path });
  }
  // Connection errors surface as failed commands (503s); the owner may add a logging listener.
  redis.on('error', () => undefined);
  if (!subscriber) {
    if (redis instanceof Cluster) redis.on('+node', (node: Redis) => coalesceWrites(node));
    else coalesceWrites(redis);
  }
  return redis;
}

/** A second connection like `redis`, able to SSUBSCRIBE (sharded subscribers on a cluster). */
export function duplicateForSubscribe(redis: RedisClient): RedisClient {
  if (redis instanceof Cluster) return redis.duplicate(undefined, { shardedSubscribers: true });
  return redis.duplicate();
}

/** Closes a connection: QUIT when connected (flushes pending replies), a plain disconnect otherwise. */
export async function closeRedis(redis: RedisClient): Promise<void> {
  if (redis.status === 'ready') {
    await redis.quit().catch(() => redis.disconnect());
  } else {
    redis.disconnect();
  }
}

/**
 * A pipeline whose commands may touch keys in different slots. On a single Redis it is a plain
 * pipeline (one round trip). ioredis refuses a Cluster pipeline whose keys live on several nodes,
 * so on a Cluster the commands are issued one by one, concurrently. `exec()` answers `[err, reply]` pairs in order, like a pipeline.
 * Not atomic either way (a MULTI must stay within one slot).
 */
export function crossSlotPipeline(redis: RedisClient): ChainableCommander {
  if (!(redis instanceof Cluster)) return redis.pipeline();
  const queued: { name: string; args: unknown[] }[] = [];
  const exec = (): Promise<[Error | null, unknown][]> =>
    Promise.all(
      queued.map(({ name, args }) => {
        const method = (redis as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name];
        if (typeof method !== 'function') return [new Error(`unknown command ${name}`), null] as [Error, null];
        return method.apply(redis, args).then(
          (reply): [null, unknown] => [null, reply],
          (err: unknown): [Error, null] => [err instanceof Error ? err : new Error(String(err)), null],
        );
      }),
    );
  const proxy: ChainableCommander = new Proxy({} as ChainableCommander, {
    get(_target, prop) {
      if (prop === 'exec') return exec;
      if (prop === 'length') return queued.length;
      if (typeof prop !== 'string' || prop === 'then') return undefined;
      return (...args: unknown[]) => {
        queued.push({ name: prop, args });
        return proxy;
      };
    },
  });
  return proxy;
}
