import type { FastifyInstance } from 'fastify';
import { PresenceQuery } from '../../shared/http.ts';
import { LIMITS } from '../../shared/limits.ts';
import { Id } from '../../shared/model.ts';
import type { GatewayCore } from '../core/context.ts';
import { sendError } from '../http/http-errors.ts';
import { presenceSeenBy } from './presence.ts';

/**
 * `GET /api/presence?ids=`: online, away or offline (with last seen) for each user asked about who
 * shares a conversation with the caller; anyone else answers as an unknown id (offline, never seen).
 */
export async function presenceRoutes(app: FastifyInstance, ctx: GatewayCore): Promise<void> {
  app.get('/api/presence', { preHandler: ctx.requireUser }, async (request, reply) => {
    const query = PresenceQuery.safeParse(request.query);
    if (!query.success) return sendError(reply, 'bad_request');
    const ids = [...new Set(query.data.ids.split(',').filter((id) => id !== ''))];
    if (ids.length > LIMITS.PARTICIPANTS_MAX * 4 || ids.some((id) => !Id.safeParse(id).success)) return sendError(reply, 'bad_request');
    return { presence: await presenceSeenBy(ctx.redis, request.userId, ids) };
  });
}
