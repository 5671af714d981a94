/**
 * Stable error codes shared by the gateway, the service worker and the UI.
 * The UI translates a code through the i18n catalogue; it never shows a raw message.
 */
export const ERROR_CODES = [
  // request shape
  'bad_request',
  'invalid_json',
  'payload_too_large',
  'unsupported_media_type',
  'not_found',
  'method_not_allowed',
  // auth
  'unauthenticated',
  /** This device's session was ended from elsewhere (another device, a password change or reset): it wipes its store. */
  'device_revoked',
  /** The account was disabled or deleted while this device was signed in: it wipes its store. */
  'account_closed',
  /** This device signed in again: the old session it still sent one request with was replaced (not signed out). */
  'session_replaced',
  'invalid_credentials',
  /** The password is right but an admin disabled the account. */
  'account_disabled',
  /** The password is right and the account signs in with a second factor: send the code too (`otp`). */
  'otp_required',
  /** The second factor is wrong, used already, or (enrolment) nothing is waiting for it. */
  'otp_invalid',
  /** An admin without two-factor sign-in: the admin routes wait for their enrolment. */
  'two_factor_required',
  /** Two-factor sign-in is on already: turn it off before enrolling another app. */
  'two_factor_enabled',
  /** This deployment signs in through its identity provider only (RELAIS_PASSWORD_LOGIN=off). */
  'password_login_disabled',
  // single sign-on: each is shown on the sign-in screen the callback sends the browser back to
  /** The identity provider refused, or its answer could not be checked (token exchange, signature). */
  'sso_failed',
  /** The sign-in came back with no, an unknown, an expired or an already used `state`, or from another browser. */
  'sso_state_invalid',
  /** The provider authenticated the person at a lower level than the deployment requires (`acr`). */
  'sso_acr_insufficient',
  /** The provider did not give the claim that names the person (username, identifier). */
  'sso_claim_missing',
  /** The provider's role for the person maps to no Relais role. */
  'sso_role_unmapped',
  /** `link-only`: no Relais account is linked to this person's identifier. */
  'sso_unknown_account',
  /** `create`: the username the provider gives belongs to an account not linked to this person. */
  'sso_username_taken',
  /** An admin's link: this identifier (RPPS) is linked to another account already; unlink it there first. */
  'sso_identifier_taken',
  'rate_limited',
  'origin_forbidden',
  /** The request names a host the gateway does not serve (DNS rebinding). */
  'host_forbidden',
  // domain
  'conversation_not_found',
  'user_not_found',
  /** An account with this username exists already. */
  'username_taken',
  /**
   * A role change refused while the account is in conversations: to or from `admin` (an admin is
   * never a participant) or between patient and staff (what a patient sees is cut by role).
   */
  'role_change_refused',
  'participants_invalid',
  'message_too_long',
  'mutation_id_mismatch',
  'unknown_mutation',
  'seq_out_of_range',
  /** The user is a member but not allowed this action (e.g. delete for everyone without being the creator). */
  'forbidden',
  /** The user's role does not allow this (a patient flagging urgent, creating a group, starting a call…). */
  'role_forbidden',
  /** Rename, add or remove participants, leave: only in a group conversation. */
  'not_a_group',
  'file_too_large',
  /** The file's bytes are not an accepted type (image or PDF), whatever its name says. */
  'file_type_refused',
  /** The uploader's files kept on the server would pass their storage quota (RELAIS_UPLOAD_QUOTA_MB). */
  'quota_exceeded',
  'attachment_not_found',
  'call_not_found',
  /** A message id is taken once per conversation: this one already names another message. */
  'message_id_taken',
  /** A reply quotes a message that is not (or no longer) in its conversation. */
  'reply_not_found',
  /** A care team is assigned to a patient, and made of staff (doctor, nurse, secretary) only. */
  'care_team_invalid',
  /** An export to the patient record asked of a conversation that is about no patient. */
  'no_patient_context',
  /** Nobody holds the function addressed right now (no slot of its rota covers this moment). */
  'function_unheld',
  /** The message named is not in the conversation (an acknowledgement of an unknown message). */
  'message_not_found',
  /** Only the recipients of an urgent message acknowledge it: not its sender, not an ordinary message. */
  'ack_not_expected',
  /** A message is edited past the clinic's edit window (`editWindowMinutes`, 15 by default). */
  'edit_window_passed',
  /** The message was withdrawn by its author: it cannot be edited any more. */
  'message_redacted',
  /** An export to the patient record would carry more messages than the deployment allows at once (RELAIS_EXPORT_MAX_MESSAGES). */
  'export_too_large',
  // infrastructure
  'unavailable',
  'internal',
  // client side (service worker / tab)
  'offline',
  'no_session',
  'sw_unavailable',
  'timeout',
  'storage_error',
  /** The device's storage quota is exhausted (QuotaExceededError). */
  'storage_full',
  'unknown_op',
  /** The device is locked: the SW answers nothing of the user's data until the password is given. */
  'locked',
  /** This browser has no push service (or refused to subscribe). */
  'push_unavailable',
  /** The user (or the browser) denied the notification permission. */
  'permission_denied',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Wire form of an error: every HTTP error body is `{error: {code, message}}`. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

/** A typed error carrying a stable code (Workbox's WorkboxError, Excalidraw's ExcalidrawError). */
export class RelaisError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? code, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RelaisError';
    this.code = code;
  }
}

/** True for one of the stable codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
