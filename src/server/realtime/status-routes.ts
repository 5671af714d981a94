import type { FastifyInstance } from 'fastify';
import { StatusBody, STATUS_UNTIL_MAX_MS } from '../../shared/http.ts';
import type { Availability } from '../../shared/model.ts';
import type { GatewayCore } from '../core/context.ts';
import { sendError } from '../http/http-errors.ts';
import { userCan } from '../policy/directory.ts';
import { clearStatus, setStatus } from '../store/availability.ts';
import { circleOf } from '../store/care-team.ts';

/**
 * The signed-in staff member's availability status: `PUT /api/me/status` sets it (until an optional
 * end, at most a week ahead), `DELETE /api/me/status` clears it. Each change goes live, on the
 * presence path, to the user's circle (who may see it: store/care-team.ts `circleOf`) and their own
 * devices, as a `{type: "status", userId, status}` frame (`status` null when cleared).
 */
export async function statusRoutes(app: FastifyInstance, ctx: GatewayCore): Promise<void> {
  const preHandler = ctx.requireUser;
  const announce = async (userId: string, status: Availability | null): Promise<void> => {
    const audience = await circleOf(ctx.redis, userId);
    audience.add(userId);
    ctx.live.publishFrame(userId, [...audience], JSON.stringify({ type: 'status', userId, status }));
  };

  app.put('/api/me/status', { preHandler }, async (request, reply) => {
    if (!(await userCan(ctx.redis, request.userId, 'status.set'))) return sendError(reply, 'role_forbidden');
    const body = StatusBody.safeParse(request.body);
    if (!body.success) return sendError(reply, 'bad_request');
    const now = Date.now();
    const { until } = body.data;
    if (until !== undefined && (until <= now || until > now + STATUS_UNTIL_MAX_MS)) return sendError(reply, 'bad_request', 'until out of range');
    const status: Availability = { state: body.data.state, ...(body.data.message ? { message: body.data.message } : {}), ...(until ? { until } : {}) };
    await setStatus(ctx.redis, request.userId, status, now);
    await announce(request.userId, status);
    return { status };
  });

  app.delete('/api/me/status', { preHandler }, async (request, reply) => {
    if (!(await userCan(ctx.redis, request.userId, 'status.set'))) return sendError(reply, 'role_forbidden');
    await clearStatus(ctx.redis, request.userId);
    await announce(request.userId, null);
    return reply.code(204).send();
  });
}
