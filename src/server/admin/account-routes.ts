import type { FastifyInstance } from 'fastify';
import { AccountChangeBody } from '../../shared/admin-http.ts';
import { Id, type Role } from '../../shared/model.ts';
import { isStaff } from '../../shared/policy.ts';
import { DEVICE_ID, deviceId, listDevices, signOutDevices } from '../auth/devices.ts';
import type { GatewayCore } from '../core/context.ts';
import { sendError } from '../http/http-errors.ts';
import { eraseAccount } from '../store/account-erasure.ts';
import { KEYS } from '../store/keys.ts';
import { setIns } from '../store/patient-ins.ts';
import { getUser, listAccounts, updateAccount } from '../store/users.ts';
import type { RequireAdmin } from './require-admin.ts';

/**
 * What an admin does to one account besides creating, resetting, disabling it (admin-routes.ts):
 * `PATCH /api/admin/users/:id` (name, role, service, job title, a patient's INS: store/patient-ins.ts), `GET /api/admin/users/:id/devices`,
 * `DELETE /api/admin/devices/:deviceId` (that session ends, its sockets close on every gateway),
 * `DELETE /api/admin/users/:id` (store/account-erasure.ts). Each is an audit entry.
 *
 * Role changes keep the policy's invariants (docs/ARCHITECTURE.md, "Accounts"): an admin is never a
 * conversation's participant, and what a patient sees is cut by their role. So a change that moves
 * an account between the kinds admin / patient / staff is refused with `role_change_refused` while
 * the account is in a conversation; between staff roles (doctor, nurse, secretary) it always applies.
 * The role is read from the store at each request and frame (policy/), never cached with a session,
 * so the new role holds at once for the person's live sessions on every gateway.
 */

/** The kind of account a role makes: a change of kind is what the invariants restrict. */
function kindOf(role: Role): 'admin' | 'patient' | 'staff' {
  return role === 'admin' ? 'admin' : isStaff(role) ? 'staff' : 'patient';
}

export async function accountRoutes(app: FastifyInstance, ctx: GatewayCore, requireAdmin: RequireAdmin): Promise<void> {
  const preHandler = ctx.requireUser;
  const endSessions = async (actor: string, keys: string[]): Promise<void> => {
    for (const key of keys) ctx.sessionHints.forget(key);
    ctx.live.publishSessionsEnded(keys);
    for (const key of keys) await ctx.audit.record({ action: 'session.revoked', actor, target: deviceId(key) });
  };

  app.patch('/api/admin/users/:id', { preHandler }, async (request, reply) => {
    if (!(await requireAdmin(request, reply))) return reply;
    const { id } = request.params as { id: string };
    if (!Id.safeParse(id).success) return sendError(reply, 'user_not_found');
    const change = AccountChangeBody.safeParse(request.body);
    if (!change.success) return sendError(reply, 'bad_request');
    const current = await getUser(ctx.redis, id);
    if (current === null) return sendError(reply, 'user_not_found');
    const { role } = change.data;
    if (role !== undefined && role !== current.role) {
      if (id === request.userId) return sendError(reply, 'forbidden', 'An admin does not change their own role');
      if (kindOf(role) !== kindOf(current.role) && (await ctx.redis.scard(KEYS.userConvs(id))) > 0) {
        return sendError(reply, 'role_change_refused');
      }
    }
    const { ins, ...profileChange } = change.data;
    // A patient's INS: only on a patient account (one that stops being a patient loses it), unique.
    const patient = (role ?? current.role) === 'patient';
    if (ins && !patient) return sendError(reply, 'bad_request', 'An INS is carried by a patient account');
    const insChange = ins !== undefined || !patient ? await setIns(ctx.redis, id, ins && patient ? ins : null) : null;
    if (insChange?.ok === false) return reply.code(409).send({ error: { code: insChange.code, message: 'This INS is carried by another account' } });
    const updated = await updateAccount(ctx.redis, id, profileChange);
    if (updated === null) return sendError(reply, 'user_not_found');
    const { before, after } = updated;
    const fields: string[] = (['displayName', 'service', 'jobTitle'] as const).filter((field) => before[field] !== after[field]);
    // The INS is recorded as the trail records a conversation's patient context: `patientId`.
    const insPatient = insChange?.changed ? { patientId: (ins || insChange.previous) ?? '' } : null;
    if (insPatient?.patientId) fields.push('ins');
    if (fields.length > 0) {
      await ctx.audit.record({ action: 'admin.user_updated', actor: request.userId, target: id, detail: fields.join(','), ...(insPatient?.patientId ? insPatient : {}) });
    }
    if (before.role !== after.role) await ctx.audit.record({ action: 'admin.role_changed', actor: request.userId, target: id, detail: `${before.role}>${after.role}` });
    const account = (await listAccounts(ctx.redis)).find((entry) => entry.id === id);
    return { user: account ?? after };
  });

  app.get('/api/admin/users/:id/devices', { preHandler }, async (request, reply) => {
    if (!(await requireAdmin(request, reply))) return reply;
    const { id } = request.params as { id: string };
    if (!Id.safeParse(id).success || (await getUser(ctx.redis, id)) === null) return sendError(reply, 'user_not_found');
    return { devices: await listDevices(ctx.redis, id, null) };
  });

  app.delete('/api/admin/devices/:deviceId', { preHandler }, async (request, reply) => {
    if (!(await requireAdmin(request, reply))) return reply;
    const { deviceId: wanted } = request.params as { deviceId: string };
    if (!DEVICE_ID.test(wanted)) return sendError(reply, 'not_found');
    // Device ids are digests of session keys: the owner is found among the accounts' devices.
    for (const account of await listAccounts(ctx.redis)) {
      const keys = await signOutDevices(ctx.redis, account.id, (key) => deviceId(key) === wanted);
      if (keys.length === 0) continue;
      await endSessions(request.userId, keys);
      return reply.code(204).send();
    }
    return sendError(reply, 'not_found');
  });

  app.delete('/api/admin/users/:id', { preHandler }, async (request, reply) => {
    if (!(await requireAdmin(request, reply))) return reply;
    const { id } = request.params as { id: string };
    if (id === request.userId) return sendError(reply, 'forbidden', 'An admin does not delete their own account');
    if (!Id.safeParse(id).success) return sendError(reply, 'user_not_found');
    const erased = await eraseAccount(ctx.redis, id);
    if (erased === null) return sendError(reply, 'user_not_found');
    await endSessions(request.userId, erased.sessionKeys);
    await ctx.audit.record({ action: 'admin.user_deleted', actor: request.userId, target: id });
    return reply.code(204).send();
  });
}
