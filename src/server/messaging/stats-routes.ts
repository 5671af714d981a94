import type { FastifyInstance } from 'fastify';
import type { GatewayCore } from '../core/context.ts';
import { userStats } from '../store/stats.ts';

/** `GET /api/stats`: the user's message statistics. */
export async function statsRoutes(app: FastifyInstance, ctx: GatewayCore): Promise<void> {
  app.get('/api/stats', { preHandler: ctx.requireUser }, async (request) => userStats(ctx.redis, request.userId));
}
