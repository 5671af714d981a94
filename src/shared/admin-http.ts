import * as z from 'zod/mini';
import { LIMITS } from './limits.ts';
import { NationalId, Role, User, UserSummary } from './model.ts';

/**
 * Schemas of the admins' HTTP surface beyond account creation (src/server/admin/, the admin
 * console), apart from http.ts so the service worker, which imports http.ts, bundles none of them.
 */

/**
 * Refusals only the admins' routes give, apart from the shared codes of errors.ts (whose sentences
 * are in the app shell's catalogue): the admin console explains these with its own (admin-fr.ts).
 */
export const ADMIN_ERROR_CODES = [
  /** Another account already carries this INS (409). */
  'ins_taken',
] as const;
export type AdminErrorCode = (typeof ADMIN_ERROR_CODES)[number];

/** True for one of the admins' own codes. */
export function isAdminErrorCode(value: unknown): value is AdminErrorCode {
  return typeof value === 'string' && (ADMIN_ERROR_CODES as readonly string[]).includes(value);
}

const ProfileText = z.string().check(z.maxLength(LIMITS.PROFILE_FIELD_MAX));

/**
 * `PATCH /api/admin/users/:id`: what an admin changes of an account, at least one field; an empty
 * `service` or `jobTitle` clears it.
 */
export const AccountChangeBody = z
  .strictObject({
    displayName: z.optional(z.string().check(z.minLength(1), z.maxLength(LIMITS.DISPLAY_NAME_MAX))),
    role: z.optional(Role),
    service: z.optional(ProfileText),
    jobTitle: z.optional(ProfileText),
    /** A patient's INS (national health identifier), unique across accounts; empty removes it. */
    ins: z.optional(z.union([NationalId, z.literal('')])),
  })
  .check(z.refine((change) => Object.keys(change).length > 0));
export type AccountChangeBody = z.infer<typeof AccountChangeBody>;

/** `GET /api/admin/users`: an account as the admins see it. */
export const AdminAccount = z.extend(UserSummary, { username: z.string(), disabled: z.boolean(), ins: z.optional(NationalId) });
export type AdminAccount = z.infer<typeof AdminAccount>;
export const AdminAccountsReply = z.object({ users: z.array(AdminAccount) });
export const AdminAccountReply = z.object({ user: AdminAccount });

/** A one-time activation code (a new account's, or a password reset's) and when it stops working (ms). */
export const ActivationReply = z.object({ code: z.string(), expiresAt: z.number() });
export type ActivationReply = z.infer<typeof ActivationReply>;
export const NewAccountReply = z.object({ user: User, code: z.string(), expiresAt: z.number() });

/** One entry of `GET /api/admin/audit` (ids and codes only). */
export const AuditEntryReply = z.object({
  id: z.string(),
  at: z.number(),
  action: z.string(),
  actor: z.nullable(z.string()),
  target: z.optional(z.string()),
  conversationId: z.optional(z.string()),
  patientId: z.optional(z.string()),
  ip: z.optional(z.string()),
  userIds: z.optional(z.array(z.string())),
  detail: z.optional(z.string()),
});
export type AuditEntryReply = z.infer<typeof AuditEntryReply>;
export const AuditReply = z.object({ entries: z.array(AuditEntryReply), truncated: z.boolean() });
export type AuditReply = z.infer<typeof AuditReply>;


const Whole = (min: number, max: number) => z.number().check(z.int(), z.minimum(min), z.maximum(max));

/**
 * The clinic's settings (`GET/PUT /api/admin/settings`), kept in Redis and applied live on every
 * gateway: how long the audit trail is kept, the urgent reminders (every N minutes, M times), the
 * session lifetimes (idle, absolute) and who may be in a conversation that includes a patient —
 * every member of staff, or only clinicians (doctors and nurses).
 */
export const ClinicSettings = z
  .strictObject({
    auditDays: Whole(30, 3650),
    urgentReminderMinutes: Whole(1, 60),
    urgentReminderCount: Whole(0, 30),
    sessionIdleMinutes: Whole(5, 43_200),
    sessionMaxHours: Whole(1, 2_160),
    patientConversations: z.enum(['staff', 'clinicians']),
    /** How long after sending its author may edit a message (0: never); absent, 15 minutes. */
    editWindowMinutes: z.optional(Whole(0, 1440)),
  })
  .check(z.refine((s) => s.sessionIdleMinutes <= s.sessionMaxHours * 60));
export type ClinicSettings = z.infer<typeof ClinicSettings>;
export const ClinicSettingsReply = z.object({ settings: ClinicSettings });

/**
 * A person's identifier at the identity provider, as its claim gives it (Pro Santé Connect: "8"
 * followed by the 11 digits of the RPPS): 1 to 128 printable ASCII characters (sign-in reads no
 * more of the claim), no space.
 */
export const SsoIdentifier = z.string().check(z.regex(/^[!-~]{1,128}$/));
/** `PUT /api/admin/users/:id/sso-link`: the identifier to link the account to. */
export const SsoLinkBody = z.strictObject({ identifier: SsoIdentifier });
export type SsoLinkBody = z.infer<typeof SsoLinkBody>;
/** `GET/PUT/DELETE /api/admin/users/:id/sso-link`: the identifier the account is linked to, or null. */
export const SsoLinkReply = z.object({ identifier: z.nullable(z.string()) });
export type SsoLinkReply = z.infer<typeof SsoLinkReply>;
