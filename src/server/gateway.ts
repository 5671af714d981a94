import type { FastifyInstance } from 'fastify';
import { AbuseLimits } from './abuse/abuse-limits.ts';
import { AuditLog, trimAudit } from './audit/audit-log.ts';
import { startLockedSweep } from './redis/locked-sweep.ts';
import { authRoutes } from './auth/auth-routes.ts';
import { meRoutes } from './auth/me-routes.ts';
import { ssoRoutes } from './auth/sso/sso-routes.ts';
import { twoFactorRoutes } from './auth/two-factor-routes.ts';
import { adminRoutes } from './admin/admin-routes.ts';
import { careTeamRoutes } from './admin/care-team-routes.ts';
import { statusRoutes } from './realtime/status-routes.ts';
import { createLoginLimiter } from './auth/login-limiter.ts';
import { createRequireUser } from './auth/require-user.ts';
import { ClinicSettingsStore } from './admin/clinic-settings.ts';
import { SessionHints } from './auth/session-hints.ts';
import { callsFeature } from './calls/calls-feature.ts';
import type { GatewayConfig } from './config.ts';
import type { GatewayCore } from './core/context.ts';
import type { FeatureHooks, GatewayFeature } from './core/feature.ts';
import { healthRoutes, storeReadiness } from './http/health-routes.ts';
import { createHttpApp } from './http/http-app.ts';
import { registerStatic } from './http/static-files.ts';
import { messagingFeature } from './messaging/messaging-feature.ts';
import { acquireProcessMetrics, DEFAULT_METRICS_CONFIG, GatewayMetrics, metricsRoutes } from './metrics/index.ts';
import { oncallFeature } from './oncall/oncall-feature.ts';
import { pushFeature } from './push/index.ts';
import { createLiveBus, type LiveStats } from './realtime/live-bus.ts';
import { presenceRoutes } from './realtime/presence-routes.ts';
import { PresenceTracker } from './realtime/presence.ts';
import { attachRealtime, BUFFERED_HIGH_WATERMARK } from './realtime/realtime-server.ts';
import { SocketRegistry } from './realtime/socket-registry.ts';
import { closeRedis, connectRedis, duplicateForSubscribe, type RedisClient, type RedisTarget } from './redis/redis-connection.ts';
import { currentEpoch } from './store/epoch.ts';
import { withLifecycleScripts } from './store/lifecycle-scripts.ts';
import { withScripts } from './store/scripts.ts';

/** One HTTP route as Fastify registered it (HEAD twins of GET routes included). */
export interface RegisteredRoute {
  method: string;
  url: string;
}

export interface Gateway {
  app: FastifyInstance;
  redis: RedisClient;
  /** Every route registered, in order: the authorization matrix test checks each has a row. */
  routes: readonly RegisteredRoute[];
  listen(): Promise<{ port: number; url: string }>;
  close(): Promise<void>;
  /** `stats()`: the routed fan-out's counters (realtime/live-bus.ts `LiveStats`). */
  realtime: { dropUserSockets(userId: string): number; stats(): LiveStats };
}

/** The features of a gateway, in registration order; calls ring sleeping tablets through push. */
function gatewayFeatures(config: GatewayConfig, metrics: GatewayMetrics): GatewayFeature[] {
  const push = pushFeature(config.push);
  push.onSendOutcome((outcome) => metrics.webPushSettled(outcome));
  // The on-call clock (tests pin it): who holds a function, for a call to it and a conversation to it.
  const clock = config.oncall?.now ? { oncallNow: config.oncall.now } : {};
  const calls = callsFeature(config.calls, clock);
  calls.onIncomingCall((call) => push.ringCallee(call));
  return [messagingFeature({ ...config, ...clock }, (status, seconds) => metrics.syncObserved('push_socket', status, seconds)), push, calls, oncallFeature(config.oncall, { alerts: push })];
}

/**
 * Builds a gateway (the composition root): the core (HTTP app, auth, live bus, sockets, presence),
 * then each feature registered on it, the realtime WebSocket with the features' frame handlers, and
 * the static files. `redis`: a connection owned by the caller; otherwise one is opened on
 * `redisTarget` (or REDIS_URL).
 */
