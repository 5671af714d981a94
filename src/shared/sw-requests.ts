import * as z from 'zod/mini';
import { ERROR_CODES, type ErrorCode } from './errors.ts';
import { LoginBody, UserSearchText } from './http.ts';
import { LIMITS } from './limits.ts';
import { LiveFrame } from './live-frames.ts';
import {
  CleanupReport,
  ConversationSummary,
  LocalMessage,
  NotificationCounts,
  NotificationItem,
  NotificationType,
  SearchHit,
  SessionState,
  StorageInfo,
  SyncState,
  UserSettings,
  ConversationFilter,
} from './local-model.ts';
import { ATTACHMENT_MIME_TYPES, THUMBNAIL_MIME_TYPES } from './media-types.ts';
import { Id, type Presence, type UserSummary } from './model.ts';
import {
  AddParticipantsArgs,
  ConversationCreateArgs,
  ConversationRefArgs,
  ConversationRenameArgs,
  MessageAckArgs,
  MessageEditArgs,
  MessageRedactArgs,
  MessageBody,
  MessageSendArgs,
  ReadMarkArgs,
  RemoveParticipantArgs,
} from './mutations.ts';

/**
 * Tab → service worker requests.
 *
 * Requests: `controller.postMessage({id, op, args}, [port])` — postMessage wakes a stopped SW.
 * Replies: on the transferred MessagePort, `{id, ok: true, result} | {id, ok: false, error: {code}}`.
 * Where a request becomes an HTTP call or a mutation, its args are derived from that schema
 * (http.ts, mutations.ts), so the tab and the gateway check the same limits.
 */

/** Sent messages `messages.list` answers when no `limit` is given, and the most it answers. */
export const MESSAGES_PAGE_DEFAULT = 200;
export const MESSAGES_PAGE_MAX = 1000;

const NoArgs = z.optional(z.strictObject({}));

/** Bytes of a picked file: a non-empty ArrayBuffer of at most `max` bytes. */
const Bytes = (max: number) => z.custom<ArrayBuffer>((value) => value instanceof ArrayBuffer && value.byteLength > 0 && value.byteLength <= max);

/** A file picked in the page, handed to the SW with its bytes (kept there until uploaded). */
export const FileUpload = z.strictObject({
  name: z.string().check(z.minLength(1), z.maxLength(LIMITS.FILE_NAME_MAX)),
  mime: z.enum(ATTACHMENT_MIME_TYPES),
  bytes: Bytes(LIMITS.FILE_MAX_BYTES),
  thumb: z.optional(z.strictObject({ bytes: Bytes(256 * 1024), mime: z.enum(THUMBNAIL_MIME_TYPES) })),
  width: z.optional(z.number().check(z.int(), z.minimum(1))),
  height: z.optional(z.number().check(z.int(), z.minimum(1))),
});
export type FileUpload = z.infer<typeof FileUpload>;

/** Conversation lifecycle actions the list and header offer: each becomes the mutation of its `kind`, with the same args. */
export const ConversationAction = z.union([
  z.strictObject({
    kind: z.enum(['conversation.archive', 'conversation.unarchive', 'conversation.hide', 'conversation.delete', 'conversation.leave', 'conversation.open']),
    ...ConversationRefArgs.shape,
  }),
  z.strictObject({ kind: z.literal('conversation.rename'), ...ConversationRenameArgs.shape }),
  z.strictObject({ kind: z.literal('conversation.addParticipants'), ...AddParticipantsArgs.shape }),
  z.strictObject({ kind: z.literal('conversation.removeParticipant'), ...RemoveParticipantArgs.shape }),
  /** "Pris en compte" / "Je prends en charge" on an urgent message: through the outbox, so offline too. */
  z.strictObject({ kind: z.literal('message.ack'), ...MessageAckArgs.shape }),
  /** "Modifier" / "Retirer" on my own message: shown at once, then through the outbox (offline too). */
  z.strictObject({ kind: z.literal('message.edit'), ...MessageEditArgs.shape }),
  z.strictObject({ kind: z.literal('message.redact'), ...MessageRedactArgs.shape }),
]);
export type ConversationAction = z.infer<typeof ConversationAction>;

/** Filter of `notifications.list`. */
export const NotificationFilter = z.strictObject({
  type: z.optional(NotificationType),
  unreadOnly: z.optional(z.boolean()),
  limit: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(500))),
});
export type NotificationFilter = z.infer<typeof NotificationFilter>;

const NotificationIds = z.array(z.string().check(z.maxLength(100))).check(z.maxLength(500));

