import fc from 'fast-check';
import * as z from 'zod/mini';
import { CallDeclineBody, CallHistoryQuery } from '../../../src/shared/calls.ts';
import { AccountChangeBody, ClinicSettings, SsoLinkBody } from '../../../src/shared/admin-http.ts';
import {
  ActivateBody,
  AuditQuery,
  CareTeamBody,
  HistoryQuery,
  LoginBody,
  NewAccountBody,
  OidcCallbackQuery,
  OidcStartQuery,
  PasswordChangeBody,
  PresenceQuery,
  PullQuery,
  PushBody,
  StatusBody,
  TwoFactorDisableBody,
  TwoFactorEnableBody,
  UsersQuery,
} from '../../../src/shared/http.ts';
import { BlobId, Id, SystemEvent } from '../../../src/shared/model.ts';
import { FunctionChangeBody, HandoverBody, NewFunctionBody, LadderBody, NewOverrideBody, PatternBody } from '../../../src/shared/oncall.ts';
import { MessageSendArgs, Mutation } from '../../../src/shared/mutations.ts';
import { PatientCareTeamQuery } from '../../../src/shared/patient-http.ts';
import { PreferencesBody, PushSubscribeBody, PushUnsubscribeBody } from '../../../src/shared/push.ts';
import { arbitraryOf, broken, jsonSchemaOf } from './arbitraries.ts';

/**
 * What the fuzz test sends to each HTTP route: a path (its parameters included), a query and a body,
 * drawn from the schema the route checks them with. `invalid` inputs fail that schema (the route must
 * refuse them and change nothing); `valid` ones pass it with hostile content (the route may act on
 * them, but never answer 5xx).
 */

export interface HttpInput {
  method: string;
  path: string;
  /** The raw body text (JSON, or deliberately not). */
  body?: string;
  contentType?: string;
}

interface Part {
  valid: fc.Arbitrary<unknown>;
  invalid: fc.Arbitrary<unknown>;
}

function part(schema: z.core.$ZodType): Part {
  const valid = arbitraryOf(jsonSchemaOf(schema));
  // Judged as the gateway receives it: JSON drops `undefined` fields, so a value invalid only
  // through one of them arrives valid.
  return { valid, invalid: broken(valid).filter((value) => !isValid(schema, asSent(value))) };
}

/**
 * The value after a JSON round trip (what a JSON body turns into on the other side). A long string
 * comes back as itself, so it crosses as a token instead: drawing the inputs spent most of its time
 * (18 of 33 s for the HTTP targets, `node --cpu-prof`) serialising and parsing the 2 MB strings.
 */
function asSent(value: unknown): unknown {
  const long: string[] = [];
  const text = JSON.stringify(value, (_key, field: unknown) => (typeof field === 'string' && field.length > LONG ? `${LONG_TOKEN}${long.push(field) - 1}` : field));
  if (text === undefined) return undefined;
  if (long.length === 0) return JSON.parse(text) as unknown;
  return JSON.parse(text, (_key, field: unknown) => (typeof field === 'string' && field.startsWith(LONG_TOKEN) ? long[Number(field.slice(LONG_TOKEN.length))] : field)) as unknown;
}
const LONG = 4_096;
const LONG_TOKEN = '\u0000relais-long:';

function isValid(schema: z.core.$ZodType, value: unknown): boolean {
  return z.safeParse(schema, value).success;
}

/** Path parameters: ids, and strings that only pretend to be. */
const pathParam = fc.oneof(
  fc.uuid({ version: 7 }),
  fc.constantFrom('__proto__', '..%2F..%2Fetc%2Fpasswd', '%00', 'a'.repeat(5_000), '%F0%9F%A9%BA', 'constructor', '-1', 'null'),
  fc.string({ minLength: 1, maxLength: 40 }).map(encode),
);

