import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SsoLinkBody } from '../../shared/admin-http.ts';
import { Id } from '../../shared/model.ts';
import { changeSsoLink, type LinkChange } from '../auth/sso/sso-link-change.ts';
import type { GatewayCore } from '../core/context.ts';
import { sendError } from '../http/http-errors.ts';
import { linkedIdentifier } from '../store/sso-links.ts';
import { getUser } from '../store/users.ts';
import type { RequireAdmin } from './require-admin.ts';

/**
 * The account's link to the identity provider (docs/ARCHITECTURE.md, "Single sign-on"), admins
 * only: `GET /api/admin/users/:id/sso-link` (`{identifier}`, null when unlinked), `PUT` `{identifier}`
 * (409 `sso_identifier_taken` when another account has it), `DELETE`. A change is audited
 * (`account.sso_linked` / `account.sso_unlinked`, the identifier itself never logged) and ends the
 * sessions the previous identifier opened (auth/sso/sso-link-change.ts).
 */
export async function ssoLinkRoutes(app: FastifyInstance, ctx: GatewayCore, requireAdmin: RequireAdmin): Promise<void> {
  const preHandler = ctx.requireUser;

  /** The account the route names, or an answer already sent. */
  const accountOf = async (request: FastifyRequest, reply: FastifyReply): Promise<string | null> => {
    const { id } = request.params as { id: string };
    if (Id.safeParse(id).success && (await getUser(ctx.redis, id)) !== null) return id;
    await sendError(reply, 'user_not_found');
    return null;
  };

  /** Audits a change that happened and answers the link as it stands. */
  const answer = async (request: FastifyRequest, reply: FastifyReply, userId: string, change: LinkChange): Promise<unknown> => {
    if (!change.ok) return sendError(reply, change.code, change.code === 'bad_request' ? 'A patient account is not linked to the identity provider' : undefined);
    if (change.after !== change.before) {
      const linked = change.after !== null;
      await ctx.audit.record({
        action: linked ? 'account.sso_linked' : 'account.sso_unlinked',
        actor: request.userId,
        target: userId,
        ...(linked && change.before !== null ? { detail: 'replaced' } : {}),
      });
      request.log.info({ userId, event: linked ? 'sso_linked' : 'sso_unlinked', endedSessions: change.endedSessions }, 'single sign-on link changed');
    }
    return { identifier: change.after };
  };

  app.get('/api/admin/users/:id/sso-link', { preHandler }, async (request, reply) => {
    if (!(await requireAdmin(request, reply))) return reply;
    const userId = await accountOf(request, reply);
    if (userId === null) return reply;
    return { identifier: await linkedIdentifier(ctx.redis, userId) };
  });

  app.put('/api/admin/users/:id/sso-link', { preHandler }, async (request, reply) => {
    if (!(await requireAdmin(request, reply))) return reply;
    const userId = await accountOf(request, reply);
    if (userId === null) return reply;
    const body = SsoLinkBody.safeParse(request.body);
    if (!body.success) return sendError(reply, 'bad_request');
    return answer(request, reply, userId, await changeSsoLink(ctx.redis, userId, body.data.identifier));
  });

  app.delete('/api/admin/users/:id/sso-link', { preHandler }, async (request, reply) => {
    if (!(await requireAdmin(request, reply))) return reply;
    const userId = await accountOf(request, reply);
    if (userId === null) return reply;
    return answer(request, reply, userId, await changeSsoLink(ctx.redis, userId, null));
  });
}
