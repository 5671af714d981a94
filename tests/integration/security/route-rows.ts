import { newId } from '../../../src/shared/ids.ts';
import { DEFAULT_PREFERENCES } from '../../../src/shared/push.ts';
import { ApiClient } from '../helpers.ts';
import { ACTORS, clientOf, upload, type Actor, type World } from './world.ts';
import { FUNCTION_ROWS } from './function-rows.ts';

/**
 * The authorization matrix of the HTTP routes: for every route the gateway registers, what each
 * actor gets. `code` is the error code of the answer, or of the one mutation of a push (a push
 * answers 200 with a code per item). `see` checks what the body reveals where the status alone
 * would not prove the door holds (a list must not name a conversation one is not in).
 */

export interface Outcome {
  status: number;
  code?: string;
}

type Answer = { status: number; body: unknown };

export interface RouteRow {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  /** The request path (for GET rows: the HEAD twin is sent there too). */
  path?(world: World): string;
  /** The request (default: `method` on `path`). */
  send?(world: World, actor: Actor): Promise<Answer>;
  expect: Record<Actor, Outcome>;
  see?(world: World, actor: Actor, body: unknown): void;
}

const OK = { status: 200 };
const NO_CONTENT = { status: 204 };
const UNAUTHENTICATED = { status: 401, code: 'unauthenticated' };
/** A disabled account's device is told why, so that it wipes its store (remote wipe). */
const ACCOUNT_CLOSED = { status: 401, code: 'account_closed' };
const ROLE_FORBIDDEN = { status: 403, code: 'role_forbidden' };

/**
 * Signed-in actors get `signedIn`, the anonymous and the revoked session 401 `unauthenticated`, the
 * disabled account's session 401 `account_closed`.
 */
function bySession(signedIn: Outcome): Record<Actor, Outcome> {
  return { member: signedIn, nonMember: signedIn, patient: signedIn, admin: signedIn, anonymous: UNAUTHENTICATED, revoked: UNAUTHENTICATED, disabled: ACCOUNT_CLOSED };
}

/** Members of the group (the member, the patient) get `inside`, other signed-in actors `outside`. */
function byMembership(inside: Outcome, outside: Outcome): Record<Actor, Outcome> {
  return { member: inside, patient: inside, nonMember: outside, admin: outside, anonymous: UNAUTHENTICATED, revoked: UNAUTHENTICATED, disabled: ACCOUNT_CLOSED };
}

function same(outcome: Outcome): Record<Actor, Outcome> {
  return Object.fromEntries(ACTORS.map((actor) => [actor, outcome])) as Record<Actor, Outcome>;
}

/** Sends `row` as `actor`. */
export function sendRow(row: RouteRow, world: World, actor: Actor): Promise<Answer> {
  if (row.send) return row.send(world, actor);
  return clientOf(world, actor).request(row.method, (row.path ?? (() => row.url))(world));
}

/**
 * A push of several mutations, each of which must have the same outcome (every kind a member may
 * write into the group answers the same door): reduced to that outcome, or to a 409 naming them all.
 */
async function pushEach(api: ApiClient, mutations: unknown[]): Promise<Answer> {
  const reply = await api.request('POST', '/api/sync/push', { body: { deviceId: 'matrix', mutations } });
  if (reply.status !== 200) return reply;
  const codes = (reply.body as { results: { ok: boolean; error?: { code: string } }[] }).results.map((r) => (r.ok ? 'ok' : r.error?.code));
  if (new Set(codes).size !== 1) return { status: 409, body: { error: { code: `differing outcomes: ${codes.join(', ')}` } } };
  return { status: 200, body: codes[0] === 'ok' ? {} : { error: { code: codes[0] } } };
}

