import * as z from 'zod/mini';
import { droppable } from './droppable.ts';
import { LIMITS } from './limits.ts';
import { AvailabilityState, Changes, Id, Message, Presence, Role, User, UserSummary } from './model.ts';
import { MutationResult } from './mutations.ts';

/**
 * Schemas of HTTP bodies and queries under `/api` (docs/ARCHITECTURE.md, "Wire protocol"). The
 * mutations pushed to `/api/sync/push` are in mutations.ts.
 */

/** A second factor as typed: a TOTP code (6 digits) or a recovery code (`XXXXX-XXXXX`). */
const OtpCode = z.string().check(z.minLength(1), z.maxLength(32));

/** `POST /api/auth/login`; `otp` when the account signs in with a second factor. */
export const LoginBody = z.strictObject({
  username: z.string().check(z.minLength(1), z.maxLength(LIMITS.USERNAME_MAX)),
  password: z.string().check(z.minLength(1), z.maxLength(LIMITS.PASSWORD_MAX)),
  otp: z.optional(OtpCode),
});
export type LoginBody = z.infer<typeof LoginBody>;

/** `POST /api/me/password`: the current password (proof it is the person), then the new one. */
export const PasswordChangeBody = z.strictObject({
  current: z.string().check(z.minLength(1), z.maxLength(LIMITS.PASSWORD_MAX)),
  password: z.string().check(z.minLength(LIMITS.PASSWORD_MIN), z.maxLength(LIMITS.PASSWORD_MAX)),
});
export type PasswordChangeBody = z.infer<typeof PasswordChangeBody>;

const ProfileText = z.string().check(z.maxLength(LIMITS.PROFILE_FIELD_MAX));

/** `POST /api/admin/users`: a new account, activated by its owner with the one-time code the answer carries. */
export const NewAccountBody = z.strictObject({
  username: z.string().check(z.minLength(1), z.maxLength(LIMITS.USERNAME_MAX), z.regex(/^[a-z0-9._-]+$/i)),
  displayName: z.string().check(z.minLength(1), z.maxLength(LIMITS.DISPLAY_NAME_MAX)),
  role: Role,
  service: z.optional(ProfileText),
  jobTitle: z.optional(ProfileText),
});
export type NewAccountBody = z.infer<typeof NewAccountBody>;

