import * as z from 'zod/mini';
import { ERROR_CODES } from './errors.ts';
import { Attachment, Conversation, Id, ReplyRef, SystemEvent, User } from './model.ts';

/**
 * The device's local model: what the service worker keeps in its store and hands to the tabs
 * (messages with their sending state, conversation summaries, sync and session state, settings,
 * search hits, the notification queue). Never sent to the server.
 */

/** A message as the local store holds it: sent ones have a `seq`, pending/failed ones do not yet. */
export const LocalMessage = z.object({
  conversationId: Id,
  messageId: Id,
  seq: z.nullable(z.number()),
  senderId: Id,
  body: z.string(),
  urgent: z.boolean(),
  /** Server time once sent; local creation time while pending. */
  time: z.number(),
  status: z.enum(['pending', 'sent', 'failed']),
  /** Error code of the last failed attempt (status `failed`). */
  errorCode: z.optional(z.enum(ERROR_CODES)),
  kind: z.optional(z.enum(['text', 'system'])),
  system: z.optional(SystemEvent),
  /** The quoted message; its author is known once the server answered (see ReplyRef). */
  replyTo: z.optional(z.partial(ReplyRef, { senderId: true })),
  /** Sent files; while pending, `localId` names the bytes kept in the SW store until uploaded. */
  attachments: z.optional(z.array(z.extend(z.partial(Attachment, { id: true }), { localId: z.optional(z.string()) }))),
  /** Edited by its author: when last (server time), and the texts it had before, oldest first (sw/store/amend.ts). */
  editedAt: z.optional(z.number()),
  versions: z.optional(z.array(z.object({ body: z.string(), time: z.number() }))),
  /** An edit of mine waiting in the outbox: the text shown meanwhile. */
  pendingBody: z.optional(z.string()),
  /** Why the server refused my last edit (`edit_window_passed`, …). */
  editError: z.optional(z.enum(ERROR_CODES)),
  /** Withdrawn by its author: no text, files or versions left on this device. */
  redacted: z.optional(z.literal(true)),
});
export type LocalMessage = z.infer<typeof LocalMessage>;

/** A conversation as the list shows it: summary computed by the SW from the local store. */
export const ConversationSummary = z.object({
  conversation: Conversation,
  lastMessage: z.nullable(LocalMessage),
  /** Last activity (last message time, else creation time): the list's sort key. */
  lastActivity: z.number(),
  unread: z.number(),
  /** Highest seq the signed-in user has read. */
  readSeq: z.number(),
  /** Per other participant: the highest seq they read (for receipts). */
  readBy: z.record(z.string(), z.number()),
  /** Archived by me (and no message since). */
  archived: z.optional(z.boolean()),
  /** true: an unread urgent message is waiting (listed first, loud badge); false: urgent messages kept on this device, all read; absent: none. */
  urgent: z.optional(z.boolean()),
});
export type ConversationSummary = z.infer<typeof ConversationSummary>;

export const SyncState = z.object({
  online: z.boolean(),
  flushing: z.boolean(),
  /** Messages written on this device and not yet accepted by the server (what the banner and the sign-out warning count). */
  pending: z.number(),
  /** Every change waiting to be pushed: those messages, and read marks and conversation changes. */
  changes: z.number(),
  /** Time of the last successful exchange with the server, or null. */
  lastSyncAt: z.nullable(z.number()),
  lastErrorCode: z.nullable(z.enum(ERROR_CODES)),
});
export type SyncState = z.infer<typeof SyncState>;

export const SessionState = z.object({
  user: z.nullable(User),
  /** True when the server said the session is gone while local data (and maybe an outbox) remain. */
  expired: z.boolean(),
  /** True while the screen is locked after inactivity: tabs hide everything behind the password. */
  locked: z.optional(z.boolean()),
  /**
   * Locked: the offline attempts that failed since the last unlock, and from when the next one is
   * checked (ms since epoch); from OFFLINE_UNLOCK_MAX failures on, only the server unlocks.
   */
  unlock: z.optional(
    z.object({
      failures: z.number(),
      retryAt: z.number(),
      /**
       * False when this device was signed in through single sign-on: it holds no password to check,
       * and the lock screen offers the identity provider only (online).
       */
      password: z.optional(z.boolean()),
    }),
  ),
  /**
   * Signed out because the server said the session was ended from elsewhere (another device, an
   * admin): the user's store was wiped, and the sign-in screen says why.
   */
  wiped: z.optional(z.enum(['device_revoked', 'account_closed'])),
});
export type SessionState = z.infer<typeof SessionState>;

const Days = z.number().check(z.int(), z.minimum(1), z.maximum(3650));

/** Per-user settings kept by the SW: local retention (TTL clean-up) and the auto-lock delay. */
export const UserSettings = z.object({
  retention: z.object({ messagesDays: Days, notificationsDays: Days, callsDays: Days }),
  /** Minutes of inactivity before the screen locks. */
  lockMinutes: z.number().check(z.int(), z.minimum(1), z.maximum(240)),
});
export type UserSettings = z.infer<typeof UserSettings>;

/** What one TTL clean-up removed. */
export const CleanupReport = z.object({ messages: z.number(), notifications: z.number(), calls: z.number() });
export type CleanupReport = z.infer<typeof CleanupReport>;

/** Storage use of this origin (navigator.storage.estimate), in bytes; null when unknown. */
export const StorageInfo = z.object({
  usage: z.nullable(z.number()),
  quota: z.nullable(z.number()),
  persisted: z.nullable(z.boolean()),
});
export type StorageInfo = z.infer<typeof StorageInfo>;

/** Which conversations the list shows. */
export const ConversationFilter = z.enum(['inbox', 'unread', 'urgent', 'archived']);
export type ConversationFilter = z.infer<typeof ConversationFilter>;

/** One local search hit: the message, and where the match is in `snippet` (to highlight it). */
export const SearchHit = z.object({
  conversationId: Id,
  messageId: z.nullable(Id),
  seq: z.nullable(z.number()),
  time: z.number(),
  snippet: z.string(),
  matchStart: z.number(),
  matchLength: z.number(),
  /** What matched: a message body, or the conversation's title / participant / patient name. */
  field: z.enum(['body', 'title']),
});
export type SearchHit = z.infer<typeof SearchHit>;

/** One entry of the notification queue, as the NotificationCenter shows it. */
export const NotificationType = z.enum(['message', 'call', 'missed_call', 'system']);
export const NotificationItem = z.object({
  id: z.string(),
  type: NotificationType,
  title: z.string(),
  body: z.string(),
  link: z.string(),
  conversationId: z.nullable(Id),
  urgent: z.boolean(),
  /** Creation time (ms). */
  time: z.number(),
  read: z.boolean(),
});
export type NotificationItem = z.infer<typeof NotificationItem>;

/** Unread notifications, and among them missed calls (the MessagingButton badge). */
export const NotificationCounts = z.object({ unread: z.number(), missedCalls: z.number() });
export type NotificationCounts = z.infer<typeof NotificationCounts>;
