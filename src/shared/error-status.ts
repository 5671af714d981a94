import type { ErrorCode } from './errors.ts';

/**
 * The HTTP status of each error code the gateway answers with. Apart from errors.ts: the devices
 * never need it, and their bundles stay without the table.
 */
const STATUS: Partial<Record<ErrorCode, number>> = {
  bad_request: 400,
  invalid_json: 400,
  participants_invalid: 400,
  message_too_long: 400,
  mutation_id_mismatch: 400,
  unknown_mutation: 400,
  seq_out_of_range: 400,
  not_a_group: 400,
  reply_not_found: 400,
  care_team_invalid: 400,
  message_id_taken: 409,
  sso_identifier_taken: 409,
  no_patient_context: 409,
  message_not_found: 404,
  function_unheld: 409,
  ack_not_expected: 409,
  edit_window_passed: 409,
  message_redacted: 409,
  forbidden: 403,
  role_forbidden: 403,
  file_too_large: 413,
  file_type_refused: 415,
  quota_exceeded: 413,
  export_too_large: 413,
  attachment_not_found: 404,
  call_not_found: 404,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unauthenticated: 401,
  device_revoked: 401,
  account_closed: 401,
  session_replaced: 401,
  invalid_credentials: 401,
  account_disabled: 403,
  password_login_disabled: 403,
  otp_required: 401,
  otp_invalid: 401,
  two_factor_required: 403,
  two_factor_enabled: 409,
  origin_forbidden: 403,
  host_forbidden: 421,
  not_found: 404,
  conversation_not_found: 404,
  user_not_found: 404,
  username_taken: 409,
  role_change_refused: 409,
  method_not_allowed: 405,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/** The HTTP status that goes with a code (400 when the code is not an HTTP one). */
export function statusForCode(code: ErrorCode): number {
  return STATUS[code] ?? 400;
}

