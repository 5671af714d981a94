import type { RouteRow } from './route-rows.ts';
import { clientOf, type Actor, type World } from './world.ts';

/**
 * The authorization matrix's rows for function roles and the on-call rota (src/server/oncall/):
 * the admins' routes refuse everyone else; the staff list refuses patients and admins (policy
 * `function.read`); a handover is the holder's or an admin's (policy `function.handover`).
 */

const OK = { status: 200 };
const UNAUTHENTICATED = { status: 401, code: 'unauthenticated' };
const ACCOUNT_CLOSED = { status: 401, code: 'account_closed' };
const ROLE_FORBIDDEN = { status: 403, code: 'role_forbidden' };
const NOT_FOUND = { status: 404, code: 'not_found' };
/** No function has this id: an admin learns it is unknown, everyone else is refused before. */
const UNKNOWN = '0190a3c4-0000-7000-8000-0000000000f1';

/** Everyone signed in is refused by role, but the admin, who gets `admin`. */
function adminOnly(admin: { status: number; code?: string }): Record<Actor, { status: number; code?: string }> {
  return { member: ROLE_FORBIDDEN, nonMember: ROLE_FORBIDDEN, patient: ROLE_FORBIDDEN, admin, anonymous: UNAUTHENTICATED, revoked: UNAUTHENTICATED, disabled: ACCOUNT_CLOSED };
}

const heldFunctions = new WeakMap<World, Promise<string>>();

/** A function the world's member holds every hour of the week, made once per world by its admin. */
function heldByMember(world: World): Promise<string> {
  let made = heldFunctions.get(world);
  if (made === undefined) {
    made = (async () => {
      const admin = world.admin.api;
      const created = await admin.request('POST', '/api/admin/functions', { body: { name: 'Garde de la matrice', eligibleRoles: ['doctor'] } });
      const id = (created.body as { function: { id: string } }).function.id;
      const slots = [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, start: '00:00', end: '00:00', userId: world.member.user.id }));
      const pattern = await admin.request('PUT', `/api/admin/functions/${id}/pattern`, { body: { slots } });
      if (pattern.status !== 200) throw new Error(`matrix function not set up: ${pattern.status}`);
      return id;
    })();
    heldFunctions.set(world, made);
  }
  return made;
}

export const FUNCTION_ROWS: RouteRow[] = [
  { method: 'GET', url: '/api/admin/functions', path: () => '/api/admin/functions', expect: adminOnly(OK) },
  {
    method: 'POST',
    url: '/api/admin/functions',
    send: (world, actor) => clientOf(world, actor).request('POST', '/api/admin/functions', { body: { name: `Garde ${actor}`, eligibleRoles: ['nurse'] } }),
    expect: adminOnly({ status: 201 }),
  },
  { method: 'GET', url: '/api/admin/functions/:id', path: () => `/api/admin/functions/${UNKNOWN}`, expect: adminOnly(NOT_FOUND) },
  {
    method: 'PATCH',
    url: '/api/admin/functions/:id',
    send: (world, actor) => clientOf(world, actor).request('PATCH', `/api/admin/functions/${UNKNOWN}`, { body: { name: 'Garde' } }),
    expect: adminOnly(NOT_FOUND),
  },
  {
    method: 'DELETE',
    url: '/api/admin/functions/:id',
    send: (world, actor) => clientOf(world, actor).request('DELETE', `/api/admin/functions/${UNKNOWN}`),
    expect: adminOnly(NOT_FOUND),
  },
  {
    method: 'PUT',
    url: '/api/admin/functions/:id/pattern',
    send: (world, actor) => clientOf(world, actor).request('PUT', `/api/admin/functions/${UNKNOWN}/pattern`, { body: { slots: [] } }),
    expect: adminOnly(NOT_FOUND),
  },
  {
    method: 'POST',
    url: '/api/admin/functions/:id/overrides',
    // On the world's function: the admin plans the member for an hour tomorrow.
    send: async (world, actor) => {
      const id = await heldByMember(world);
      const from = Date.now() + 86_400_000;
      return clientOf(world, actor).request('POST', `/api/admin/functions/${id}/overrides`, { body: { from, to: from + 3_600_000, userId: world.member.user.id } });
    },
    expect: adminOnly({ status: 201 }),
  },
  {
    method: 'DELETE',
    url: '/api/admin/functions/:id/overrides/:overrideId',
    send: async (world, actor) => clientOf(world, actor).request('DELETE', `/api/admin/functions/${await heldByMember(world)}/overrides/${UNKNOWN}`),
    expect: adminOnly(NOT_FOUND),
  },
  {
    method: 'PUT',
    url: '/api/admin/functions/:id/ladder',
    // On the world's function: one step, the member alerted after 5 minutes.
    send: async (world, actor) => {
      const id = await heldByMember(world);
      return clientOf(world, actor).request('PUT', `/api/admin/functions/${id}/ladder`, { body: { steps: [{ afterMinutes: 5, target: { kind: 'user', userId: world.member.user.id } }] } });
    },
    expect: adminOnly(OK),
    see: (_world, actor, body) => {
      if (actor !== 'admin') return;
      const steps = (body as { ladder?: unknown[] }).ladder;
      if (steps?.length !== 1) throw new Error(`ladder answered ${JSON.stringify(steps)}`);
    },
  },
  {
    method: 'GET',
    url: '/api/functions',
    path: () => '/api/functions',
    expect: { member: OK, nonMember: OK, patient: ROLE_FORBIDDEN, admin: ROLE_FORBIDDEN, anonymous: UNAUTHENTICATED, revoked: UNAUTHENTICATED, disabled: ACCOUNT_CLOSED },
  },
  {
    method: 'POST',
    url: '/api/functions/:id/handover',
    // The member holds it and hands it to the creator; the non-member holds nothing; the admin hands it back to the member.
    send: async (world, actor) => {
      const id = await heldByMember(world);
      const toUserId = actor === 'admin' ? world.member.user.id : world.creator.user.id;
      return clientOf(world, actor).request('POST', `/api/functions/${id}/handover`, { body: { toUserId, until: Date.now() + 600_000 } });
    },
    expect: { member: OK, nonMember: { status: 403, code: 'forbidden' }, patient: ROLE_FORBIDDEN, admin: OK, anonymous: UNAUTHENTICATED, revoked: UNAUTHENTICATED, disabled: ACCOUNT_CLOSED },
    see: (world, actor, body) => {
      if (actor !== 'member') return;
      const holder = (body as { function?: { holder?: { id: string } } }).function?.holder?.id;
      if (holder !== world.creator.user.id) throw new Error(`handover answered holder ${holder}`);
    },
  },
];
