import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PullQuery } from '../../shared/http.ts';
import { LIMITS } from '../../shared/limits.ts';
import type { GatewayCore } from '../core/context.ts';
import { sendError } from '../http/http-errors.ts';
import { SESSION_COOKIE, sessionKey } from '../auth/sessions.ts';
import { pull } from '../store/pull.ts';
import { pushService, type PushOptions } from './push.ts';

/** `POST /api/sync/push` and `GET /api/sync/pull`. */
export async function syncRoutes(app: FastifyInstance, ctx: GatewayCore, options: PushOptions = {}): Promise<void> {
  const preHandler = ctx.requireUser;
  const pushes = pushService(ctx, options);
  /** Pushes let through on a session hint, by request: the session key their scripts must check. */
  const unchecked = new WeakMap<FastifyRequest, string>();

  /**
   * A push of messages and read markers from a session this gateway already knows (SessionHints) is
   * not looked up first: its scripts check the session as they write (SESSION in store/lua/fragments.ts),
   * so it costs one Redis round trip. Anything else, and on a cluster, is looked up as on every route.
   */
  const pushPreHandler = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const key = sessionKey(request.cookies[SESSION_COOKIE]);
    const hinted = key === null ? undefined : ctx.sessionHints.get(key);
    if (hinted !== undefined && pushes.mayGoUnchecked(request.body)) {
      request.userId = hinted;
      unchecked.set(request, key as string);
      return;
    }
    await preHandler(request, reply);
  };

  app.post('/api/sync/push', { preHandler: pushPreHandler }, async (request, reply) => {
    const key = unchecked.get(request);
    const answer = await pushes.push(key === undefined ? { userId: request.userId } : { userId: request.userId, uncheckedKey: key }, request.body);
    return answer.status === 200 ? answer.body : reply.code(answer.status).send(answer.body);
  });

  app.get('/api/sync/pull', { preHandler }, async (request, reply) => {
    const query = PullQuery.safeParse(request.query);
    if (!query.success) return sendError(reply, 'bad_request');
    // A malformed cursor answers a reset, as one of another epoch (store/pull.ts).
    return pull(ctx.redis, request.userId, query.data.cursor, query.data.limit ?? LIMITS.PULL_LIMIT_DEFAULT);
  });
}
