import type { FastifyInstance } from 'fastify';
import { newId } from '../../shared/ids.ts';
import { Id } from '../../shared/model.ts';
import { HandoverBody, ROTA_LIMITS } from '../../shared/oncall.ts';
import { createRequireAdmin } from '../admin/require-admin.ts';
import type { GatewayCore } from '../core/context.ts';
import { sendError } from '../http/http-errors.ts';
import { can } from '../policy/policy.ts';
import { addHandover, getFunction, listFunctions, pruneRota, readRota } from '../store/functions.ts';
import { getUser } from '../store/users.ts';
import { entriesOf, functionEntries, mayHold } from './function-entries.ts';
import type { PassUrgent } from './urgent-handover.ts';
import { holdingAt } from './rota.ts';

/** A handover with no end given, of a holding with no end ahead, lasts this long. */
const DEFAULT_HANDOVER_MS = 12 * 3_600_000;

/**
 * The staff's side of function roles: `GET /api/functions` (every function with who holds it now,
 * as a directory entry, and until when; policy `function.read`, so patients and admins get 403
 * `role_forbidden`) and `POST /api/functions/:id/handover` `{toUserId, until?}` (policy
 * `function.handover`: the current holder, who gets 403 `forbidden` otherwise, or an admin; the
 * recipient must be eligible staff, else 404 `user_not_found` as for anyone one may not reach; audited
 * `function.handover`), which passes the function's open urgent conversations to the recipient
 * (`passUrgent`, oncall/urgent-handover.ts). The clock is the gateway's (`now`), injected by tests.
 */
export async function functionRoutes(app: FastifyInstance, ctx: GatewayCore, now: () => number, passUrgent: PassUrgent): Promise<void> {
  const requireAdmin = createRequireAdmin(ctx);
  const preHandler = ctx.requireUser;

  app.get('/api/functions', { preHandler }, async (request, reply) => {
    const actor = await getUser(ctx.redis, request.userId);
    if (!can(actor?.role, 'function.read')) return sendError(reply, 'role_forbidden');
    return { functions: await functionEntries(ctx.redis, await listFunctions(ctx.redis), now()) };
  });

  app.post('/api/functions/:id/handover', { preHandler }, async (request, reply) => {
    const actor = await getUser(ctx.redis, request.userId);
    if (actor === null || !can(actor.role, 'function.handover')) return sendError(reply, 'role_forbidden');
    const asAdmin = actor.role === 'admin';
    if (asAdmin && !(await requireAdmin(request, reply))) return reply;
    const { id } = request.params as { id: string };
    const definition = Id.safeParse(id).success ? await getFunction(ctx.redis, id) : null;
    if (definition === null) return sendError(reply, 'not_found');
    const body = HandoverBody.safeParse(request.body);
    if (!body.success) return sendError(reply, 'bad_request');
    const at = now();
    const holding = holdingAt(await readRota(ctx.redis, definition.id), at);
    if (!asAdmin && holding.userId !== actor.id) return sendError(reply, 'forbidden', 'only the holder hands the function over');
    if (holding.userId === null) return sendError(reply, 'forbidden', 'nobody holds the function');
    const { toUserId } = body.data;
    if (toUserId === holding.userId) return sendError(reply, 'bad_request', 'the holder hands over to someone else');
    if (!(await mayHold(ctx.redis, definition.eligibleRoles, [toUserId]))) return sendError(reply, 'user_not_found', 'the recipient may not hold the function');
    const until = body.data.until ?? Math.min(holding.until ?? at + DEFAULT_HANDOVER_MS, at + ROTA_LIMITS.HANDOVER_MAX_MS);
    if (until <= at || until > at + ROTA_LIMITS.HANDOVER_MAX_MS) return sendError(reply, 'bad_request', 'until out of range');
    if ((await pruneRota(ctx.redis, definition.id, at)) >= ROTA_LIMITS.OVERRIDES_MAX) return sendError(reply, 'bad_request', 'too many handovers');
    const handoverId = newId(at);
    await addHandover(ctx.redis, definition.id, { id: handoverId, fromUserId: holding.userId, toUserId, from: at, until, createdAt: at });
    await ctx.audit.record({ action: 'function.handover', actor: actor.id, target: definition.id, userIds: [holding.userId, toUserId], detail: `until=${until}` });
    await passUrgent({ functionId: definition.id, actorId: actor.id, now: at });
    const [entry] = await entriesOf(ctx.redis, [definition], [await readRota(ctx.redis, definition.id)], at);
    return { function: entry };
  });
}