/** A ringing call from the creator to the member, in their direct conversation. */
export async function ringingCall(world: World): Promise<{ callId: string; callerPartyId: string }> {
  const callId = newId();
  const callerPartyId = newId();
  world.creatorSocket.send({ type: 'call.invite', callId, conversationId: world.directId, calleeId: world.member.user.id, partyId: callerPartyId, video: false });
  await world.memberSocket.next((f) => f.type === 'call.incoming' && f.callId === callId);
  return { callId, callerPartyId };
}

/**
 * The creator hangs up, so the next row can call again: a call still ringing or active ends, and one
 * already over answers its end to the creator all the same.
 */
export async function endCall(world: World, call: { callId: string; callerPartyId: string }): Promise<void> {
  world.creatorSocket.send({ type: 'call.hangup', callId: call.callId, partyId: call.callerPartyId });
  await world.creatorSocket.next((f) => f.type === 'call.ended' && f.callId === call.callId);
}

const SUBSCRIPTION = {
  endpoint: 'https://push.example.invalid/send/matrix',
  keys: { p256dh: 'B'.repeat(87), auth: 'A'.repeat(22) },
};

export const ROUTE_ROWS: RouteRow[] = [
  { method: 'GET', url: '/healthz', path: () => '/healthz', expect: same(OK) },
  // Operators' routes: no session asked, none looked at. /metrics answers by network position (every
  // actor here calls from loopback; a remote caller needs METRICS_TOKEN: tests/integration/metrics/).
  { method: 'GET', url: '/readyz', path: () => '/readyz', expect: same(OK) },
  { method: 'GET', url: '/metrics', path: () => '/metrics', expect: same(OK) },
  {
    method: 'POST',
    url: '/api/auth/login',
    // A name of its own per actor: six failures on one account would slow its next sign-in down
    // (the logout row below signs the member in).
    send: (world, actor) => clientOf(world, actor).request('POST', '/api/auth/login', { body: { username: `inconnu.${actor}`, password: 'not-the-password' } }),
    expect: same({ status: 401, code: 'invalid_credentials' }),
  },
  {
    method: 'POST',
    url: '/api/auth/logout',
    // A session of its own for the signed-in actors (signing in ends the token a client presents, so
    // the actor's own session, which the other rows use, is not the one logged out).
    send: async (world, actor) => {
      if (actor === 'anonymous' || actor === 'revoked' || actor === 'disabled') {
        // The answer clears the cookie; the client keeps presenting its token, as a stolen one would be.
        const client = clientOf(world, actor);
        const token = client.cookie;
        const answer = await client.request('POST', '/api/auth/logout');
        client.cookie = token;
        return answer;
      }
      const own = new ApiClient(world.url);
      await own.login(world[actor].user.username);
      return own.request('POST', '/api/auth/logout');
    },
    expect: same(NO_CONTENT),
  },
  { method: 'GET', url: '/api/me', path: () => '/api/me', expect: bySession(OK) },
  // Single sign-on: public, and answered by a redirect to the sign-in screen with a code (never an error page).
  { method: 'GET', url: '/api/auth/methods', path: () => '/api/auth/methods', expect: same(OK) },
  {
    method: 'GET',
    url: '/api/auth/oidc/start',
    path: () => '/api/auth/oidc/start',
    send: (world, actor) => clientOf(world, actor).request('GET', '/api/auth/oidc/start', { redirect: 'manual' }),
    // The provider is unreachable here: back to the sign-in screen saying so.
    expect: same({ status: 303 }),
  },
  {
    method: 'GET',
    url: '/api/auth/oidc/callback',
    path: () => '/api/auth/oidc/callback?code=c&state=s',
    send: (world, actor) => clientOf(world, actor).request('GET', '/api/auth/oidc/callback?code=c&state=s', { redirect: 'manual' }),
    expect: same({ status: 303 }),
  },
  // Only a session the callback just opened is adopted: none of these is one.
  { method: 'POST', url: '/api/auth/oidc/session', path: () => '/api/auth/oidc/session', expect: { ...same(UNAUTHENTICATED), disabled: ACCOUNT_CLOSED } },
  {
    method: 'GET',
    url: '/api/auth/oidc/end-session',
    path: () => '/api/auth/oidc/end-session',
    expect: bySession(OK),
    // A password session has no provider to sign out of.
    see: (_world, actor, body) => {
      const signedIn = actor === 'member' || actor === 'nonMember' || actor === 'patient' || actor === 'admin';
      if (signedIn && (body as { url?: unknown } | null)?.url !== null) throw new Error(`end-session answered ${JSON.stringify(body)}`);
    },
  },
  { method: 'GET', url: '/api/me/devices', path: () => '/api/me/devices', expect: bySession(OK) },
  // The admins' routes: everyone else is refused; an unknown account answers as such to the admin.
  { method: 'GET', url: '/api/admin/settings', path: () => '/api/admin/settings', expect: { ...bySession(ROLE_FORBIDDEN), admin: OK } },
  {
    method: 'PUT',
    url: '/api/admin/settings',
    // The defaults' kind of values: the rows after this one see no difference.
    send: (world, actor) =>
      clientOf(world, actor).request('PUT', '/api/admin/settings', {
        body: { auditDays: 365, urgentReminderMinutes: 2, urgentReminderCount: 10, sessionIdleMinutes: 720, sessionMaxHours: 720, patientConversations: 'staff' },
      }),
    expect: { ...bySession(ROLE_FORBIDDEN), admin: OK },
  },
  {
    method: 'PATCH',
    url: '/api/admin/users/:id',
    send: (world, actor) => clientOf(world, actor).request('PATCH', `/api/admin/users/${newId()}`, { body: { service: 'Cardiologie' } }),
    expect: { ...bySession(ROLE_FORBIDDEN), admin: { status: 404, code: 'user_not_found' } },
  },
  {
    method: 'DELETE',
    url: '/api/admin/users/:id',
    send: (world, actor) => clientOf(world, actor).request('DELETE', `/api/admin/users/${newId()}`),
    expect: { ...bySession(ROLE_FORBIDDEN), admin: { status: 404, code: 'user_not_found' } },
  },
  {
    method: 'GET',
    url: '/api/admin/users/:id/devices',
    path: (world) => `/api/admin/users/${world.member.user.id}/devices`,
    expect: { ...bySession(ROLE_FORBIDDEN), admin: OK },
  },
  {
    method: 'DELETE',
    url: '/api/admin/devices/:deviceId',
    send: (world, actor) => clientOf(world, actor).request('DELETE', `/api/admin/devices/${'0'.repeat(24)}`),
    expect: { ...bySession(ROLE_FORBIDDEN), admin: { status: 404, code: 'not_found' } },
  },
  { method: 'GET', url: '/api/admin/users', path: () => '/api/admin/users', expect: { ...bySession(ROLE_FORBIDDEN), admin: OK } },
  { method: 'GET', url: '/api/admin/audit', path: () => '/api/admin/audit?action=auth.login', expect: { ...bySession(ROLE_FORBIDDEN), admin: OK } },
  {
    method: 'POST',
    url: '/api/admin/users',
    // A username no one has; the admin creates it (once: each actor's request is its own name).
    send: (world, actor) =>
      clientOf(world, actor).request('POST', '/api/admin/users', { body: { username: `matrice.${actor}.${newId().slice(-6)}`, displayName: 'Compte de test', role: 'nurse' } }),
    expect: { ...bySession(ROLE_FORBIDDEN), admin: { status: 201 } },
  },
  ...(['disable', 'enable', 'reset'] as const).map(
    (action): RouteRow => ({
      method: 'POST',
      url: `/api/admin/users/:id/${action}`,
      send: (world, actor) => clientOf(world, actor).request('POST', `/api/admin/users/${newId()}/${action}`),
      expect: { ...bySession(ROLE_FORBIDDEN), admin: { status: 404, code: 'user_not_found' } },
    }),
  ),
  // Care-team assignment (admin only), on the world's patient.
  {
    method: 'GET',
    url: '/api/admin/users/:id/care-team',
    path: (world) => `/api/admin/users/${world.patient.user.id}/care-team`,
    expect: { ...bySession(ROLE_FORBIDDEN), admin: OK },
  },
  {
    method: 'PUT',
    url: '/api/admin/users/:id/care-team',
    send: (world, actor) =>
      clientOf(world, actor).request('PUT', `/api/admin/users/${world.patient.user.id}/care-team`, { body: { staffIds: [world.creator.user.id] } }),
    expect: { ...bySession(ROLE_FORBIDDEN), admin: OK },
    see: (world, actor, body) => {
      if (actor !== 'admin') return;
      const ids = (body as { staff: { id: string }[] }).staff.map((s) => s.id);
      if (ids.join() !== world.creator.user.id) throw new Error(`care team answered ${ids.join()}`);
    },
  },
  // The account's link to the identity provider (single sign-on): admins only, the body checked first.
  {
    method: 'GET',
    url: '/api/admin/users/:id/sso-link',
    path: (world) => `/api/admin/users/${world.member.user.id}/sso-link`,
    expect: { ...bySession(ROLE_FORBIDDEN), admin: OK },
  },
  {
    method: 'PUT',
    url: '/api/admin/users/:id/sso-link',
    send: (world, actor) => clientOf(world, actor).request('PUT', `/api/admin/users/${world.member.user.id}/sso-link`, { body: { identifier: '810009999999' } }),
    expect: { ...bySession(ROLE_FORBIDDEN), admin: OK },
    see: (_world, actor, body) => {
      if (actor === 'admin' && (body as { identifier: string }).identifier !== '810009999999') throw new Error(`link answered ${JSON.stringify(body)}`);
    },
  },
  {
    method: 'DELETE',
    url: '/api/admin/users/:id/sso-link',
    path: (world) => `/api/admin/users/${world.member.user.id}/sso-link`,
    expect: { ...bySession(ROLE_FORBIDDEN), admin: OK },
  },
  // An availability status is a staff tool (policy.ts `status.set`).
  {
    method: 'PUT',
    url: '/api/me/status',
    send: (world, actor) => clientOf(world, actor).request('PUT', '/api/me/status', { body: { state: 'busy', message: 'Matrice' } }),
    expect: { ...bySession(OK), patient: ROLE_FORBIDDEN, admin: ROLE_FORBIDDEN },
  },
  { method: 'DELETE', url: '/api/me/status', path: () => '/api/me/status', expect: { ...bySession(NO_CONTENT), patient: ROLE_FORBIDDEN, admin: ROLE_FORBIDDEN } },
  // Each actor's own session is the only one its client holds: "all the others" ends none of the rows' sessions.
  { method: 'DELETE', url: '/api/me/devices', path: () => '/api/me/devices', expect: bySession(OK) },
  // Someone else's device (or none): the same answer, and nobody is signed out.
  { method: 'DELETE', url: '/api/me/devices/:id', path: () => '/api/me/devices/0123456789abcdef01234567', expect: bySession({ status: 404, code: 'not_found' }) },
  {
    method: 'POST',
    url: '/api/auth/activate',
    // Anyone may try, signed in or not; a wrong code is a refused sign-in.
    send: (world, actor) => clientOf(world, actor).request('POST', '/api/auth/activate', { body: { username: `inconnu.${actor}`, code: 'AAAA-BBBB-CCCC', password: 'un-mot-de-passe' } }),
    expect: same({ status: 401, code: 'invalid_credentials' }),
  },
  {
    method: 'POST',
    url: '/api/me/password',
    send: (world, actor) => clientOf(world, actor).request('POST', '/api/me/password', { body: { current: 'pas-le-mot-de-passe', password: 'un-autre-mot-de-passe' } }),
    expect: bySession({ status: 401, code: 'invalid_credentials' }),
  },
  // Two-factor sign-in, for every signed-in role: a secret offered (none of the actors has it on yet),
  // a wrong code refused, turning it off refused without the password (one failed attempt per actor).
  { method: 'POST', url: '/api/me/2fa/setup', path: () => '/api/me/2fa/setup', expect: bySession(OK) },
  {
    method: 'POST',
    url: '/api/me/2fa/enable',
    send: (world, actor) => clientOf(world, actor).request('POST', '/api/me/2fa/enable', { body: { code: 'AAAAA-AAAAA' } }),
    expect: bySession({ status: 401, code: 'otp_invalid' }),
  },
  {
    method: 'POST',
    url: '/api/me/2fa/disable',
    send: (world, actor) => clientOf(world, actor).request('POST', '/api/me/2fa/disable', { body: { password: 'pas-le-mot-de-passe', code: '123456' } }),
    expect: bySession({ status: 401, code: 'invalid_credentials' }),
  },
  { method: 'GET', url: '/api/users', path: () => '/api/users?q=a', expect: bySession(OK) },
  // A patient's care team by INS: staff only; an INS no account carries answers nobody, the same shape.
  {
    method: 'GET',
    url: '/api/patients/care-team',
    path: () => '/api/patients/care-team?ins=180017512345678',
    expect: { ...bySession(OK), patient: ROLE_FORBIDDEN, admin: ROLE_FORBIDDEN },
    see: (_world, actor, body) => {
      if (actor !== 'member' && actor !== 'nonMember') return;
      if (JSON.stringify(body) !== JSON.stringify({ patient: null, staff: [] })) throw new Error(`care team answered ${JSON.stringify(body)}`);
    },
  },
  {
    method: 'GET',
    url: '/api/conversations',
    path: () => '/api/conversations',
    expect: bySession(OK),
    see: (world, actor, body) => {
      const ids = ((body as { conversations?: { id: string }[] }).conversations ?? []).map((c) => c.id);
      if ((actor === 'nonMember' || actor === 'admin') && ids.includes(world.groupId)) throw new Error(`${actor} sees the group`);
    },
  },
  {
    method: 'GET',
    url: '/api/conversations/:id/messages',
    path: (world) => `/api/conversations/${world.groupId}/messages`,
    expect: byMembership(OK, { status: 404, code: 'conversation_not_found' }),
  },
  // The export to the patient record: staff members only; a patient of the group is refused by role.
  {
    method: 'GET',
    url: '/api/conversations/:id/export/fhir',
    path: (world) => `/api/conversations/${world.groupId}/export/fhir`,
    expect: { ...byMembership(OK, { status: 404, code: 'conversation_not_found' }), patient: ROLE_FORBIDDEN },
    see: (world, actor, body) => {
      if (actor === 'member' && (body as { resourceType?: string }).resourceType !== 'Bundle') throw new Error('the export is not a Bundle');
    },
  },
  {
    method: 'POST',
    url: '/api/sync/push',
    // A message, an acknowledgement of the creator's urgent message (`message.ack`), and an edit and
    // withdrawal of that message (`message.edit`, `message.redact`): each a member's own, the same
    // door for all; outside, each is the same not found (the message was never written either).
    send: (world, actor) => {
      const messageId = newId();
      return pushEach(clientOf(world, actor), [
        { id: messageId, kind: 'message.send', args: { conversationId: world.groupId, messageId, body: 'Vu.' } },
        { id: newId(), kind: 'message.ack', args: { conversationId: world.groupId, messageId: world.urgentId, claim: actor === 'patient' ? false : true } },
        { id: newId(), kind: 'message.edit', args: { conversationId: world.groupId, messageId, body: 'Vu, merci.' } },
        { id: newId(), kind: 'message.redact', args: { conversationId: world.groupId, messageId } },
      ]);
    },
    expect: byMembership(OK, { status: 200, code: 'conversation_not_found' }),
  },
  {
    method: 'GET',
    url: '/api/sync/pull',
    path: () => '/api/sync/pull',
    expect: bySession(OK),
    see: (world, actor, body) => {
      if (actor !== 'nonMember' && actor !== 'admin') return;
      if (JSON.stringify(body).includes(world.groupId)) throw new Error(`${actor} pulls a change of the group`);
    },
  },
  // Statistics are a staff tool (policy.ts): a patient and an admin (never in a conversation) are refused.
  { method: 'GET', url: '/api/stats', path: () => '/api/stats', expect: { ...bySession(OK), patient: ROLE_FORBIDDEN, admin: ROLE_FORBIDDEN } },
  // One's own urgent messages still unanswered: nobody sees another's (the member and the patient sent none).
  {
    method: 'GET',
    url: '/api/urgent/open',
    path: () => '/api/urgent/open',
    expect: bySession(OK),
    see: (world, actor, body) => {
      if (JSON.stringify(body).includes(world.urgentId)) throw new Error(`${actor} sees the creator's urgent message`);
    },
  },
  { method: 'GET', url: '/api/presence', path: (world) => `/api/presence?ids=${world.creator.user.id}`, expect: bySession(OK) },
  {
    method: 'POST',
    url: '/api/attachments',
    send: (world, actor) => upload(clientOf(world, actor), world.groupId),
    expect: byMembership(OK, { status: 404, code: 'conversation_not_found' }),
  },
  {
    method: 'GET',
    url: '/api/attachments/:conversationId/:id',
    path: (world) => `/api/attachments/${world.groupId}/${world.blobId}`,
    expect: byMembership(OK, { status: 404, code: 'attachment_not_found' }),
  },
  { method: 'GET', url: '/api/push/key', path: () => '/api/push/key', expect: bySession(OK) },
  {
    method: 'POST',
    url: '/api/push/subscription',
    send: (world, actor) => clientOf(world, actor).request('POST', '/api/push/subscription', { body: { deviceId: `matrix-${actor}`, subscription: SUBSCRIPTION } }),
    expect: bySession(NO_CONTENT),
  },
  {
    method: 'DELETE',
    url: '/api/push/subscription',
    send: (world, actor) => clientOf(world, actor).request('DELETE', '/api/push/subscription', { body: { deviceId: `matrix-${actor}` } }),
    expect: bySession(NO_CONTENT),
  },
  { method: 'GET', url: '/api/preferences', path: () => '/api/preferences', expect: bySession(OK) },
  {
    method: 'PUT',
    url: '/api/preferences',
    send: (world, actor) => clientOf(world, actor).request('PUT', '/api/preferences', { body: { preferences: DEFAULT_PREFERENCES } }),
    expect: bySession(OK),
  },
  { method: 'GET', url: '/api/calls/history', path: () => '/api/calls/history', expect: bySession(OK) },
  { method: 'GET', url: '/api/calls/stats', path: () => '/api/calls/stats', expect: { ...bySession(OK), patient: ROLE_FORBIDDEN, admin: ROLE_FORBIDDEN } },
  { method: 'GET', url: '/api/calls/ice-servers', path: () => '/api/calls/ice-servers', expect: bySession(OK) },
  {
    method: 'POST',
    url: '/api/calls/:callId/decline',
    // Only the callee may decline; anyone else learns nothing of the call.
    send: async (world, actor) => {
      const call = await ringingCall(world);
      const answer = await clientOf(world, actor).request('POST', `/api/calls/${call.callId}/decline`, { body: { partyId: newId() } });
      if (answer.status !== 204) await endCall(world, call);
      return answer;
    },
    expect: { ...byMembership(NO_CONTENT, { status: 404, code: 'call_not_found' }), patient: { status: 404, code: 'call_not_found' } },
  },
  // Function roles and the on-call rota (function-rows.ts).
  ...FUNCTION_ROWS,
];