/** encodeURIComponent of any string (a lone surrogate becomes U+FFFD instead of throwing). */
function encode(text: string | undefined): string {
  const plain = text ?? '';
  if (plain.length <= LONG) return encodeURIComponent(plain.toWellFormed());
  // The few long strings the arbitraries make (4 in a run) come back again and again: encoded once each.
  let encoded = encodedLong.get(plain);
  if (encoded === undefined) {
    encoded = encodeURIComponent(plain.toWellFormed());
    if (encodedLong.size < 32) encodedLong.set(plain, encoded);
  }
  return encoded;
}
const encodedLong = new Map<string, string>();

function query(value: unknown): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `?q=${encode(JSON.stringify(value))}`;
  const entries = Object.entries(value).map(([key, field]) => `${encode(key)}=${encode(typeof field === 'string' ? field : JSON.stringify(field))}`);
  return entries.length > 0 ? `?${entries.join('&')}` : '';
}

/** A JSON body, or now and then a body that is not JSON at all. */
function jsonBody(value: unknown): fc.Arbitrary<Pick<HttpInput, 'body' | 'contentType'>> {
  return fc.oneof(
    { weight: 9, arbitrary: fc.constant({ body: JSON.stringify(value) ?? 'null' }) },
    { weight: 1, arbitrary: fc.constantFrom({ body: '{"a":', contentType: 'application/json' }, { body: 'x=1', contentType: 'text/plain' }, { body: '<x/>', contentType: 'application/xml' }) },
  );
}

type Target = (kind: 'valid' | 'invalid') => fc.Arbitrary<HttpInput>;

function withBody(method: string, path: string, schema: z.core.$ZodType): Target {
  const body = part(schema);
  return (kind) => body[kind].chain(jsonBody).map((b) => ({ method, path, ...b }));
}

function withQuery(path: string, schema: z.core.$ZodType): Target {
  const q = part(schema);
  return (kind) => q[kind].map((value) => ({ method: 'GET', path: path + query(value) }));
}

/**
 * A message forged as one of the server's own lines (`kind: 'system'` with any event the contract
 * knows: a call that never happened, a member "added"): only the gateway writes those.
 */
const forgedSystemLine: fc.Arbitrary<unknown> = fc
  .tuple(arbitraryOf(jsonSchemaOf(MessageSendArgs)), arbitraryOf(jsonSchemaOf(SystemEvent)))
  .map(([args, system]) => {
    const message = args as { messageId: string };
    return { id: message.messageId, kind: 'message.send', args: { ...message, body: '', kind: 'system', system } };
  })
  .filter((mutation) => !isValid(Mutation, asSent(mutation)));

/** A push whose items are mutations (each checked on its own by the gateway). */
function pushTarget(): Target {
  const mutation = part(Mutation);
  const envelope = part(PushBody);
  const push = (mutations: unknown[]) => ({ method: 'POST', path: '/api/sync/push', body: JSON.stringify({ deviceId: 'fuzz', mutations }) ?? '' });
  return (kind) =>
    kind === 'valid'
      ? fc.array(mutation.valid, { minLength: 1, maxLength: 5 }).map(push)
      : fc.oneof(
          fc.array(mutation.invalid, { minLength: 1, maxLength: 5 }).map(push),
          envelope.invalid.chain(jsonBody).map((b) => ({ method: 'POST', path: '/api/sync/push', ...b })),
          fc.array(forgedSystemLine, { minLength: 1, maxLength: 5 }).map(push),
        );
}

const conversationPath = (suffix: string) => (kind: 'valid' | 'invalid') =>
  (kind === 'valid' ? fc.uuid({ version: 7 }) : pathParam.filter((p) => !isValid(Id, p))).map((id) => `/api/conversations/${id}${suffix}`);

