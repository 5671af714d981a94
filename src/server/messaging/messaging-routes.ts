import type { FastifyInstance } from 'fastify';
import { PresenceQuery } from '../../shared/http.ts';
import { LIMITS } from '../../shared/limits.ts';
import { Id } from '../../shared/model.ts';
import type { GatewayContext } from '../core/context.ts';
import { requireUser } from '../core/context.ts';
import { sendError } from '../http/http-errors.ts';
import { getPresence } from '../realtime/presence.ts';
import { userStats } from '../store/stats.ts';
import { attachmentRoutes } from './attachment-routes.ts';

/** `GET /api/stats`, `GET /api/presence?ids=`, and the attachment routes. */
export async function messagingRoutes(app: FastifyInstance, ctx: GatewayContext): Promise<void> {
  const preHandler = requireUser(ctx);

  app.get('/api/stats', { preHandler }, async (request) => userStats(ctx.redis, request.userId));

  app.get('/api/presence', { preHandler }, async (request, reply) => {
    const query = PresenceQuery.safeParse(request.query);
    if (!query.success) return sendError(reply, 'bad_request');
    const ids = [...new Set(query.data.ids.split(',').filter((id) => id !== ''))];
    if (ids.length > LIMITS.PARTICIPANTS_MAX * 4 || ids.some((id) => !Id.safeParse(id).success)) return sendError(reply, 'bad_request');
    return { presence: await getPresence(ctx.redis, ids) };
  });

  await attachmentRoutes(app, ctx);
}
