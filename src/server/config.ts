import { loadCallsConfig, type CallsConfig } from './calls/calls-config.ts';
import { loadPushConfig } from './push/push-config.ts';
import type { PushServiceOptions } from './push/push-service.ts';
import { parseClusterNodes } from './redis/redis-connection.ts';
import { loadRetentionConfig, type RetentionConfig } from './messaging/retention.ts';

/** Gateway configuration, read once from the environment. */
export interface GatewayConfig {
  port: number;
  host: string;
  /** `undefined`: use 127.0.0.1:6379 when it answers, else start a managed redis-server. */
  redisUrl: string | undefined;
  /** Seed nodes of a Redis Cluster (`REDIS_CLUSTER_NODES=host:port,...`); when set, REDIS_URL is ignored. */
  redisClusterNodes: { host: string; port: number }[] | undefined;
  redisFsync: 'always' | 'everysec';
  demo: boolean;
  staticDir: string;
  sessionTtlSeconds: number;
  /** Origins accepted besides the request's own one (scheme://host[:port]). */
  allowedOrigins: string[];
  logLevel: string;
  trustProxy: boolean;
  partitions: number;
  /** Where uploaded files are kept, content-addressed (RELAIS_BLOB_DIR, default ./var/blobs). */
  blobDir?: string;
  /** Largest accepted upload, bytes (RELAIS_UPLOAD_MAX_BYTES, default 15 MB). */
  uploadMaxBytes?: number;
  /** Video calls: ring timeout, heartbeat, STUN/TURN (RELAIS_CALL_*, RELAIS_STUN_*, RELAIS_TURN_*). */
  calls?: CallsConfig;
  /** Web Push: VAPID_SUBJECT, escalation tick; tests also inject the transport and clock here. */
  push?: PushServiceOptions;
  /** Server-side retention of messages (RELAIS_RETENTION_DAYS, off by default). */
  retention?: RetentionConfig;
}

function intFrom(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer`);
  return n;
}

/** Reads the configuration from `env` (defaults suit `npm start` on a clinic machine). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const fsync = env.REDIS_FSYNC ?? 'always';
  if (fsync !== 'always' && fsync !== 'everysec') throw new Error('REDIS_FSYNC must be always or everysec');
  const partitions = intFrom(env.RELAIS_PARTITIONS, 16, 'RELAIS_PARTITIONS');
  return {
    port: intFrom(env.PORT, 8080, 'PORT'),
    host: env.HOST || '0.0.0.0',
    redisUrl: env.REDIS_URL || undefined,
    redisClusterNodes: env.REDIS_CLUSTER_NODES ? parseClusterNodes(env.REDIS_CLUSTER_NODES) : undefined,
    redisFsync: fsync,
    demo: env.RELAIS_DEMO !== '0',
    staticDir: env.RELAIS_STATIC_DIR || './dist',
    sessionTtlSeconds: intFrom(env.SESSION_TTL_SECONDS, 43_200, 'SESSION_TTL_SECONDS') || 43_200,
    allowedOrigins: (env.ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim().replace(/\/+$/, ''))
      .filter((o) => o !== ''),
    logLevel: env.LOG_LEVEL || 'info',
    trustProxy: env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true',
    partitions: Math.max(1, partitions),
    calls: loadCallsConfig(env),
    push: { config: loadPushConfig(env) },
    retention: loadRetentionConfig(env),
    blobDir: env.RELAIS_BLOB_DIR || './var/blobs',
    uploadMaxBytes: intFrom(env.RELAIS_UPLOAD_MAX_BYTES, 15 * 1024 * 1024, 'RELAIS_UPLOAD_MAX_BYTES'),
  };
}