/** Every route the gateway registers, keyed as the authorization matrix keys them. */
export const HTTP_TARGETS: Record<string, Target> = {
  'GET /healthz': (kind) => fc.constant({ method: 'GET', path: kind === 'valid' ? '/healthz' : '/healthz?x=%00' }),
  'GET /readyz': (kind) => fc.constant({ method: 'GET', path: kind === 'valid' ? '/readyz' : '/readyz?x=%00' }),
  'GET /metrics': (kind) => fc.constant({ method: 'GET', path: kind === 'valid' ? '/metrics' : '/metrics?name[]=%00&x=' + 'a'.repeat(2_000) }),
  'POST /api/auth/login': withBody('POST', '/api/auth/login', LoginBody),
  'POST /api/auth/logout': () => fc.constant({ method: 'POST', path: '/api/auth/logout', body: '{}' }),
  'GET /api/me': () => fc.constant({ method: 'GET', path: '/api/me' }),
  'GET /api/auth/methods': () => fc.constant({ method: 'GET', path: '/api/auth/methods' }),
  'GET /api/auth/oidc/start': withQuery('/api/auth/oidc/start', OidcStartQuery),
  'GET /api/auth/oidc/callback': withQuery('/api/auth/oidc/callback', OidcCallbackQuery),
  'POST /api/auth/oidc/session': () => fc.constant({ method: 'POST', path: '/api/auth/oidc/session', body: '{}' }),
  'GET /api/auth/oidc/end-session': () => fc.constant({ method: 'GET', path: '/api/auth/oidc/end-session' }),
  'GET /api/me/devices': () => fc.constant({ method: 'GET', path: '/api/me/devices' }),
  'GET /api/admin/users': () => fc.constant({ method: 'GET', path: '/api/admin/users' }),
  'GET /api/admin/audit': withQuery('/api/admin/audit', AuditQuery),
  'POST /api/admin/users/:id/disable': (kind) => (kind === 'valid' ? fc.uuid({ version: 7 }) : pathParam).map((id) => ({ method: 'POST', path: `/api/admin/users/${id}/disable`, body: '{}' })),
  'POST /api/admin/users': withBody('POST', '/api/admin/users', NewAccountBody),
  'POST /api/admin/users/:id/reset': (kind) => (kind === 'valid' ? fc.uuid({ version: 7 }) : pathParam).map((id) => ({ method: 'POST', path: `/api/admin/users/${id}/reset`, body: '{}' })),
  'POST /api/auth/activate': withBody('POST', '/api/auth/activate', ActivateBody),
  'POST /api/admin/users/:id/enable': (kind) => (kind === 'valid' ? fc.uuid({ version: 7 }) : pathParam).map((id) => ({ method: 'POST', path: `/api/admin/users/${id}/enable`, body: '{}' })),
  'PATCH /api/admin/users/:id': (kind) =>
    fc
      .tuple(kind === 'valid' ? fc.uuid({ version: 7 }) : pathParam, part(AccountChangeBody)[kind].chain(jsonBody))
      .map(([id, body]) => ({ method: 'PATCH', path: `/api/admin/users/${id}`, ...body })),
  'GET /api/admin/settings': () => fc.constant({ method: 'GET', path: '/api/admin/settings' }),
  'PUT /api/admin/settings': withBody('PUT', '/api/admin/settings', ClinicSettings),
  'DELETE /api/admin/users/:id': (kind) => (kind === 'valid' ? fc.uuid({ version: 7 }) : pathParam).map((id) => ({ method: 'DELETE', path: `/api/admin/users/${id}` })),
  'GET /api/admin/users/:id/devices': (kind) => (kind === 'valid' ? fc.uuid({ version: 7 }) : pathParam).map((id) => ({ method: 'GET', path: `/api/admin/users/${id}/devices` })),
  'DELETE /api/admin/devices/:deviceId': (kind) =>
    (kind === 'valid' ? fc.stringMatching(/^[0-9a-f]{24}$/) : pathParam).map((id) => ({ method: 'DELETE', path: `/api/admin/devices/${id}` })),
  'GET /api/admin/users/:id/care-team': (kind) => (kind === 'valid' ? fc.uuid({ version: 7 }) : pathParam).map((id) => ({ method: 'GET', path: `/api/admin/users/${id}/care-team` })),
  'PUT /api/admin/users/:id/care-team': (kind) =>
    fc
      .tuple(fc.uuid({ version: 7 }), part(CareTeamBody)[kind])
      .map(([id, body]) => ({ method: 'PUT', path: `/api/admin/users/${id}/care-team`, body: JSON.stringify(body) ?? 'null' })),
  'GET /api/admin/users/:id/sso-link': (kind) => (kind === 'valid' ? fc.uuid({ version: 7 }) : pathParam).map((id) => ({ method: 'GET', path: `/api/admin/users/${id}/sso-link` })),
  'PUT /api/admin/users/:id/sso-link': (kind) =>
    fc
      .tuple(fc.uuid({ version: 7 }), part(SsoLinkBody)[kind].chain(jsonBody))
      .map(([id, body]) => ({ method: 'PUT', path: `/api/admin/users/${id}/sso-link`, ...body })),
  'DELETE /api/admin/users/:id/sso-link': (kind) =>
    (kind === 'valid' ? fc.uuid({ version: 7 }) : pathParam).map((id) => ({ method: 'DELETE', path: `/api/admin/users/${id}/sso-link` })),
  'PUT /api/me/status': withBody('PUT', '/api/me/status', StatusBody),
  'DELETE /api/me/status': () => fc.constant({ method: 'DELETE', path: '/api/me/status' }),
  'DELETE /api/me/devices': () => fc.constant({ method: 'DELETE', path: '/api/me/devices' }),
  'DELETE /api/me/devices/:id': (kind) =>
    (kind === 'valid' ? fc.stringMatching(/^[0-9a-f]{24}$/) : pathParam).map((id) => ({ method: 'DELETE', path: `/api/me/devices/${id}` })),
  'POST /api/me/password': withBody('POST', '/api/me/password', PasswordChangeBody),
  // Setup reads no body: refused only when the body is not JSON (or without a session).
  'POST /api/me/2fa/setup': (kind) =>
    kind === 'valid' ? fc.constant({ method: 'POST', path: '/api/me/2fa/setup', body: '{}' }) : fc.constant({ method: 'POST', path: '/api/me/2fa/setup', body: '{"a":', contentType: 'application/json' }),
  'POST /api/me/2fa/enable': withBody('POST', '/api/me/2fa/enable', TwoFactorEnableBody),
  'POST /api/me/2fa/disable': withBody('POST', '/api/me/2fa/disable', TwoFactorDisableBody),
  'GET /api/users': withQuery('/api/users', UsersQuery),
  'GET /api/patients/care-team': withQuery('/api/patients/care-team', PatientCareTeamQuery),
  'GET /api/conversations': () => fc.constant({ method: 'GET', path: '/api/conversations' }),
  'GET /api/conversations/:id/messages': (kind) =>
    fc.tuple(conversationPath('/messages')(kind), part(HistoryQuery)[kind]).map(([path, q]) => ({ method: 'GET', path: path + query(q) })),
  'GET /api/conversations/:id/export/fhir': (kind) => conversationPath('/export/fhir')(kind).map((path) => ({ method: 'GET', path })),
  'POST /api/sync/push': pushTarget(),
  'GET /api/sync/pull': withQuery('/api/sync/pull', PullQuery),
  'GET /api/stats': () => fc.constant({ method: 'GET', path: '/api/stats' }),
  'GET /api/presence': withQuery('/api/presence', PresenceQuery),
  'POST /api/attachments': (kind) =>
    fc
      .tuple(kind === 'valid' ? fc.uuid({ version: 7 }) : pathParam, fc.uint8Array({ maxLength: 2_000 }))
      .map(([conversationId, bytes]) => ({
        method: 'POST',
        path: `/api/attachments?conversationId=${conversationId}`,
        // Not a real multipart body: the boundary is declared, the parts are garbage.
        body: `--b\r\nContent-Disposition: form-data; name="file"; filename="x.png"\r\n\r\n${Buffer.from(bytes).toString('latin1')}\r\n--b--`,
        contentType: 'multipart/form-data; boundary=b',
      })),
  'GET /api/attachments/:conversationId/:id': (kind) =>
    fc
      .tuple(kind === 'valid' ? fc.uuid({ version: 7 }) : pathParam, kind === 'valid' ? fc.stringMatching(/^[0-9a-f]{64}$/) : pathParam.filter((p) => !isValid(BlobId, p)))
      .map(([c, id]) => ({ method: 'GET', path: `/api/attachments/${c}/${id}` })),
  'GET /api/push/key': () => fc.constant({ method: 'GET', path: '/api/push/key' }),
  'POST /api/push/subscription': withBody('POST', '/api/push/subscription', PushSubscribeBody),
  'DELETE /api/push/subscription': withBody('DELETE', '/api/push/subscription', PushUnsubscribeBody),
  'GET /api/preferences': () => fc.constant({ method: 'GET', path: '/api/preferences' }),
  'PUT /api/preferences': withBody('PUT', '/api/preferences', PreferencesBody),
  'GET /api/calls/history': withQuery('/api/calls/history', CallHistoryQuery),
  'GET /api/calls/stats': () => fc.constant({ method: 'GET', path: '/api/calls/stats' }),
  'GET /api/calls/ice-servers': () => fc.constant({ method: 'GET', path: '/api/calls/ice-servers' }),
  'POST /api/calls/:callId/decline': (kind) =>
    fc
      .tuple(kind === 'valid' ? fc.uuid({ version: 7 }) : pathParam, part(CallDeclineBody)[kind])
      .map(([callId, body]) => ({ method: 'POST', path: `/api/calls/${callId}/decline`, body: JSON.stringify(body) ?? 'null' })),
  // Function roles and the on-call rota.
  'GET /api/admin/functions': () => fc.constant({ method: 'GET', path: '/api/admin/functions' }),
  'POST /api/admin/functions': withBody('POST', '/api/admin/functions', NewFunctionBody),
  'GET /api/admin/functions/:id': (kind) => (kind === 'valid' ? fc.uuid({ version: 7 }) : pathParam).map((id) => ({ method: 'GET', path: `/api/admin/functions/${id}` })),
  'PATCH /api/admin/functions/:id': (kind) =>
    fc
      .tuple(kind === 'valid' ? fc.uuid({ version: 7 }) : pathParam, part(FunctionChangeBody)[kind].chain(jsonBody))
      .map(([id, body]) => ({ method: 'PATCH', path: `/api/admin/functions/${id}`, ...body })),
  'DELETE /api/admin/functions/:id': (kind) => (kind === 'valid' ? fc.uuid({ version: 7 }) : pathParam).map((id) => ({ method: 'DELETE', path: `/api/admin/functions/${id}` })),
  'PUT /api/admin/functions/:id/pattern': (kind) =>
    fc.tuple(fc.uuid({ version: 7 }), part(PatternBody)[kind].chain(jsonBody)).map(([id, body]) => ({ method: 'PUT', path: `/api/admin/functions/${id}/pattern`, ...body })),
  'PUT /api/admin/functions/:id/ladder': (kind) =>
    fc.tuple(fc.uuid({ version: 7 }), part(LadderBody)[kind].chain(jsonBody)).map(([id, body]) => ({ method: 'PUT', path: `/api/admin/functions/${id}/ladder`, ...body })),
  'POST /api/admin/functions/:id/overrides': (kind) =>
    fc.tuple(fc.uuid({ version: 7 }), part(NewOverrideBody)[kind].chain(jsonBody)).map(([id, body]) => ({ method: 'POST', path: `/api/admin/functions/${id}/overrides`, ...body })),
  'DELETE /api/admin/functions/:id/overrides/:overrideId': (kind) =>
    fc
      .tuple(fc.uuid({ version: 7 }), kind === 'valid' ? fc.uuid({ version: 7 }) : pathParam)
      .map(([id, overrideId]) => ({ method: 'DELETE', path: `/api/admin/functions/${id}/overrides/${overrideId}` })),
  'GET /api/functions': () => fc.constant({ method: 'GET', path: '/api/functions' }),
  // No input at all: the caller's own urgent messages still unanswered.
  'GET /api/urgent/open': () => fc.constant({ method: 'GET', path: '/api/urgent/open' }),
  'POST /api/functions/:id/handover': (kind) =>
    fc
      .tuple(kind === 'valid' ? fc.uuid({ version: 7 }) : pathParam, part(HandoverBody)[kind].chain(jsonBody))
      .map(([id, body]) => ({ method: 'POST', path: `/api/functions/${id}/handover`, ...body })),
};
