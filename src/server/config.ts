/** Gateway configuration, read once from the environment. */
export interface GatewayConfig {
  port: number;
  host: string;
  /** `undefined`: use 127.0.0.1:6379 when it answers, else start a managed redis-server. */
  redisUrl: string | undefined;
  redisFsync: 'always' | 'everysec';
  demo: boolean;
  staticDir: string;
  sessionTtlSeconds: number;
  /** Origins accepted besides the request's own one (scheme://host[:port]). */
  allowedOrigins: string[];
  logLevel: string;
  trustProxy: boolean;
  partitions: number;
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
  };
}
