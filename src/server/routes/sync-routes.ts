import type { FastifyInstance } from 'fastify';
import { PullQuery, PushBody, type MutationResult } from '../../shared/http.ts';
import { LIMITS } from '../../shared/limits.ts';
import type { GatewayContext } from '../context.ts';
import { requireUser } from '../context.ts';
import { sendError } from '../http-errors.ts';
import { applyMutation } from '../mutations.ts';
import { cursorIsStale, pull } from '../store/pull.ts';

/** `POST /api/sync/push` and `GET /api/sync/pull`. */
export async function syncRoutes(app: FastifyInstance, ctx: GatewayContext): Promise<void> {
  const preHandler = requireUser(ctx);

  app.post('/api/sync/push', { preHandler }, async (request, reply) => {
    const body = PushBody.safeParse(request.body);
    if (!body.success) return sendError(reply, 'bad_request');
    if (body.data.cursor !== undefined) {
      const stale = await cursorIsStale(ctx.redis, body.data.cursor);
      if (stale === null) return sendError(reply, 'bad_request', 'Malformed cursor');
      if (stale) return { results: [], reset: true };
    }
    // In order: a message may follow the creation of its conversation in the same batch.
    const results: MutationResult[] = [];
    for (const item of body.data.mutations) results.push(await applyMutation(ctx.redis, ctx.live, request.userId, item));
    return { results };
  });

  app.get('/api/sync/pull', { preHandler }, async (request, reply) => {
    const query = PullQuery.safeParse(request.query);
    if (!query.success) return sendError(reply, 'bad_request');
    const page = await pull(ctx.redis, request.userId, query.data.cursor, query.data.limit ?? LIMITS.PULL_LIMIT_DEFAULT);
    if (page === null) return sendError(reply, 'bad_request', 'Malformed cursor');
    return page;
  });
}
