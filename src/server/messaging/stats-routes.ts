import type { FastifyInstance } from 'fastify';
import type { GatewayCore } from '../core/context.ts';
import { sendError } from '../http/http-errors.ts';
import { userCan } from '../policy/directory.ts';
import { userStats } from '../store/stats.ts';

/** `GET /api/stats`: the user's message statistics (staff only: policy.ts). */
export async function statsRoutes(app: FastifyInstance, ctx: GatewayCore): Promise<void> {
  app.get('/api/stats', { preHandler: ctx.requireUser }, async (request, reply) => {
    if (!(await userCan(ctx.redis, request.userId, 'stats.read'))) return sendError(reply, 'role_forbidden');
    return userStats(ctx.redis, request.userId);
  });
}
