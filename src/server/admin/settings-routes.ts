import type { FastifyInstance } from 'fastify';
import { ClinicSettings } from '../../shared/admin-http.ts';
import type { GatewayCore } from '../core/context.ts';
import { sendError } from '../http/http-errors.ts';
import type { RequireAdmin } from './require-admin.ts';

/**
 * `GET /api/admin/settings` (the settings in force) and `PUT /api/admin/settings` (a whole new set,
 * strict; applied here at once and on the other gateways at their next refresh: clinic-settings.ts).
 * A change is recorded as `admin.settings_changed` with the names of the settings that changed.
 */
export async function settingsRoutes(app: FastifyInstance, ctx: GatewayCore, requireAdmin: RequireAdmin): Promise<void> {
  const preHandler = ctx.requireUser;

  app.get('/api/admin/settings', { preHandler }, async (request, reply) => {
    if (!(await requireAdmin(request, reply))) return reply;
    await ctx.settings.refresh();
    return { settings: ctx.settings.current() };
  });

  app.put('/api/admin/settings', { preHandler }, async (request, reply) => {
    if (!(await requireAdmin(request, reply))) return reply;
    const next = ClinicSettings.safeParse(request.body);
    if (!next.success) return sendError(reply, 'bad_request');
    await ctx.settings.refresh();
    const before = ctx.settings.current();
    await ctx.settings.save(next.data);
    const changed = (Object.keys(next.data) as (keyof ClinicSettings)[]).filter((name) => before[name] !== next.data[name]);
    if (changed.length > 0) await ctx.audit.record({ action: 'admin.settings_changed', actor: request.userId, detail: changed.join(',') });
    return { settings: ctx.settings.current() };
  });
}