const Millis = z.string().check(z.regex(/^\d{1,15}$/));
const AuditText = z.string().check(z.minLength(1), z.maxLength(64));
/** `GET /api/admin/audit`: filters (all optional; times in ms since the epoch) and the format. */
export const AuditQuery = z.strictObject({
  actor: z.optional(AuditText),
  action: z.optional(AuditText),
  target: z.optional(AuditText),
  since: z.optional(Millis),
  until: z.optional(Millis),
  format: z.optional(z.enum(['json', 'csv'])),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

/** `POST /api/auth/activate`: the one-time code an admin handed over, and the password its owner chooses. */
export const ActivateBody = z.strictObject({
  username: z.string().check(z.minLength(1), z.maxLength(LIMITS.USERNAME_MAX)),
  code: z.string().check(z.minLength(1), z.maxLength(64)),
  password: z.string().check(z.minLength(LIMITS.PASSWORD_MIN), z.maxLength(LIMITS.PASSWORD_MAX)),
});
export type ActivateBody = z.infer<typeof ActivateBody>;

/** One signed-in device of the user (a live session): `GET /api/me/devices`. */
export const Device = z.object({
  id: z.string(),
  /** Browser and system, from the User-Agent at sign-in. */
  label: z.string(),
  signedInAt: z.number(),
  /** This very device. */
  current: z.boolean(),
});
export type Device = z.infer<typeof Device>;
export const DevicesReply = z.object({ devices: z.array(Device) });

export const UserReply = z.object({ user: User });
export type UserReply = z.infer<typeof UserReply>;

/** `GET /api/me`: the user, and their two-factor sign-in (on; required of them: an admin's, outside the demo). */
/** `password`: false for an account with no password of its own (made by single sign-on): its provider keeps the password and the second factor. */
export const MeReply = droppable(() => z.object({ user: User, twoFactor: z.object({ enabled: z.boolean(), required: z.boolean() }), password: z.optional(z.boolean()), editWindowMinutes: z.optional(z.number()) }));
export type MeReply = z.infer<typeof MeReply>;

/** `POST /api/me/2fa/setup`: a new secret, its otpauth URL, and that URL as a QR code (SVG made by the server). */
export const TwoFactorSetupReply = droppable(() => z.object({ secret: z.string(), otpauthUrl: z.string(), qrSvg: z.string() }));
export type TwoFactorSetupReply = z.infer<typeof TwoFactorSetupReply>;
/** `POST /api/me/2fa/enable`: a code from the app confirms the secret. */
export const TwoFactorEnableBody = droppable(() => z.strictObject({ code: OtpCode }));
/** The 10 single-use recovery codes, shown this once. */
export const RecoveryCodesReply = droppable(() => z.object({ recoveryCodes: z.array(z.string()) }));
/** `POST /api/me/2fa/disable`: the password and a current code (or a recovery code). */
export const TwoFactorDisableBody = droppable(() =>
  z.strictObject({
    password: z.string().check(z.minLength(1), z.maxLength(LIMITS.PASSWORD_MAX)),
    code: OtpCode,
  }),
);

/** A directory search: part of a name (empty or absent: everyone the user may see). */
export const UserSearchText = z.string().check(z.maxLength(LIMITS.SEARCH_QUERY_MAX));
export const UsersQuery = z.strictObject({ q: z.optional(UserSearchText) });
export const UsersReply = z.object({ users: z.array(UserSummary) });
export type UsersReply = z.infer<typeof UsersReply>;

/**
 * The push body. Each mutation is checked on its own on the server (one bad item fails alone),
 * so the envelope takes `unknown` items and `Mutation` is applied per item.
 */
export const PushBody = droppable(() =>
  z.strictObject({
    deviceId: z.string().check(z.minLength(1), z.maxLength(64)),
    mutations: z.array(z.unknown()).check(z.minLength(1), z.maxLength(LIMITS.PUSH_BATCH_MAX)),
    /**
     * The pull cursor the device last stored. When its epoch is not the store's any more (Redis lost
     * its data) or it does not parse, nothing is applied and the answer is `{results: [], reset:
     * true}`: the device must pull (and reset) first, so its outbox is not refused against
     * conversations the store forgot.
     */
    cursor: z.optional(z.string().check(z.maxLength(200))),
  }),
);
export type PushBody = z.infer<typeof PushBody>;

export const PushReply = z.object({
  results: z.array(MutationResult),
  /** Set when the pushed `cursor` is from an older epoch: nothing was applied; pull, then push again. */
  reset: z.optional(z.literal(true)),
});
export type PushReply = z.infer<typeof PushReply>;

export const PullQuery = droppable(() =>
  z.strictObject({
    cursor: z.optional(z.string().check(z.maxLength(200))),
    limit: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(LIMITS.PULL_LIMIT_MAX))),
  }),
);

export const PullReply = z.union([
  z.object({ reset: z.literal(true), cursor: z.string() }),
  z.object({ changes: Changes, cursor: z.string(), hasMore: z.boolean() }),
]);
export type PullReply = z.infer<typeof PullReply>;

export const HistoryQuery = droppable(() =>
  z.strictObject({
    before: z.optional(z.coerce.number().check(z.int(), z.minimum(1))),
    limit: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(LIMITS.HISTORY_LIMIT_MAX))),
  }),
);
export const HistoryReply = z.object({ messages: z.array(Message) });
export type HistoryReply = z.infer<typeof HistoryReply>;

/** `POST /api/attachments` answer: the stored file's id (its SHA-256) and what was sniffed. */
export const UploadReply = z.object({ id: z.string(), mime: z.string(), size: z.number() });
export type UploadReply = z.infer<typeof UploadReply>;

