import type { FastifyReply, FastifyRequest } from 'fastify';
import { adminLacksTwoFactor } from '../auth/two-factor-routes.ts';
import type { GatewayCore } from '../core/context.ts';
import { sendError } from '../http/http-errors.ts';
import { getUser } from '../store/users.ts';

/** Answers 403 (and false) unless the signed-in user is, right now, an admin with their second factor. */
export type RequireAdmin = (request: FastifyRequest, reply: FastifyReply) => Promise<boolean>;

/**
 * The admin check of every `/api/admin/` route: `role_forbidden` for anyone but an admin,
 * `two_factor_required` for an admin who has not enrolled a second factor where it is required. The
 * role is read from the store at each request, so a role change applies at once on every gateway.
 */
export function createRequireAdmin(ctx: GatewayCore): RequireAdmin {
  return async (request, reply) => {
    const admin = (await getUser(ctx.redis, request.userId))?.role === 'admin';
    const lacksTwoFactor = admin && (await adminLacksTwoFactor(ctx, request.userId));
    if (admin && !lacksTwoFactor) return true;
    await sendError(reply, admin ? 'two_factor_required' : 'role_forbidden');
    return false;
  };
}
