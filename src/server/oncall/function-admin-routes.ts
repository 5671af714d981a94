import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { newId } from '../../shared/ids.ts';
import { Id } from '../../shared/model.ts';
import {
  FunctionChangeBody,
  LadderBody,
  NewFunctionBody,
  NewOverrideBody,
  PatternBody,
  ROTA_LIMITS,
  type FunctionDetailReply,
  type OncallFunction,
} from '../../shared/oncall.ts';
import { createRequireAdmin } from '../admin/require-admin.ts';
import type { GatewayCore } from '../core/context.ts';
import { sendError } from '../http/http-errors.ts';
import {
  addOverride,
  countFunctions,
  deleteFunction,
  getFunction,
  listFunctions,
  pruneRota,
  readLadder,
  readRota,
  removeOverride,
  saveFunction,
  saveLadder,
  savePattern,
} from '../store/functions.ts';
import { entriesOf, functionEntries, mayHold } from './function-entries.ts';
import type { PassUrgent } from './urgent-handover.ts';
import { holdingAt, overlappingSlots } from './rota.ts';

/**
 * The admins' surface of function roles (docs/ARCHITECTURE.md, "Function roles and the on-call
 * rota"): `GET|POST /api/admin/functions`, `GET|PATCH|DELETE /api/admin/functions/:id`, `PUT
 * /api/admin/functions/:id/pattern`, `POST /api/admin/functions/:id/overrides`, `DELETE
 * /api/admin/functions/:id/overrides/:overrideId`, `PUT /api/admin/functions/:id/ladder` (its escalation
 * ladder, oncall/ladder.ts: the staff and functions it names must exist). Everyone but an admin: 403 `role_forbidden` (and
 * `two_factor_required`, as every admin route). An unknown function: 404 `not_found`; a holder who
 * may not hold it (unknown, deleted, disabled, of another role): 404 `user_not_found`; slots that
 * overlap, an override out of range, a bound passed: 400 `bad_request` (the shell's catalogue has
 * no room for a code of its own: the console explains these). Each change is audited with ids and
 * the function's name only. An override that changes who holds the function now passes its open
 * urgent conversations to the new holder (`passUrgent`, oncall/urgent-handover.ts).
 */
