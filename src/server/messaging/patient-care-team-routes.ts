import type { FastifyInstance } from 'fastify';
import type { UserSummary } from '../../shared/model.ts';
import { PatientCareTeamQuery, type PatientCareTeamReply } from '../../shared/patient-http.ts';
import { isStaff } from '../../shared/policy.ts';
import { sendRateLimited } from '../abuse/abuse-limits.ts';
import type { GatewayCore } from '../core/context.ts';
import { sendError } from '../http/http-errors.ts';
import { mayLookUpPatients } from '../policy/directory.ts';
import { withStatuses } from '../store/availability.ts';
import { assignedStaff } from '../store/care-team.ts';
import { accountOfIns } from '../store/patient-ins.ts';
import { getSummaries, getUser } from '../store/users.ts';

/**
 * `GET /api/patients/care-team?ins=`: the staff an admin assigned to the patient whose account
 * carries this INS (store/patient-ins.ts), as directory entries, and the patient's display name — so
 * a clinic page's "conversation about this patient" can start one with their care team in one tap.
 *
 * Staff only (those whose directory lists patients, policy/directory.ts `mayLookUpPatients`); a
 * patient or an admin gets `role_forbidden`, before the INS is even read. An INS no patient account
 * carries answers the same shape with nobody (`{patient: null, staff: []}`): staff learn no more than
 * their directory shows them (every patient's name, never an INS). Counted by the abuse limits
 * (`careTeamLookup`), so a script cannot walk INS numbers. Not audited: nothing of a conversation is
 * read, and names typed in a search are not audited either.
 */
export async function patientCareTeamRoutes(app: FastifyInstance, ctx: GatewayCore): Promise<void> {
  app.get('/api/patients/care-team', { preHandler: ctx.requireUser }, async (request, reply) => {
    const { userId } = request;
    if (!(await mayLookUpPatients(ctx.redis, userId))) return sendError(reply, 'role_forbidden');
    const query = PatientCareTeamQuery.safeParse(request.query);
    if (!query.success) return sendError(reply, 'bad_request');
    const { allowed, retryAfterMs } = await ctx.limits.takeForUser('careTeamLookup', userId);
    if (allowed === 0) return sendRateLimited(reply, retryAfterMs);

    const nobody: PatientCareTeamReply = { patient: null, staff: [] };
    const patientId = await accountOfIns(ctx.redis, query.data.ins);
    const patient = patientId === null ? null : await getUser(ctx.redis, patientId);
    if (patient === null || patient.role !== 'patient') return nobody;
    const summaries = await getSummaries(ctx.redis, await assignedStaff(ctx.redis, patient.id));
    const staff = summaries
      .filter((entry): entry is UserSummary => entry !== null && entry.deleted !== true && isStaff(entry.role))
      .sort((a, b) => a.displayName.localeCompare(b.displayName, 'fr'));
    return { patient: { displayName: patient.displayName }, staff: await withStatuses(ctx.redis, staff) } satisfies PatientCareTeamReply;
  });
}