export async function createGateway(
  config: GatewayConfig,
  options: { redis?: RedisClient; redisTarget?: RedisTarget } = {},
): Promise<Gateway> {
  const target: RedisTarget | undefined =
    options.redisTarget ??
    (config.redisClusterNodes ? { cluster: config.redisClusterNodes } : config.redisUrl ? { url: config.redisUrl } : undefined);
  if (!options.redis && !target) throw new Error('createGateway needs a Redis connection or target');
  const redis = options.redis ?? connectRedis(target!);
  // Define the Lua commands before any request: with auto-pipelining, a pipeline opened in the same
  // tick before a lazy `defineCommand` lacks the command ("pipeline[functionName] is not a function").
  withLifecycleScripts(withScripts(redis));
  // On a cluster the subscriber holds one sharded-subscriber connection per master node.
  const subscriber = target ? connectRedis(target, { subscriber: true }) : duplicateForSubscribe(redis);

  const app = await createHttpApp(config, { storeAvailable: () => redis.status === 'ready' });
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  const metricsConfig = config.metrics ?? DEFAULT_METRICS_CONFIG;
  const processMetrics = acquireProcessMetrics({ redisTimingShare: metricsConfig.redisTimingShare });
  let lastRedisError = 0;
  const logRedisError = (err: Error): void => {
    // ioredis reports every reconnect attempt; one line per 10 s is enough to see an outage.
    if (Date.now() - lastRedisError < 10_000) return;
    lastRedisError = Date.now();
    app.log.warn({ err: err.message }, 'redis connection error');
  };
  redis.on('error', logRedisError);
  subscriber.on('error', logRedisError);

  const sockets = new SocketRegistry({ highWatermark: BUFFERED_HIGH_WATERMARK });
  const live = createLiveBus({
    publisher: redis,
    subscriber,
    log: app.log,
    deliver: (memberIds, frame, exceptUserId) => sockets.deliver(memberIds, frame, exceptUserId),
  });
  // The live bus counts what it received and routed (LiveStats); the metrics read it when scraped.
  const metrics = new GatewayMetrics({ connectedSockets: () => sockets.size, live: () => live.stats() });
  metrics.timeSyncRoutes(app);
  const settings = new ClinicSettingsStore(redis, config);
  await settings.start(app.log);
  const sessionHints = new SessionHints();
  live.onSessionsEnded((keys) => {
    for (const key of keys) sessionHints.forget(key);
  });
  const core: GatewayCore = {
    config,
    redis,
    log: app.log,
    live,
    sockets,
    presence: new PresenceTracker({ redis, live, log: app.log }),
    sessionHints,
    requireUser: createRequireUser({ redis, sessionTtlSeconds: () => settings.sessionTtlSeconds(), hints: sessionHints }),
    limits: new AbuseLimits({ redis, limits: config.rateLimits }),
    audit: new AuditLog(redis),
    settings,
  };
  core.audit.onRecorded((action, outcome) => metrics.auditWritten(action, outcome));
  // Audit entries past their retention go once a day, on one gateway.
  const auditTrim = startLockedSweep(
    redis,
    { name: 'audit trim', lockKey: 'relais:audit-trim:lock', intervalMs: 86_400_000, sweep: async () => ({ dropped: await trimAudit(redis, settings.auditDays()) }) },
    app.log,
  );

  await healthRoutes(app, storeReadiness({ redis, subscriber, subscribed: live.ready }));
  await metricsRoutes(app, { registries: [processMetrics.registry, metrics.registry], token: metricsConfig.token });
  const loginLimiter = createLoginLimiter(redis);
  await authRoutes(app, core, loginLimiter);
  await ssoRoutes(app, core);
  await meRoutes(app, core, loginLimiter);
  await twoFactorRoutes(app, core, loginLimiter);
  await adminRoutes(app, core);
  await careTeamRoutes(app, core);
  await presenceRoutes(app, core);
  await statusRoutes(app, core);
  const hooks: FeatureHooks[] = [];
  for (const feature of gatewayFeatures(config, metrics)) {
    const registered = await feature.register(app, core);
    if (registered.onAppended) live.onAppended(registered.onAppended);
    hooks.push(registered);
  }
  await registerStatic(app, config.staticDir);
  const realtime = attachRealtime(app, core, hooks.flatMap((h) => h.frames ?? []));

  await Promise.all([currentEpoch(redis), live.ready]);

  let closed = false;
  return {
    app,
    redis,
    routes,
    realtime: { dropUserSockets: (userId) => realtime.dropUserSockets(userId), stats: () => live.stats() },
    async listen() {
      await app.listen({ port: config.port, host: config.host });
      const address = app.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : config.port;
      return { port, url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}` };
    },
    async close() {
      if (closed) return;
      closed = true;
      auditTrim.stop();
      settings.stop();
      await realtime.close();
      // Last registered, first stopped: calls end before the push that rings for them.
      for (const feature of [...hooks].reverse()) await feature.close?.();
      await app.close();
      await live.close();
      if (!options.redis) await closeRedis(redis);
      processMetrics.release();
    },
  };
}
