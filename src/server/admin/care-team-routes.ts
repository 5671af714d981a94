import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CareTeamBody } from '../../shared/http.ts';
import { Id, type UserSummary } from '../../shared/model.ts';
import { isStaff } from '../../shared/policy.ts';
import type { GatewayCore } from '../core/context.ts';
import { sendError } from '../http/http-errors.ts';
import { assignedStaff, assignStaff } from '../store/care-team.ts';
import { getSummaries, getUser } from '../store/users.ts';

/**
 * Care-team assignment by an admin: `GET /api/admin/users/:id/care-team` (the staff assigned to the
 * patient) and `PUT /api/admin/users/:id/care-team` `{staffIds}` (replaces them; audited as
 * `admin.care_team_changed` with the ids added and removed). Everyone else gets 403 `role_forbidden`;
 * an account that is not a patient, or a staff id that is not staff, `care_team_invalid`. The
 * patient's care team is then these staff and those who share a conversation with them
 * (policy/directory.ts `careTeamOf`): whom they find in the directory and may write to.
 */
export async function careTeamRoutes(app: FastifyInstance, ctx: GatewayCore): Promise<void> {
  const requireAdmin = async (request: FastifyRequest, reply: FastifyReply): Promise<boolean> => {
    if ((await getUser(ctx.redis, request.userId))?.role === 'admin') return true;
    await sendError(reply, 'role_forbidden');
    return false;
  };
  const preHandler = ctx.requireUser;

  /** The patient the route names, or an answer already sent. */
  const patientOf = async (request: FastifyRequest, reply: FastifyReply): Promise<string | null> => {
    const { id } = request.params as { id: string };
    const patient = Id.safeParse(id).success ? await getUser(ctx.redis, id) : null;
    if (patient === null) {
      await sendError(reply, 'user_not_found');
      return null;
    }
    if (patient.role !== 'patient') {
      await sendError(reply, 'care_team_invalid');
      return null;
    }
    return patient.id;
  };

  const staffOf = async (patientId: string): Promise<UserSummary[]> => {
    const ids = await assignedStaff(ctx.redis, patientId);
    return (await getSummaries(ctx.redis, ids))
      .filter((summary): summary is UserSummary => summary !== null)
      .sort((a, b) => a.displayName.localeCompare(b.displayName, 'fr'));
  };

  app.get('/api/admin/users/:id/care-team', { preHandler }, async (request, reply) => {
    if (!(await requireAdmin(request, reply))) return reply;
    const patientId = await patientOf(request, reply);
    if (patientId === null) return reply;
    return { staff: await staffOf(patientId) };
  });

  app.put('/api/admin/users/:id/care-team', { preHandler }, async (request, reply) => {
    if (!(await requireAdmin(request, reply))) return reply;
    const patientId = await patientOf(request, reply);
    if (patientId === null) return reply;
    const body = CareTeamBody.safeParse(request.body);
    if (!body.success) return sendError(reply, 'bad_request');
    const staffIds = [...new Set(body.data.staffIds)];
    const summaries = await getSummaries(ctx.redis, staffIds);
    if (summaries.some((summary) => summary === null || !isStaff(summary.role))) return sendError(reply, 'care_team_invalid');
    const { added, removed } = await assignStaff(ctx.redis, patientId, staffIds);
    if (added.length > 0 || removed.length > 0) {
      await ctx.audit.record({ action: 'admin.care_team_changed', actor: request.userId, target: patientId, userIds: [...added, ...removed] });
    }
    return { staff: await staffOf(patientId) };
  });
}