/** Every op a tab can ask for, with its args schema. */
export const SW_REQUEST_ARGS = {
  'session.get': NoArgs,
  /** The HTTP login body: the same limits as the gateway's. */
  'auth.login': LoginBody,
  'auth.logout': NoArgs,
  /** Adopts the session the single sign-on callback just opened (once per sign-in): sign-in, or unlock. */
  'auth.sso': NoArgs,
  'conversations.list': z.optional(
    z.strictObject({
      filter: z.optional(ConversationFilter),
      /** Only conversations about this patient (national id). */
      patient: z.optional(z.string().check(z.maxLength(32))),
      /** Page size for the infinite list (the first `limit` conversations). */
      limit: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(10_000))),
    }),
  ),
  /** Archive, delete, rename, participants…: local at once when allowed offline, else through the server. */
  'conversation.act': ConversationAction,
  /** Local, offline search over titles, participant and patient names and message text. */
  search: z.strictObject({ q: z.string().check(z.minLength(1), z.maxLength(LIMITS.SEARCH_QUERY_MAX)) }),
  /** Fetch (and cache) the page of messages older than the oldest one stored locally. */
  'messages.older': z.strictObject({ conversationId: Id }),
  /** The bytes of a file kept locally (attached offline, not yet uploaded). */
  'file.get': z.strictObject({ localId: z.string().check(z.maxLength(64)) }),
  'presence.get': z.strictObject({ userIds: z.array(Id).check(z.maxLength(LIMITS.PARTICIPANTS_MAX * 4)) }),
  /** `conversation.create` without its id: the SW picks it. */
  'conversation.create': z.strictObject({
    participantIds: ConversationCreateArgs.shape.participantIds,
    title: ConversationCreateArgs.shape.title,
    patient: ConversationCreateArgs.shape.patient,
    functionId: ConversationCreateArgs.shape.functionId,
  }),
  'messages.list': z.strictObject({
    conversationId: Id,
    /** Sent messages per page (newest first from `beforeSeq`); MESSAGES_PAGE_DEFAULT when absent. */
    limit: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(MESSAGES_PAGE_MAX))),
    /** Only sent messages with a lower seq (an older page); absent: the newest page, with the unsent ones. */
    beforeSeq: z.optional(z.number().check(z.int(), z.minimum(1))),
  }),
  /** `message.send` with the picked files instead of uploaded attachments; the body may be empty only with files. */
  'message.send': z
    .strictObject({
      conversationId: MessageSendArgs.shape.conversationId,
      messageId: MessageSendArgs.shape.messageId,
      body: MessageSendArgs.shape.body,
      urgent: MessageSendArgs.shape.urgent,
      replyTo: MessageSendArgs.shape.replyTo,
      files: z.optional(z.array(FileUpload).check(z.minLength(1), z.maxLength(LIMITS.ATTACHMENTS_MAX))),
    })
    .check(z.refine((args) => args.body.trim() !== '' || args.files !== undefined)),
  'message.retry': z.strictObject({ messageId: Id }),
  'read.mark': ReadMarkArgs,
  'users.search': z.strictObject({ q: UserSearchText }),
  /** The tab saw the network come back, became visible, or (re)connected its WebSocket. */
  'sync.now': z.optional(z.strictObject({ reason: z.optional(z.enum(['online', 'visible', 'start', 'reconnect', 'manual'])) })),
  'sync.state': NoArgs,
  /** A live frame the tab received on its WebSocket, forwarded to the SW to be stored. */
  'live.frame': z.strictObject({ frame: LiveFrame }),
  'draft.set': z.strictObject({ conversationId: Id, text: MessageBody }),
  'draft.get': z.strictObject({ conversationId: Id }),
  'settings.get': NoArgs,
  'settings.set': UserSettings,
  /** Runs the TTL clean-up now (the app asks at open; the SW also runs it at activation and on periodic sync). */
  'storage.cleanup': NoArgs,
  'storage.estimate': NoArgs,
  /** Locks every tab (inactivity); `auth.unlock` with the password opens them again. */
  'auth.lock': NoArgs,
  'auth.unlock': z.strictObject({ password: LoginBody.shape.password, otp: LoginBody.shape.otp }),
  /** The notification queue (NotificationCenter), newest first. */
  'notifications.list': z.optional(NotificationFilter),
  /** Marks notifications read: these ids, or every one of a conversation. */
  'notifications.read': z.strictObject({ ids: z.optional(NotificationIds), conversationId: z.optional(Id) }),
  'notifications.delete': z.strictObject({ ids: NotificationIds }),
} as const;

export type SwOp = keyof typeof SW_REQUEST_ARGS;
export const SW_OPS = Object.keys(SW_REQUEST_ARGS) as SwOp[];
export type SwArgs<Op extends SwOp> = z.infer<(typeof SW_REQUEST_ARGS)[Op]>;

/** One request: `{id, op, args}` with the args of its op. */
export type SwRequest = { [Op in SwOp]: { id: string; op: Op; args: SwArgs<Op> } }[SwOp];

/** True for an op the service worker answers. */
export function isSwOp(value: unknown): value is SwOp {
  return typeof value === 'string' && Object.hasOwn(SW_REQUEST_ARGS, value);
}

function requestOf(op: SwOp) {
  return z.strictObject({ id: z.string(), op: z.literal(op), args: SW_REQUEST_ARGS[op] });
}

const [firstOp, ...otherOps] = SW_OPS as [SwOp, ...SwOp[]];
export const SwRequest = z.discriminatedUnion('op', [requestOf(firstOp), ...otherOps.map(requestOf)]) as unknown as z.ZodMiniType<SwRequest>;

/** What each op answers. */
export interface SwResults {
  'session.get': SessionState;
  'auth.login': SessionState;
  'auth.logout': { discarded: number };
  'auth.sso': SessionState;
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
  'presence.get': { presence: Presence[] };
  'conversation.create': { conversationId: string };
  'messages.list': {
    /** One page in display order: sent ones by seq, then (newest page only) pending and failed ones. */
    messages: LocalMessage[];
    /** Sent messages stored on this device older than this page: the position of the page in the stored conversation. */
    olderLocal: number;
    /**
     * The stored copies of the messages this page quotes (`replyTo`), of the same conversation: the
     * app shows a quote from them, never from the reply itself (src/app/features/chat/quote.ts).
     */
    quoted: LocalMessage[];
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

/** The answer to one request, on its MessagePort. */
export type SwReply<Op extends SwOp = SwOp> =
  | { id: string; ok: true; result: SwResults[Op] }
  | { id: string; ok: false; error: { code: ErrorCode } };

export const SwReplySchema = z.union([
  z.object({ id: z.string(), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: z.string(), ok: z.literal(false), error: z.object({ code: z.enum(ERROR_CODES) }) }),
]);