/** `GET /api/stats`: the signed-in user's messaging over the last `days` days. */
export const StatsReply = z.object({
  days: z.number(),
  sent: z.number(),
  received: z.number(),
  unread: z.number(),
  activeConversations: z.number(),
  archivedConversations: z.number(),
  /** Median time between a message from someone else and my next answer, seconds; null with no answer. */
  medianResponseSeconds: z.nullable(z.number()),
});
export type StatsReply = z.infer<typeof StatsReply>;

export const PresenceQuery = droppable(() =>
  z.strictObject({
    ids: z.string().check(z.maxLength(37 * LIMITS.PARTICIPANTS_MAX * 4)),
  }),
);
export const PresenceReply = z.object({ presence: z.array(Presence) });
export type PresenceReply = z.infer<typeof PresenceReply>;

/** How far ahead an availability status may end (`PUT /api/me/status`): a week. */
export const STATUS_UNTIL_MAX_MS = 7 * 24 * 3600 * 1000;

/**
 * `PUT /api/me/status`: the user's availability; `until` (ms since the epoch) in the future and at
 * most STATUS_UNTIL_MAX_MS ahead (checked by the gateway against its clock).
 */
export const StatusBody = droppable(() =>
  z.strictObject({
    state: AvailabilityState,
    message: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(LIMITS.STATUS_MESSAGE_MAX))),
    until: z.optional(z.number().check(z.int(), z.positive())),
  }),
);
export type StatusBody = z.infer<typeof StatusBody>;

/** How many staff an admin may assign to one patient. */
export const CARE_TEAM_MAX = 50;

/** `PUT /api/admin/users/:id/care-team`: the staff assigned to the patient (replaces the list). */
export const CareTeamBody = droppable(() =>
  z.strictObject({ staffIds: z.array(Id).check(z.maxLength(CARE_TEAM_MAX)) }),
);
export type CareTeamBody = z.infer<typeof CareTeamBody>;

/** `GET`/`PUT /api/admin/users/:id/care-team`: the staff assigned to the patient, by name. */
export const CareTeamReply = z.object({ staff: z.array(UserSummary) });
export type CareTeamReply = z.infer<typeof CareTeamReply>;

/**
 * `GET /api/auth/methods` (public): how this deployment signs people in. `sso`: the identity
 * provider's name when single sign-on is configured; `password: false` when RELAIS_PASSWORD_LOGIN=off.
 */
export const AuthMethods = z.object({
  password: z.boolean(),
  sso: z.nullable(z.object({ name: z.string() })),
});
export type AuthMethods = z.infer<typeof AuthMethods>;

/** `GET /api/auth/oidc/start`: `reauth=1` makes the provider authenticate the person again (the lock screen). */
export const OidcStartQuery = z.strictObject({ reauth: z.optional(z.literal('1')), popup: z.optional(z.literal('1')) });

/** `GET /api/auth/oidc/callback`: what the provider sends back (code and state, or an error). */
export const OidcCallbackQuery = z.object({
  code: z.optional(z.string().check(z.maxLength(2048))),
  state: z.optional(z.string().check(z.maxLength(256))),
  error: z.optional(z.string().check(z.maxLength(256))),
  iss: z.optional(z.string().check(z.maxLength(2048))),
});

/** `GET /api/auth/oidc/end-session`: where to send the browser to sign out at the provider too (RP-initiated logout), or null. */
export const EndSessionReply = z.object({ url: z.nullable(z.string()) });
export type EndSessionReply = z.infer<typeof EndSessionReply>;

/** My urgent messages some recipient has not answered yet (`GET /api/urgent/open`): ids, names, states — never their text. */
export const OpenUrgentReply = droppable(() =>
  z.object({
    urgent: z.array(
      z.object({
        conversationId: Id,
        messageId: Id,
        seq: z.number(),
        sentAt: z.number(),
        title: z.nullable(z.string()),
        waiting: z.array(z.object({ userId: Id, displayName: z.string() })),
        answered: z.array(z.object({ userId: Id, displayName: z.string(), claim: z.boolean() })),
      }),
    ),
  }),
);
export type OpenUrgent = z.infer<typeof OpenUrgentReply>['urgent'][number];
