import { loadRateLimits, type RateLimits } from '../abuse/rate-limits.ts';
import { PASSWORD_PARAMS, type ScryptParams } from '../auth/password.ts';
import { LOOPBACK_HOSTS, parseAllowedHosts } from '../http/host-allowlist.ts';
import { parseTrustProxy, type TrustProxy } from '../http/proxy-trust.ts';
import { parseClusterNodes } from '../redis/redis-connection.ts';
import { intFrom } from './env.ts';
import { loadSignInConfig, type SignInConfig } from '../auth/sso/sso-config.ts';

/** What every part of the gateway reads: where it listens, its Redis, sessions, origins, logs. */
export interface CoreConfig {
  port: number;
  /** The address to listen on: 127.0.0.1 unless HOST says otherwise (a TLS proxy fronts it on a LAN). */
  host: string;
  /** `undefined`: use 127.0.0.1:6379 when it answers, else start a managed redis-server. */
  redisUrl: string | undefined;
  /** Seed nodes of a Redis Cluster (`REDIS_CLUSTER_NODES=host:port,...`); when set, REDIS_URL is ignored. */
  redisClusterNodes: { host: string; port: number }[] | undefined;
  redisFsync: 'always' | 'everysec';
  /** Seed the demo clinic on an empty store (see `demoWanted`). */
  demo: boolean;
  /** NODE_ENV=production: the gateway refuses to start while demo accounts keep their public password. */
  production: boolean;
  staticDir: string;
  /** Sliding lifetime of a session: it ends after this long unused. */
  sessionTtlSeconds: number;
  /** Absolute lifetime of a session: it ends this long after sign-in, however much it is used. */
  sessionMaxAgeSeconds: number;
  /** Origins accepted besides the request's own one (scheme://host[:port]). */
  allowedOrigins: string[];
  /** Host names a request may name (DNS rebinding); `*.name` entries allow every name under it. */
  allowedHosts: string[];
  /**
   * Origins of the clinic's own pages that may embed Relais (`RELAIS_EMBED_ORIGINS`, comma-separated
   * scheme://host[:port]): the app's `frame-ancestors`, and the only senders of the host API
   * (docs/EMBEDDING.md). Empty: the app cannot be framed at all (`frame-ancestors 'none'`).
   */
  embedOrigins: string[];
  logLevel: string;
  trustProxy: TrustProxy;
  /** Abuse limits per user and per socket (abuse/rate-limits.ts; RELAIS_RATE_LIMIT_SCALE scales them). */
  rateLimits: RateLimits;
  /** Period of the WebSocket heartbeat: pings, slow clients, and each socket's session checked again. */
  heartbeatMs: number;
  /**
   * scrypt parameters of new and rehashed passwords. Never read from the environment: a gateway
   * started from it always hashes at PASSWORD_PARAMS; only code that builds its own config (the
   * tests, which create hundreds of accounts) may pass cheaper ones.
   */
  passwordParams: ScryptParams;
  /** Days the audit trail keeps its entries (`RELAIS_AUDIT_DAYS`, 365). */
  auditDays: number;
  /**
   * `required`: an admin without two-factor sign-in gets `two_factor_required` from every admin route
   * until enrolled — except on a demo store (auth/two-factor-routes.ts). Never read from the
   * environment: a gateway started from it always requires it; only code that builds its own config
   * (the tests that do not exercise it) may pass `off`.
   */
  adminTwoFactor: 'required' | 'off';
  /** Password sign-in (RELAIS_PASSWORD_LOGIN) and single sign-on with the clinic's provider (RELAIS_OIDC_*). */
  signIn: SignInConfig;
}

function isLoopbackAddress(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * The demo clinic (public passwords) is seeded when `RELAIS_DEMO=1`, never when `0`, and when unset
 * only where nobody but this machine can reach it: listening on a loopback address, with no proxy
 * trusted and no other host or origin allowed (a proxy on this machine would publish it), and not
 * in production.
 */
function demoWanted(
  env: NodeJS.ProcessEnv,
  gateway: { host: string; trustProxy: TrustProxy; allowedHosts: readonly string[]; production: boolean },
): boolean {
  const demo = (env.RELAIS_DEMO ?? '').trim();
  if (demo === '1') return true;
  if (demo === '0') return false;
  if (demo !== '') throw new Error('RELAIS_DEMO must be 1 (seed the demo clinic) or 0 (never)');
  const onlyLoopbackHosts = gateway.allowedHosts.every((host) => LOOPBACK_HOSTS.includes(host));
  return isLoopbackAddress(gateway.host) && gateway.trustProxy === false && onlyLoopbackHosts && !gateway.production;
}

/** Reads the core settings from `env` (defaults suit `npm start` on a clinic machine). */
export function loadCoreConfig(env: NodeJS.ProcessEnv = process.env): CoreConfig {
  const fsync = env.REDIS_FSYNC ?? 'always';
  if (fsync !== 'always' && fsync !== 'everysec') throw new Error('REDIS_FSYNC must be always or everysec');
  const allowedOrigins = (env.ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter((o) => o !== '');
  const embedOrigins = parseEmbedOrigins(env.RELAIS_EMBED_ORIGINS);
  const host = env.HOST || '127.0.0.1';
  const trustProxy = parseTrustProxy(env.TRUST_PROXY);
  const allowedHosts = parseAllowedHosts(env.ALLOWED_HOSTS, allowedOrigins);
  const production = env.NODE_ENV === 'production';
  return {
    port: intFrom(env.PORT, 8080, 'PORT'),
    host,
    redisUrl: env.REDIS_URL || undefined,
    redisClusterNodes: env.REDIS_CLUSTER_NODES ? parseClusterNodes(env.REDIS_CLUSTER_NODES) : undefined,
    redisFsync: fsync,
    demo: demoWanted(env, { host, trustProxy, allowedHosts, production }),
    production,
    staticDir: env.RELAIS_STATIC_DIR || './dist',
    sessionTtlSeconds: intFrom(env.SESSION_TTL_SECONDS, 43_200, 'SESSION_TTL_SECONDS') || 43_200,
    sessionMaxAgeSeconds: intFrom(env.SESSION_MAX_AGE_SECONDS, 604_800, 'SESSION_MAX_AGE_SECONDS') || 604_800,
    allowedOrigins,
    allowedHosts,
    embedOrigins,
    logLevel: env.LOG_LEVEL || 'info',
    trustProxy,
    rateLimits: loadRateLimits(env),
    heartbeatMs: 1_000 * (intFrom(env.RELAIS_HEARTBEAT_SECONDS, 30, 'RELAIS_HEARTBEAT_SECONDS') || 30),
    passwordParams: PASSWORD_PARAMS,
    auditDays: intFrom(env.RELAIS_AUDIT_DAYS, 365, 'RELAIS_AUDIT_DAYS') || 365,
    adminTwoFactor: 'required',
    signIn: loadSignInConfig(env),
  };
}

/** `RELAIS_EMBED_ORIGINS`: each entry must be exactly an origin (http(s), no path), or the gateway refuses to start. */
export function parseEmbedOrigins(value: string | undefined): string[] {
  const origins = (value ?? '')
    .split(',')
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter((o) => o !== '');
  for (const origin of origins) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = null;
    }
    if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.origin !== origin) {
      throw new Error(`RELAIS_EMBED_ORIGINS: ${origin} is not an origin (scheme://host[:port])`);
    }
  }
  return [...new Set(origins)];
}
