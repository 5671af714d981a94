import * as z from 'zod/mini';
import { LIMITS } from './limits.ts';
import { Attachment, Conversation, Id, PatientRef, Presence, ReplyRef, SystemEvent, User, UserSummary } from './model.ts';
import type { StatsReply } from './http.ts';
import { ERROR_CODES } from './errors.ts';
import { LiveFrame } from './live-frames.ts';
import { MESSAGES_TOPIC } from './sw-topics.ts';

/**
 * Tab ↔ service worker protocol.
 *
 * Requests: `controller.postMessage({id, op, args}, [port])` — postMessage wakes a stopped SW.
 * Replies: on the transferred MessagePort, `{id, ok: true, result} | {id, ok: false, error: {code}}`.
 * Events: BroadcastChannel `relais`, `{topic, data}`.
 */

export { BROADCAST_CHANNEL, messagesTopic } from './sw-topics.ts';

/** Sent messages `messages.list` answers when no `limit` is given, and the most it answers. */
export const MESSAGES_PAGE_DEFAULT = 200;
export const MESSAGES_PAGE_MAX = 1000;

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
  replyTo: z.optional(ReplyRef),
  /** Sent files; while pending, `localId` names the bytes kept in the SW store until uploaded. */
  attachments: z.optional(z.array(z.extend(z.partial(Attachment, { id: true }), { localId: z.optional(z.string()) }))),
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
  /** An unread urgent message is waiting: listed first, with a badge. */
  urgent: z.optional(z.boolean()),
});
export type ConversationSummary = z.infer<typeof ConversationSummary>;

