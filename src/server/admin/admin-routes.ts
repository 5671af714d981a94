import type { FastifyInstance } from 'fastify';
import { Id } from '../../shared/model.ts';
import { announceSessionsEnded } from '../realtime/live-bus.ts';
import type { GatewayCore } from '../core/context.ts';
import { sendError } from '../http/http-errors.ts';
import { revokeUserSessions } from '../auth/sessions.ts';
import { createUser, getUser, listAccounts, setDisabled } from '../store/users.ts';
import { accountRoutes } from './account-routes.ts';
import { settingsRoutes } from './settings-routes.ts';
import { ssoLinkRoutes } from './sso-link-routes.ts';
import { createRequireAdmin } from './require-admin.ts';
import { AuditQuery, NewAccountBody } from '../../shared/http.ts';
import { auditCsv, searchAudit } from '../audit/audit-export.ts';
import { issueActivationCode, UNUSABLE_PASSWORD } from '../auth/activation.ts';
import { clearTwoFactor } from '../auth/two-factor.ts';

/**
 * The admins' HTTP surface (scripts may use it too): `GET /api/admin/users`, `POST /api/admin/users`
 * (a new account and its one-time activation code), `POST /api/admin/users/:id/reset` (a new code, the
 * password unusable meanwhile), `POST /api/admin/users/:id/disable`, `POST /api/admin/users/:id/enable`. Everyone else gets 403
 * `role_forbidden`. Disabling ends every session of the account and closes its sockets on every
 * gateway (the bus); its sign-ins answer `account_disabled` until it is enabled again. Each change
 * is an audit entry.
 */
export async function adminRoutes(app: FastifyInstance, ctx: GatewayCore): Promise<void> {
  const requireAdmin = createRequireAdmin(ctx);
  const preHandler = ctx.requireUser;
  await accountRoutes(app, ctx, requireAdmin);
  await settingsRoutes(app, ctx, requireAdmin);
  await ssoLinkRoutes(app, ctx, requireAdmin);

  app.get('/api/admin/users', { preHandler }, async (request, reply) => {
    if (!(await requireAdmin(request, reply))) return reply;
    return { users: await listAccounts(ctx.redis) };
  });

  app.post('/api/admin/users', { preHandler }, async (request, reply) => {
    if (!(await requireAdmin(request, reply))) return reply;
    const body = NewAccountBody.safeParse(request.body);
    if (!body.success) return sendError(reply, 'bad_request');
    const created = await createUser(ctx.redis, { ...body.data, passwordHash: UNUSABLE_PASSWORD });
    if (!created.ok) return sendError(reply, 'username_taken');
    const activation = await issueActivationCode(ctx.redis, created.user.id);
    await ctx.audit.record({ action: 'admin.user_created', actor: request.userId, target: created.user.id });
    return reply.code(201).send({ user: created.user, ...activation });
  });

  app.get('/api/admin/audit', { preHandler }, async (request, reply) => {
    if (!(await requireAdmin(request, reply))) return reply;
    const query = AuditQuery.safeParse(request.query);
    if (!query.success) return sendError(reply, 'bad_request');
    const found = await searchAudit(ctx.redis, query.data);
    const filters = Object.entries(query.data).map(([key, value]) => `${key}=${value}`).join('&');
    await ctx.audit.record({ action: 'audit.exported', actor: request.userId, target: filters.slice(0, 200) });
    if (query.data.format !== 'csv') return found;
    void reply.header('cache-control', 'no-store').header('content-disposition', 'attachment; filename="relais-audit.csv"');
    return reply.type('text/csv; charset=utf-8').send(auditCsv(found.entries));
  });

  app.post('/api/admin/users/:id/reset', { preHandler }, async (request, reply) => {
    if (!(await requireAdmin(request, reply))) return reply;
    const { id } = request.params as { id: string };
    if (!Id.safeParse(id).success || (await getUser(ctx.redis, id)) === null) return sendError(reply, 'user_not_found');
    const activation = await issueActivationCode(ctx.redis, id);
    await clearTwoFactor(ctx.redis, id); // the person may have lost their phone too: they enrol again
    await ctx.audit.record({ action: 'admin.password_reset', actor: request.userId, target: id });
    return activation;
  });

  for (const action of ['disable', 'enable'] as const) {
    app.post(`/api/admin/users/:id/${action}`, { preHandler }, async (request, reply) => {
      if (!(await requireAdmin(request, reply))) return reply;
      const { id } = request.params as { id: string };
      if (id === request.userId) return sendError(reply, 'forbidden', 'An admin does not disable their own account');
      if (!Id.safeParse(id).success || !(await setDisabled(ctx.redis, id, action === 'disable'))) return sendError(reply, 'user_not_found');
      if (action === 'disable') await announceSessionsEnded(ctx.redis, await revokeUserSessions(ctx.redis, id, 'account_closed'));
      await ctx.audit.record({ action: action === 'disable' ? 'admin.user_disabled' : 'admin.user_enabled', actor: request.userId, target: id });
      return reply.code(204).send();
    });
  }
}
