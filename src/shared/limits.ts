/** Limits enforced on both sides of the wire. */
export const LIMITS = {
  /** Characters in one message body. */
  MESSAGE_BODY_MAX: 8000,
  /** Mutations in one `POST /api/sync/push`. */
  PUSH_BATCH_MAX: 100,
  /** Changes in one pull page (default and maximum). */
  PULL_LIMIT_DEFAULT: 500,
  PULL_LIMIT_MAX: 1000,
  /** Messages in one `GET /api/conversations/:id/messages` page. */
  HISTORY_LIMIT_DEFAULT: 50,
  HISTORY_LIMIT_MAX: 200,
  /** Participants in one conversation (creator included). */
  PARTICIPANTS_MAX: 50,
  TITLE_MAX: 120,
  DISPLAY_NAME_MAX: 80,
  /** A service, department or job title. */
  PROFILE_FIELD_MAX: 80,
  /** The free text of an availability status. */
  STATUS_MESSAGE_MAX: 140,
  USERNAME_MAX: 64,
  PASSWORD_MIN: 8,
  PASSWORD_MAX: 256,
  SEARCH_QUERY_MAX: 80,
  /** One uploaded file, bytes (default; the gateway's RELAIS_UPLOAD_MAX_BYTES may lower or raise it). */
  FILE_MAX_BYTES: 15 * 1024 * 1024,
  FILE_NAME_MAX: 200,
  ATTACHMENTS_MAX: 4,
  /** Hits in one local search. */
  SEARCH_RESULTS_MAX: 50,
  /** HTTP request body, bytes. */
  HTTP_BODY_MAX: 1_048_576,
  /** One WebSocket frame from a client, bytes. */
  WS_FRAME_MAX: 65_536,
} as const;

/**
 * Failed offline unlock attempts after which only the server unlocks the device (an online password
 * check). Apart from LIMITS so that a bundle using it carries the number, not the whole table.
 */
export const OFFLINE_UNLOCK_MAX = 10;
