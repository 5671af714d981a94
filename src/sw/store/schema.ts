/**
 * Schema history of the user's store. A version is never edited once shipped: a change is a new
 * version, and a unit test opens a database filled with the previous one
 * (tests/unit/sw/store/db.test.ts). RelaisDb (db.ts) declares them in order, with their upgrades.
 */

export const SCHEMA_V1 = {
  conversations: 'id',
  // Pending messages have seq null: IndexedDB leaves them out of [conversationId+seq], which is
  // what the "sent ones by seq" queries want.
  messages: 'messageId, [conversationId+seq], [conversationId+time], status',
  outbox: '++key, id',
  reads: '[conversationId+userId]',
  meta: 'key',
} as const;

/** v2: a `time` index for the TTL clean-up, and the notification and call-history tables. */
export const SCHEMA_V2 = {
  messages: 'messageId, [conversationId+seq], [conversationId+time], status, time',
  notifications: 'id, time, conversationId',
  calls: 'id, time',
  /** Files attached (maybe offline) and not yet uploaded, by message (sync/attachments.ts). */
  files: 'localId, messageId',
  /** My own archive / "deleted for me" position per conversation (conversation.userState). */
  convStates: 'conversationId',
} as const;

/**
 * v3: messages lose `[conversationId+time]` (every index costs a write per stored message; dropping
 * a conversation finds its messages by seq and status instead), and the search index is added,
 * built from the messages already stored.
 */
export const SCHEMA_V3 = {
  messages: 'messageId, [conversationId+seq], status, time',
  searchChunks: 'n',
} as const;

/**
 * v4: the conversation list's unread counts and urgent flags from index keys alone, where it walked
 * every unread message (twice) on each refresh. Unread = sent messages past my read seq minus my own
 * ones there and the calls' `call.ended` lines (sparse ownKey index, index-keys.ts); urgent = any key past my read seq on the sparse urgentKey index.
 */
export const SCHEMA_V4 = {
  messages: 'messageId, [conversationId+seq], ownKey, urgentKey, status, time',
} as const;