export async function functionAdminRoutes(app: FastifyInstance, ctx: GatewayCore, now: () => number, passUrgent: PassUrgent): Promise<void> {
  const requireAdmin = createRequireAdmin(ctx);
  const preHandler = ctx.requireUser;

  /** The function the route names, or null with 404 sent. */
  const functionOf = async (request: FastifyRequest, reply: FastifyReply): Promise<OncallFunction | null> => {
    const { id } = request.params as { id: string };
    const found = Id.safeParse(id).success ? await getFunction(ctx.redis, id) : null;
    if (found === null) await sendError(reply, 'not_found');
    return found;
  };

  const detailOf = async (definition: OncallFunction): Promise<FunctionDetailReply> => {
    const at = now();
    const [rota, ladder] = await Promise.all([readRota(ctx.redis, definition.id), readLadder(ctx.redis, definition.id)]);
    const [entry] = await entriesOf(ctx.redis, [definition], [rota], at);
    const sortByStart = <T extends { from: number }>(list: readonly T[]) => [...list].sort((a, b) => a.from - b.from);
    return {
      function: entry!,
      slots: [...rota.slots],
      overrides: sortByStart(rota.overrides.filter((o) => o.to > at)),
      handovers: sortByStart(rota.handovers.filter((h) => h.until > at)),
      ladder,
    };
  };

  app.get('/api/admin/functions', { preHandler }, async (request, reply) => {
    if (!(await requireAdmin(request, reply))) return reply;
    return { functions: await functionEntries(ctx.redis, await listFunctions(ctx.redis), now()) };
  });

  app.post('/api/admin/functions', { preHandler }, async (request, reply) => {
    if (!(await requireAdmin(request, reply))) return reply;
    const body = NewFunctionBody.safeParse(request.body);
    if (!body.success) return sendError(reply, 'bad_request');
    if ((await countFunctions(ctx.redis)) >= ROTA_LIMITS.FUNCTIONS_MAX) return sendError(reply, 'bad_request', 'too many functions');
    const { name, service, eligibleRoles } = body.data;
    const definition: OncallFunction = { id: newId(), name, ...(service ? { service } : {}), eligibleRoles: [...new Set(eligibleRoles)] };
    await saveFunction(ctx.redis, definition);
    await ctx.audit.record({ action: 'function.created', actor: request.userId, target: definition.id, detail: definition.name });
    return reply.code(201).send(await detailOf(definition));
  });

  app.get('/api/admin/functions/:id', { preHandler }, async (request, reply) => {
    if (!(await requireAdmin(request, reply))) return reply;
    const definition = await functionOf(request, reply);
    if (definition === null) return reply;
    return detailOf(definition);
  });

  app.patch('/api/admin/functions/:id', { preHandler }, async (request, reply) => {
    if (!(await requireAdmin(request, reply))) return reply;
    const definition = await functionOf(request, reply);
    if (definition === null) return reply;
    const body = FunctionChangeBody.safeParse(request.body);
    if (!body.success) return sendError(reply, 'bad_request');
    const { name, service, eligibleRoles } = body.data;
    const next: OncallFunction = { ...definition, ...(name !== undefined ? { name } : {}), ...(eligibleRoles ? { eligibleRoles: [...new Set(eligibleRoles)] } : {}) };
    if (service !== undefined) {
      if (service === '') delete next.service;
      else next.service = service;
    }
    if (eligibleRoles) {
      // Narrowing the roles may not leave a planned holder who can no longer hold it.
      const rota = await readRota(ctx.redis, definition.id);
      const named = [...rota.slots.map((s) => s.userId), ...rota.overrides.filter((o) => o.to > now()).map((o) => o.userId)];
      if (!(await mayHold(ctx.redis, next.eligibleRoles, named))) return sendError(reply, 'user_not_found', 'a planned holder is not eligible');
    }
    await saveFunction(ctx.redis, next);
    const changed = (['name', 'service', 'eligibleRoles'] as const).filter((field) => JSON.stringify(definition[field]) !== JSON.stringify(next[field]));
    if (changed.length > 0) await ctx.audit.record({ action: 'function.updated', actor: request.userId, target: next.id, detail: changed.join(',') });
    return detailOf(next);
  });

  app.delete('/api/admin/functions/:id', { preHandler }, async (request, reply) => {
    if (!(await requireAdmin(request, reply))) return reply;
    const definition = await functionOf(request, reply);
    if (definition === null) return reply;
    if (!(await deleteFunction(ctx.redis, definition.id))) return sendError(reply, 'not_found');
    await ctx.audit.record({ action: 'function.deleted', actor: request.userId, target: definition.id, detail: definition.name });
    return reply.code(204).send();
  });

  app.put('/api/admin/functions/:id/pattern', { preHandler }, async (request, reply) => {
    if (!(await requireAdmin(request, reply))) return reply;
    const definition = await functionOf(request, reply);
    if (definition === null) return reply;
    const body = PatternBody.safeParse(request.body);
    if (!body.success) return sendError(reply, 'bad_request');
    const slots = [...body.data.slots].sort((a, b) => a.day - b.day || a.start.localeCompare(b.start));
    if (overlappingSlots(slots) !== null) return sendError(reply, 'bad_request', 'slots overlap');
    const holders = [...new Set(slots.map((s) => s.userId))];
    if (!(await mayHold(ctx.redis, definition.eligibleRoles, holders))) return sendError(reply, 'user_not_found', 'a holder is not eligible');
    await savePattern(ctx.redis, definition.id, slots);
    await ctx.audit.record({ action: 'rota.changed', actor: request.userId, target: definition.id, detail: 'pattern', userIds: holders });
    return detailOf(definition);
  });

  app.post('/api/admin/functions/:id/overrides', { preHandler }, async (request, reply) => {
    if (!(await requireAdmin(request, reply))) return reply;
    const definition = await functionOf(request, reply);
    if (definition === null) return reply;
    const body = NewOverrideBody.safeParse(request.body);
    if (!body.success) return sendError(reply, 'bad_request');
    const { from, to, userId } = body.data;
    const at = now();
    if (to <= from || to <= at || to - from > ROTA_LIMITS.OVERRIDE_MAX_MS) return sendError(reply, 'bad_request', 'override out of range');
    if (!(await mayHold(ctx.redis, definition.eligibleRoles, [userId]))) return sendError(reply, 'user_not_found', 'the holder is not eligible');
    if ((await pruneRota(ctx.redis, definition.id, at)) >= ROTA_LIMITS.OVERRIDES_MAX) return sendError(reply, 'bad_request', 'too many overrides');
    const before = holdingAt(await readRota(ctx.redis, definition.id), at).userId;
    const overrideId = newId(at);
    await addOverride(ctx.redis, definition.id, { id: overrideId, from, to, userId, createdAt: at });
    await ctx.audit.record({ action: 'rota.changed', actor: request.userId, target: definition.id, detail: 'override.added', userIds: [userId] });
    const after = holdingAt(await readRota(ctx.redis, definition.id), at).userId;
    if (after !== null && after !== before) await passUrgent({ functionId: definition.id, actorId: request.userId, now: at });
    return reply.code(201).send(await detailOf(definition));
  });

  app.delete('/api/admin/functions/:id/overrides/:overrideId', { preHandler }, async (request, reply) => {
    if (!(await requireAdmin(request, reply))) return reply;
    const definition = await functionOf(request, reply);
    if (definition === null) return reply;
    const { overrideId } = request.params as { overrideId: string };
    if (!Id.safeParse(overrideId).success || !(await removeOverride(ctx.redis, definition.id, overrideId))) return sendError(reply, 'not_found');
    await ctx.audit.record({ action: 'rota.changed', actor: request.userId, target: definition.id, detail: 'override.removed' });
    return reply.code(204).send();
  });

  app.put('/api/admin/functions/:id/ladder', { preHandler }, async (request, reply) => {
    if (!(await requireAdmin(request, reply))) return reply;
    const definition = await functionOf(request, reply);
    if (definition === null) return reply;
    const body = LadderBody.safeParse(request.body);
    if (!body.success) return sendError(reply, 'bad_request');
    const { steps } = body.data;
    const staff = [...new Set(steps.flatMap((step) => (step.target.kind === 'user' ? [step.target.userId] : [])))];
    const functions = [...new Set(steps.flatMap((step) => (step.target.kind === 'function' ? [step.target.functionId] : [])))];
    if (functions.includes(definition.id)) return sendError(reply, 'bad_request', 'a ladder step names its own function');
    for (const id of functions) if ((await getFunction(ctx.redis, id)) === null) return sendError(reply, 'not_found');
    if (!(await mayHold(ctx.redis, ['doctor', 'nurse', 'secretary'], staff))) return sendError(reply, 'user_not_found', 'a step names someone who may not be alerted');
    await saveLadder(ctx.redis, definition.id, steps);
    await ctx.audit.record({
      action: 'ladder.changed',
      actor: request.userId,
      target: definition.id,
      detail: steps.map((step) => step.afterMinutes).join(',') || 'none',
      userIds: staff,
    });
    return detailOf(definition);
  });
}