export const SyncState = z.object({
  online: z.boolean(),
  flushing: z.boolean(),
  pending: z.number(),
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

/** A file picked in the page, handed to the SW with its bytes (kept there until uploaded). */
export const FileUpload = z.strictObject({
  name: z.string().check(z.minLength(1), z.maxLength(LIMITS.FILE_NAME_MAX)),
  // The literal list (not Attachment.shape): reading a property at module level would keep the
  // whole Attachment schema in the app shell.
  mime: z.enum(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf']),
  bytes: z.custom<ArrayBuffer>((value) => value instanceof ArrayBuffer && value.byteLength > 0 && value.byteLength <= LIMITS.FILE_MAX_BYTES),
  thumb: z.optional(
    z.strictObject({
      bytes: z.custom<ArrayBuffer>((value) => value instanceof ArrayBuffer && value.byteLength > 0 && value.byteLength <= 256 * 1024),
      mime: z.enum(['image/jpeg', 'image/webp', 'image/png']),
    }),
  ),
  width: z.optional(z.number().check(z.int(), z.minimum(1))),
  height: z.optional(z.number().check(z.int(), z.minimum(1))),
});
export type FileUpload = z.infer<typeof FileUpload>;

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

/** Conversation lifecycle actions the list and header offer (each becomes a mutation). */
export const ConversationAction = z.union([
  z.strictObject({
    kind: z.enum(['conversation.archive', 'conversation.unarchive', 'conversation.hide', 'conversation.delete', 'conversation.leave']),
    conversationId: Id,
  }),
  z.strictObject({
    kind: z.literal('conversation.rename'),
    conversationId: Id,
    title: z.string().check(z.minLength(1), z.maxLength(LIMITS.TITLE_MAX)),
  }),
  z.strictObject({
    kind: z.literal('conversation.addParticipants'),
    conversationId: Id,
    participantIds: z.array(Id).check(z.minLength(1), z.maxLength(LIMITS.PARTICIPANTS_MAX - 1)),
  }),
  z.strictObject({ kind: z.literal('conversation.removeParticipant'), conversationId: Id, userId: Id }),
]);
export type ConversationAction = z.infer<typeof ConversationAction>;

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

/** Filter of `notifications.list`. */
export const NotificationFilter = z.strictObject({
  type: z.optional(NotificationType),
  unreadOnly: z.optional(z.boolean()),
  limit: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(500))),
});
export type NotificationFilter = z.infer<typeof NotificationFilter>;

/** Unread notifications, and among them missed calls (the MessagingButton badge). */
export const NotificationCounts = z.object({ unread: z.number(), missedCalls: z.number() });
export type NotificationCounts = z.infer<typeof NotificationCounts>;

const NotificationIds = z.array(z.string().check(z.maxLength(100))).check(z.maxLength(500));

/** Every request a tab can make, by op, with its args schema. */
export const SwRequest = z.discriminatedUnion('op', [
  z.strictObject({ id: z.string(), op: z.literal('session.get'), args: z.optional(z.strictObject({})) }),
  z.strictObject({
    id: z.string(),
    op: z.literal('auth.login'),
    args: z.strictObject({ username: z.string(), password: z.string() }),
  }),
  z.strictObject({ id: z.string(), op: z.literal('auth.logout'), args: z.optional(z.strictObject({})) }),
  z.strictObject({
    id: z.string(),
    op: z.literal('conversations.list'),
    args: z.optional(
      z.strictObject({
        filter: z.optional(ConversationFilter),
        /** Only conversations about this patient (national id). */
        patient: z.optional(z.string().check(z.maxLength(32))),
        /** Page size for the infinite list (the first `limit` conversations). */
        limit: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(10_000))),
      }),
    ),
  }),
  /** Archive, delete, rename, participants…: local at once when allowed offline, else through the server. */
  z.strictObject({ id: z.string(), op: z.literal('conversation.act'), args: ConversationAction }),
  /** Local, offline search over titles, participant and patient names and message text. */
  z.strictObject({
    id: z.string(),
    op: z.literal('search'),
    args: z.strictObject({ q: z.string().check(z.minLength(1), z.maxLength(LIMITS.SEARCH_QUERY_MAX)) }),
  }),
  /** Fetch (and cache) the page of messages older than the oldest one stored locally. */
  z.strictObject({ id: z.string(), op: z.literal('messages.older'), args: z.strictObject({ conversationId: Id }) }),
  /** The bytes of a file kept locally (attached offline, not yet uploaded). */
  z.strictObject({ id: z.string(), op: z.literal('file.get'), args: z.strictObject({ localId: z.string().check(z.maxLength(64)) }) }),
  z.strictObject({ id: z.string(), op: z.literal('stats.get'), args: z.optional(z.strictObject({})) }),
  z.strictObject({
    id: z.string(),
    op: z.literal('presence.get'),
    args: z.strictObject({ userIds: z.array(Id).check(z.maxLength(LIMITS.PARTICIPANTS_MAX * 4)) }),
  }),
  z.strictObject({
    id: z.string(),
    op: z.literal('conversation.create'),
    args: z.strictObject({
      participantIds: z.array(Id).check(z.minLength(1), z.maxLength(LIMITS.PARTICIPANTS_MAX - 1)),
      title: z.optional(z.string().check(z.minLength(1), z.maxLength(LIMITS.TITLE_MAX))),
      patient: z.optional(PatientRef),
    }),
  }),
  z.strictObject({
    id: z.string(),
    op: z.literal('messages.list'),
    args: z.strictObject({
      conversationId: Id,
      /** Sent messages per page (newest first from `beforeSeq`); MESSAGES_PAGE_DEFAULT when absent. */
      limit: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(MESSAGES_PAGE_MAX))),
      /** Only sent messages with a lower seq (an older page); absent: the newest page, with the unsent ones. */
      beforeSeq: z.optional(z.number().check(z.int(), z.minimum(1))),
    }),
  }),
  z.strictObject({
    id: z.string(),
    op: z.literal('message.send'),
    args: z.strictObject({
      conversationId: Id,
      messageId: Id,
      /** May be empty when files are attached. */
      body: z.string().check(z.maxLength(LIMITS.MESSAGE_BODY_MAX)),
      urgent: z.optional(z.boolean()),
      replyTo: z.optional(ReplyRef),
      files: z.optional(z.array(FileUpload).check(z.minLength(1), z.maxLength(LIMITS.ATTACHMENTS_MAX))),
    }).check(z.refine((args) => args.body.trim() !== '' || args.files !== undefined)),
  }),
  z.strictObject({ id: z.string(), op: z.literal('message.retry'), args: z.strictObject({ messageId: Id }) }),
  z.strictObject({
    id: z.string(),
    op: z.literal('read.mark'),
    args: z.strictObject({ conversationId: Id, seq: z.number().check(z.int(), z.minimum(0)) }),
  }),
  z.strictObject({
    id: z.string(),
    op: z.literal('users.search'),
    args: z.strictObject({ q: z.string().check(z.maxLength(LIMITS.SEARCH_QUERY_MAX)) }),
  }),
  /** The tab saw the network come back, became visible, or (re)connected its WebSocket. */
  z.strictObject({
    id: z.string(),
    op: z.literal('sync.now'),
    args: z.optional(z.strictObject({ reason: z.optional(z.enum(['online', 'visible', 'start', 'reconnect', 'manual'])) })),
  }),
  z.strictObject({ id: z.string(), op: z.literal('sync.state'), args: z.optional(z.strictObject({})) }),
  /** A live frame the tab received on its WebSocket, forwarded to the SW to be stored. */
  z.strictObject({ id: z.string(), op: z.literal('live.frame'), args: z.strictObject({ frame: LiveFrame }) }),
  z.strictObject({
    id: z.string(),
    op: z.literal('draft.set'),
    args: z.strictObject({ conversationId: Id, text: z.string().check(z.maxLength(LIMITS.MESSAGE_BODY_MAX)) }),
  }),
  z.strictObject({ id: z.string(), op: z.literal('draft.get'), args: z.strictObject({ conversationId: Id }) }),
  z.strictObject({ id: z.string(), op: z.literal('settings.get'), args: z.optional(z.strictObject({})) }),
  z.strictObject({ id: z.string(), op: z.literal('settings.set'), args: UserSettings }),
  /** Runs the TTL clean-up now (the app asks at open; the SW also runs it at activation and on periodic sync). */
  z.strictObject({ id: z.string(), op: z.literal('storage.cleanup'), args: z.optional(z.strictObject({})) }),
  z.strictObject({ id: z.string(), op: z.literal('storage.estimate'), args: z.optional(z.strictObject({})) }),
  /** Locks every tab (inactivity); `auth.unlock` with the password opens them again. */
  z.strictObject({ id: z.string(), op: z.literal('auth.lock'), args: z.optional(z.strictObject({})) }),
  z.strictObject({
    id: z.string(),
    op: z.literal('auth.unlock'),
    args: z.strictObject({ password: z.string().check(z.minLength(1), z.maxLength(1024)) }),
  }),
  /** The notification queue (NotificationCenter), newest first. */
  z.strictObject({ id: z.string(), op: z.literal('notifications.list'), args: z.optional(NotificationFilter) }),
  /** Marks notifications read: these ids, or every one of a conversation. */
  z.strictObject({
    id: z.string(),
    op: z.literal('notifications.read'),
    args: z.strictObject({ ids: z.optional(NotificationIds), conversationId: z.optional(Id) }),
  }),
  z.strictObject({ id: z.string(), op: z.literal('notifications.delete'), args: z.strictObject({ ids: NotificationIds }) }),
]);
export type SwRequest = z.infer<typeof SwRequest>;
export type SwOp = SwRequest['op'];
export type SwArgs<Op extends SwOp> = Extract<SwRequest, { op: Op }>['args'];

