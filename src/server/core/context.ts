import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import type { CallsGateway } from '../calls/calls-gateway.ts';
import type { GatewayConfig } from '../config.ts';
import type { PushService } from '../push/index.ts';
import { sendError } from '../http/http-errors.ts';
import type { LiveBus } from '../realtime/live-bus.ts';
import type { LoginLimiter } from '../auth/login-limiter.ts';
import { SESSION_COOKIE, sessionKey, type SessionHints } from '../auth/sessions.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user's id, set by `requireUser`. */
    userId: string;
  }
}

/** What the routes share. */
export interface GatewayContext {
  config: GatewayConfig;
  redis: Redis;
  /** Session key → user id last verified on this gateway (see SessionHints). */
  sessionHints: SessionHints;
  limiter: LoginLimiter;
  live: LiveBus;
  /** Call signaling (set once the gateway registered it). */
  calls?: CallsGateway;
  /** Web Push (set once the gateway registered it). */
  push?: PushService;
}

/** A preHandler answering 401 `unauthenticated` unless the session cookie names a live session. */
export function requireUser(ctx: GatewayContext) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const key = sessionKey(request.cookies[SESSION_COOKIE]);
    const userId = key === null ? null : await ctx.redis.getex(key, 'EX', ctx.config.sessionTtlSeconds);
    if (userId === null) {
      if (key !== null) ctx.sessionHints.forget(key);
      await sendError(reply, 'unauthenticated');
      return;
    }
    ctx.sessionHints.remember(key as string, userId);
    request.userId = userId;
  };
}
