import type { FastifyInstance } from 'fastify';
import { CallHistoryQuery } from '../../shared/calls.ts';
import { userCan } from '../policy/directory.ts';
import type { GatewayCore } from '../core/context.ts';
import { sendError } from '../http/http-errors.ts';
import { callStats, listCalls } from './call-history.ts';
import type { CallsConfig } from './calls-config.ts';
import { iceServersFor } from './ice-servers.ts';

const HISTORY_DEFAULT = 50;

/** `GET /api/calls/history`, `GET /api/calls/stats`, `GET /api/calls/ice-servers`. */
export async function callRoutes(app: FastifyInstance, ctx: GatewayCore, config: CallsConfig): Promise<void> {
  const preHandler = ctx.requireUser;

  app.get('/api/calls/history', { preHandler }, async (request, reply) => {
    const query = CallHistoryQuery.safeParse(request.query);
    if (!query.success) return sendError(reply, 'bad_request');
    return { calls: await listCalls(ctx.redis, request.userId, query.data.limit ?? HISTORY_DEFAULT) };
  });

  app.get('/api/calls/stats', { preHandler }, async (request, reply) => {
    if (!(await userCan(ctx.redis, request.userId, 'stats.read'))) return sendError(reply, 'role_forbidden');
    return callStats(ctx.redis, request.userId, Date.now());
  });

  app.get('/api/calls/ice-servers', { preHandler }, async (request, reply) => {
    // Credentials: never cached by a proxy or the browser beyond their use.
    void reply.header('cache-control', 'no-store');
    return iceServersFor(config, request.userId, Date.now());
  });
}
