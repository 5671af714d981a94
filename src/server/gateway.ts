import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import { LIMITS } from '../shared/limits.ts';
import type { GatewayConfig } from './config.ts';
import type { GatewayContext } from './core/context.ts';
import { installErrorHandler, sendError } from './http/http-errors.ts';
import { registerCalls } from './calls/calls-gateway.ts';
import { createLiveBus } from './realtime/live-bus.ts';
import { createLoginLimiter } from './auth/login-limiter.ts';
import { originAllowed } from './auth/origin.ts';
import { attachRealtime, BUFFERED_HIGH_WATERMARK } from './realtime/realtime-server.ts';
import { closeRedis, connectRedis, duplicateForSubscribe, type RedisClient, type RedisTarget } from './redis/redis-connection.ts';
import { withLifecycleScripts } from './store/lifecycle-scripts.ts';
import { withScripts } from './store/scripts.ts';
import { authRoutes } from './auth/auth-routes.ts';
import { conversationRoutes } from './messaging/conversation-routes.ts';
import { messagingRoutes } from './messaging/messaging-routes.ts';
import { syncRoutes } from './messaging/sync-routes.ts';
import { observeAppended, registerPush, type PushService } from './push/index.ts';
import { SessionHints } from './auth/sessions.ts';
import { SocketRegistry } from './realtime/socket-registry.ts';
import { startRetention } from './messaging/retention.ts';
import { registerSecurityHeaders } from './http/security-headers.ts';
import { registerStatic } from './http/static-files.ts';
import { currentEpoch } from './store/epoch.ts';

export interface Gateway {
  app: FastifyInstance;
  redis: RedisClient;
  listen(): Promise<{ port: number; url: string }>;
  close(): Promise<void>;
  realtime: { dropUserSockets(userId: string): number };
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Builds a gateway: Fastify routes under /api, the realtime WebSocket, the live bus, static files.
 * `redis`: a connection owned by the caller; otherwise one is opened on `redisTarget` (or REDIS_URL).
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

  const app = Fastify({
    logger: {
      level: config.logLevel,
      serializers: {
        // The query string can hold a searched name (patient data): log the path only.
        req: (req: { method: string; url: string; ip?: string }) => ({
          method: req.method,
          path: req.url.split('?')[0],
          ip: req.ip,
        }),
      },
    },
    bodyLimit: LIMITS.HTTP_BODY_MAX,
    trustProxy: config.trustProxy,
    forceCloseConnections: true,
  });
  installErrorHandler(app);
  let lastRedisError = 0;
  const logRedisError = (err: Error): void => {
    // ioredis reports every reconnect attempt; one line per 10 s is enough to see an outage.
    if (Date.now() - lastRedisError < 10_000) return;
    lastRedisError = Date.now();
    app.log.warn({ err: err.message }, 'redis connection error');
  };
  redis.on('error', logRedisError);
  subscriber.on('error', logRedisError);
  // JSON only: any other body type is refused with 415 rather than reaching a schema as a string.
  app.removeContentTypeParser('text/plain');
  await app.register(fastifyCookie);
  await registerSecurityHeaders(app, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // 'self' covers same-origin ws:/wss: in CSP Level 3 browsers.
        connectSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        mediaSrc: ["'self'", 'blob:', 'mediastream:'],
        workerSrc: ["'self'"],
        manifestSrc: ["'self'"],
        // Clinic LANs often serve plain http: upgrading would break every subresource.
        upgradeInsecureRequests: null,
      },
    },
    strictTransportSecurity: false,
  });

  // Callback style: an async hook costs a promise per request, on every request.
  app.addHook('onRequest', (request, reply, done) => {
    if (STATE_CHANGING.has(request.method) && !originAllowed(request.headers.origin, { protocol: request.protocol, host: request.host }, config.allowedOrigins)) {
      sendError(reply, 'origin_forbidden');
      return;
    }
    done();
  });

  let push: PushService | undefined;
  const sockets = new SocketRegistry({
    highWatermark: BUFFERED_HIGH_WATERMARK,
    onUser: (userId, connected) => (connected ? push?.presence.connected(userId) : push?.presence.disconnected(userId)),
  });
  const live = observeAppended(createLiveBus({
    publisher: redis,
    subscriber,
    partitions: config.partitions,
    log: app.log,
    deliver: (memberIds, frame, except) => sockets.deliver(memberIds, frame, except),
  }), () => push);
  const ctx: GatewayContext = { config, redis, sessionHints: new SessionHints(), limiter: createLoginLimiter(redis), live };

  app.get('/healthz', async (_request, reply) => {
    try {
      await Promise.race([redis.ping(), new Promise((_, fail) => setTimeout(() => fail(new Error('timeout')), 1_000).unref())]);
      return { ok: true };
    } catch {
      return sendError(reply, 'unavailable');
    }
  });
  await authRoutes(app, ctx);
  await conversationRoutes(app, ctx);
  await syncRoutes(app, ctx);
  await messagingRoutes(app, ctx);
  ctx.push = push = await registerPush(app, ctx, { ...config.push, connectedHere: (userId) => sockets.has(userId) });
  ctx.calls = await registerCalls(app, ctx, config.calls);
  await registerStatic(app, config.staticDir);
  const realtime = attachRealtime(app, ctx, sockets);

  await Promise.all([currentEpoch(redis), live.ready]);
  const retention = config.retention ? startRetention(redis, config.retention, app.log) : null;

  let closed = false;
  return {
    app,
    redis,
    realtime: { dropUserSockets: (userId) => realtime.dropUserSockets(userId) },
    async listen() {
      await app.listen({ port: config.port, host: config.host });
      const address = app.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : config.port;
      return { port, url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}` };
    },
    async close() {
      if (closed) return;
      closed = true;
      realtime.close();
      retention?.stop();
      ctx.calls?.close();
      await push?.close();
      await app.close();
      await live.close();
      if (!options.redis) await closeRedis(redis);
    },
  };
}