/** What each op answers. */
export interface SwResults {
  'session.get': SessionState;
  'auth.login': SessionState;
  'auth.logout': { discarded: number };
  'conversations.list': {
    conversations: ConversationSummary[];
    hasMore?: boolean;
    patients?: { nationalId: string; displayName: string }[];
    /** Unread messages over every conversation, whatever the filter. */
    totalUnread?: number;
  };
  'conversation.act': Record<string, never>;
  search: { hits: SearchHit[] };
  'messages.older': { added: number; hasMore: boolean };
  'file.get': { bytes: ArrayBuffer; mime: string; name: string };
  'stats.get': StatsReply;
  'presence.get': { presence: Presence[] };
  'conversation.create': { conversationId: string };
  'messages.list': {
    /** One page in display order: sent ones by seq, then (newest page only) pending and failed ones. */
    messages: LocalMessage[];
    /** True when sent messages older than this page are stored on this device. */
    hasOlderLocal: boolean;
    /** How many: the position of the page in the stored conversation. */
    olderLocal: number;
    readSeq: number;
    readBy: Record<string, number>;
    /** The open conversation's summary, whatever filter the list shows (newest page only). */
    summary?: ConversationSummary | null;
  };
  'message.send': { message: LocalMessage };
  'message.retry': { message: LocalMessage };
  'read.mark': Record<string, never>;
  'users.search': { users: UserSummary[] };
  'sync.now': SyncState;
  'sync.state': SyncState;
  'live.frame': Record<string, never>;
  'draft.set': Record<string, never>;
  'draft.get': { text: string };
  'settings.get': UserSettings;
  'settings.set': UserSettings;
  'storage.cleanup': CleanupReport;
  'storage.estimate': StorageInfo;
  'auth.lock': SessionState;
  'auth.unlock': SessionState;
  'notifications.list': { notifications: NotificationItem[]; counts: NotificationCounts };
  'notifications.read': NotificationCounts;
  'notifications.delete': NotificationCounts;
}

export type SwReply<Op extends SwOp = SwOp> =
  | { id: string; ok: true; result: SwResults[Op] }
  | { id: string; ok: false; error: { code: z.infer<typeof ErrorCodeSchema> } };

const ErrorCodeSchema = z.enum(ERROR_CODES);

export const SwReplySchema = z.union([
  z.object({ id: z.string(), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: z.string(), ok: z.literal(false), error: z.object({ code: ErrorCodeSchema }) }),
]);

/** Events the SW broadcasts on BroadcastChannel `relais`. */
export const SwEvent = z.union([
  z.object({ topic: z.literal('conversations'), data: z.object({}) }),
  /** Messages of one conversation changed (local echo, sent, received, failed): `messages:<id>`. */
  z.object({
    topic: z.string().check(z.regex(MESSAGES_TOPIC)),
    data: z.object({ conversationId: Id }),
  }),
  z.object({ topic: z.literal('sync'), data: SyncState }),
  z.object({ topic: z.literal('auth'), data: SessionState }),
  /** A new version of the app is waiting (the tab shows "Nouvelle version disponible"). */
  z.object({ topic: z.literal('update'), data: z.object({}) }),
  /**
   * The notification queue changed; `latest` is a notification just added (a visible tab plays
   * its sound).
   */
  z.object({
    topic: z.literal('notifications'),
    data: z.object({
      counts: NotificationCounts,
      latest: z.optional(z.object({ type: NotificationType, conversationId: z.nullable(Id), urgent: z.boolean() })),
    }),
  }),
  /** The notification preferences changed on another device: tabs read them again from the server. */
  z.object({ topic: z.literal('preferences'), data: z.object({}) }),
]);
export type SwEvent = z.infer<typeof SwEvent>;

