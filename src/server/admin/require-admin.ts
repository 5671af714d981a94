import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayCore } from '../core/context.ts';
import { sendError } from '../http/http-errors.ts';
import { getUser } from '../store/users.ts';

/** Answers 403 `role_forbidden` (and false) unless the signed-in user is, right now, an admin. */
export type RequireAdmin = (request: FastifyRequest, reply: FastifyReply) => Promise<boolean>;

/** The admin check of every `/api/admin/` route: the role is read from the store at each request, so a role change applies at once on every gateway. */
export function createRequireAdmin(ctx: GatewayCore): RequireAdmin {
  return async (request, reply) => {
    if ((await getUser(ctx.redis, request.userId))?.role === 'admin') return true;
    await sendError(reply, 'role_forbidden');
    return false;
  };
}
