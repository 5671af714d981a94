import * as z from 'zod/mini';
import { LIMITS } from './limits.ts';
import { Conversation, Id, PatientRef, User, UserSummary } from './model.ts';
import { ERROR_CODES } from './errors.ts';
import { ServerFrame } from './realtime.ts';

/**
 * Tab ↔ service worker protocol.
 *
 * Requests: `controller.postMessage({id, op, args}, [port])` — postMessage wakes a stopped SW.
 * Replies: on the transferred MessagePort, `{id, ok: true, result} | {id, ok: false, error: {code}}`.
 * Events: BroadcastChannel `relais`, `{topic, data}`.
 */

export const BROADCAST_CHANNEL = 'relais';

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
});
export type SessionState = z.infer<typeof SessionState>;

const Body = z.string().check(z.minLength(1), z.maxLength(LIMITS.MESSAGE_BODY_MAX));

/** Every request a tab can make, by op, with its args schema. */
export const SwRequest = z.discriminatedUnion('op', [
  z.strictObject({ id: z.string(), op: z.literal('session.get'), args: z.optional(z.strictObject({})) }),
  z.strictObject({
    id: z.string(),
    op: z.literal('auth.login'),
    args: z.strictObject({ username: z.string(), password: z.string() }),
  }),
  z.strictObject({ id: z.string(), op: z.literal('auth.logout'), args: z.optional(z.strictObject({})) }),
  z.strictObject({ id: z.string(), op: z.literal('conversations.list'), args: z.optional(z.strictObject({})) }),
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
    args: z.strictObject({ conversationId: Id }),
  }),
  z.strictObject({
    id: z.string(),
    op: z.literal('message.send'),
    args: z.strictObject({
      conversationId: Id,
      messageId: Id,
      body: Body,
      urgent: z.optional(z.boolean()),
    }),
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
  z.strictObject({ id: z.string(), op: z.literal('live.frame'), args: z.strictObject({ frame: ServerFrame }) }),
  z.strictObject({
    id: z.string(),
    op: z.literal('draft.set'),
    args: z.strictObject({ conversationId: Id, text: z.string().check(z.maxLength(LIMITS.MESSAGE_BODY_MAX)) }),
  }),
  z.strictObject({ id: z.string(), op: z.literal('draft.get'), args: z.strictObject({ conversationId: Id }) }),
]);
export type SwRequest = z.infer<typeof SwRequest>;
export type SwOp = SwRequest['op'];
export type SwArgs<Op extends SwOp> = Extract<SwRequest, { op: Op }>['args'];

/** What each op answers. */
export interface SwResults {
  'session.get': SessionState;
  'auth.login': SessionState;
  'auth.logout': { discarded: number };
  'conversations.list': { conversations: ConversationSummary[] };
  'conversation.create': { conversationId: string };
  'messages.list': { messages: LocalMessage[]; readSeq: number; readBy: Record<string, number> };
  'message.send': { message: LocalMessage };
  'message.retry': { message: LocalMessage };
  'read.mark': Record<string, never>;
  'users.search': { users: UserSummary[] };
  'sync.now': SyncState;
  'sync.state': SyncState;
  'live.frame': Record<string, never>;
  'draft.set': Record<string, never>;
  'draft.get': { text: string };
}

export type SwReply<Op extends SwOp = SwOp> =
  | { id: string; ok: true; result: SwResults[Op] }
  | { id: string; ok: false; error: { code: z.infer<typeof ErrorCodeSchema> } };

const ErrorCodeSchema = z.enum(ERROR_CODES);

export const SwReplySchema = z.union([
  z.object({ id: z.string(), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: z.string(), ok: z.literal(false), error: z.object({ code: ErrorCodeSchema }) }),
]);

/** Topic of the event telling that a conversation's messages changed. */
export function messagesTopic(conversationId: string): `messages:${string}` {
  return `messages:${conversationId}`;
}

/** Events the SW broadcasts on BroadcastChannel `relais`. */
export const SwEvent = z.union([
  z.object({ topic: z.literal('conversations'), data: z.object({}) }),
  /** Messages of one conversation changed (local echo, sent, received, failed): `messages:<id>`. */
  z.object({
    topic: z.string().check(z.regex(/^messages:[0-9a-f-]{36}$/)),
    data: z.object({ conversationId: Id }),
  }),
  z.object({ topic: z.literal('sync'), data: SyncState }),
  z.object({ topic: z.literal('auth'), data: SessionState }),
  /** A new version of the app is waiting (the tab shows "Nouvelle version disponible"). */
  z.object({ topic: z.literal('update'), data: z.object({}) }),
]);
export type SwEvent = z.infer<typeof SwEvent>;

