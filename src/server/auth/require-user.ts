import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../../shared/errors.ts';
import { sendError } from '../http/http-errors.ts';
import type { RedisClient } from '../redis/redis-connection.ts';
import type { SessionHints } from './session-hints.ts';
import { SESSION_COOKIE, sessionKey, touchSession, wipeReason } from './sessions.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user's id, set by `requireUser`. */
    userId: string;
  }
}

/** A Fastify preHandler that lets only signed-in requests through. */
export type RequireUser = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/**
 * Builds the preHandler of every signed-in route: 401 `unauthenticated` unless the session cookie
 * names a live session (whose sliding TTL, read at each request, it renews within its absolute
 * lifetime); remembers the session in `hints`. A session ended from elsewhere answers 401 with why
 * instead (`device_revoked`, `account_closed`): the device wipes the user's local store (remote wipe).
 */
export function createRequireUser(options: { redis: RedisClient; sessionTtlSeconds: () => number; hints: SessionHints }): RequireUser {
  const { redis, sessionTtlSeconds, hints } = options;
  return async (request, reply) => {
    const checked = await checkSession(redis, sessionKey(request.cookies[SESSION_COOKIE]), sessionTtlSeconds(), hints);
    if ('refused' in checked) {
      await sendError(reply, checked.refused);
      return;
    }
    request.userId = checked.userId;
  };
}

/**
 * A session's check with the answer to give when it fails: `unauthenticated`, or why it was ended
 * from elsewhere (`device_revoked`, `account_closed`: the device wipes the user's store). The route
 * preHandler above and the realtime socket's `push` frame (messaging/push-frames.ts) refuse alike.
 */
export async function checkSession(
  redis: RedisClient,
  key: string | null,
  ttlSeconds: number,
  hints: SessionHints,
): Promise<{ userId: string } | { refused: ErrorCode }> {
  const userId = await lookUpSession(redis, key, ttlSeconds, hints);
  if (key !== null && userId !== null) return { userId };
  return { refused: (key !== null && (await wipeReason(redis, key))) || 'unauthenticated' };
}

/**
 * A request's session check (`touchSession`: live, its sliding TTL renewed), with the gateway's
 * session hints kept in step: remembered when live, forgotten when gone. The route preHandler above
 * and the WebSocket upgrade (realtime/realtime-server.ts) both check through it.
 */
export async function lookUpSession(redis: RedisClient, key: string | null, ttlSeconds: number, hints: SessionHints): Promise<string | null> {
  const userId = await touchSession(redis, key, ttlSeconds);
  if (key !== null) {
    if (userId === null) hints.forget(key);
    else hints.remember(key, userId);
  }
  return userId;
}
