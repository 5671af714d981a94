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
  'invalid_credentials',
  'rate_limited',
  'origin_forbidden',
  // domain
  'conversation_not_found',
  'user_not_found',
  'participants_invalid',
  'message_too_long',
  'mutation_id_mismatch',
  'unknown_mutation',
  'seq_out_of_range',
  /** The user is a member but not allowed this action (e.g. delete for everyone without being the creator). */
  'forbidden',
  /** Rename, add or remove participants, leave: only in a group conversation. */
  'not_a_group',
  'file_too_large',
  /** The file's bytes are not an accepted type (image or PDF), whatever its name says. */
  'file_type_refused',
  'attachment_not_found',
  'call_not_found',
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
  readonly status: number;

  constructor(code: ErrorCode, message?: string, options?: { status?: number; cause?: unknown }) {
    super(message ?? code, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RelaisError';
    this.code = code;
    this.status = options?.status ?? statusForCode(code);
  }
}

const STATUS: Partial<Record<ErrorCode, number>> = {
  bad_request: 400,
  invalid_json: 400,
  participants_invalid: 400,
  message_too_long: 400,
  mutation_id_mismatch: 400,
  unknown_mutation: 400,
  seq_out_of_range: 400,
  not_a_group: 400,
  forbidden: 403,
  file_too_large: 413,
  file_type_refused: 415,
  attachment_not_found: 404,
  call_not_found: 404,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unauthenticated: 401,
  invalid_credentials: 401,
  origin_forbidden: 403,
  not_found: 404,
  conversation_not_found: 404,
  user_not_found: 404,
  method_not_allowed: 405,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/** The HTTP status that goes with a code (400 when the code is not an HTTP one). */
export function statusForCode(code: ErrorCode): number {
  return STATUS[code] ?? 400;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
