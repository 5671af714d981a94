import * as z from 'zod/mini';
import { LIMITS } from './limits.ts';
import { Attachment, Change, Conversation, Id, Message, PatientRef, Presence, ReplyRef, User, UserSummary } from './model.ts';
import { ERROR_CODES } from './errors.ts';

/** Schemas of HTTP bodies and queries under `/api` (see DESIGN.md, "Wire protocol"). */

export const LoginBody = z.strictObject({
  username: z.string().check(z.minLength(1), z.maxLength(LIMITS.USERNAME_MAX)),
  password: z.string().check(z.minLength(1), z.maxLength(LIMITS.PASSWORD_MAX)),
});
export type LoginBody = z.infer<typeof LoginBody>;

export const UserReply = z.object({ user: User });
export type UserReply = z.infer<typeof UserReply>;

export const UsersQuery = z.strictObject({
  q: z.optional(z.string().check(z.maxLength(LIMITS.SEARCH_QUERY_MAX))),
});
export const UsersReply = z.object({ users: z.array(UserSummary) });
export type UsersReply = z.infer<typeof UsersReply>;

/** Empty only when files are attached (checked by the gateway). */
const MessageBody = z.string().check(z.maxLength(LIMITS.MESSAGE_BODY_MAX));

export const ConversationCreateArgs = z.strictObject({
  conversationId: Id,
  /** Other participants; the creator is added by the server. */
  participantIds: z.array(Id).check(z.minLength(1), z.maxLength(LIMITS.PARTICIPANTS_MAX - 1)),
  title: z.optional(z.string().check(z.minLength(1), z.maxLength(LIMITS.TITLE_MAX))),
  patient: z.optional(PatientRef),
});
export type ConversationCreateArgs = z.infer<typeof ConversationCreateArgs>;

export const MessageSendArgs = z.strictObject({
  conversationId: Id,
  messageId: Id,
  body: MessageBody,
  urgent: z.optional(z.boolean()),
  replyTo: z.optional(ReplyRef),
  attachments: z.optional(z.array(Attachment).check(z.minLength(1), z.maxLength(LIMITS.ATTACHMENTS_MAX))),
});
export type MessageSendArgs = z.infer<typeof MessageSendArgs>;

export const ReadMarkArgs = z.strictObject({
  conversationId: Id,
  seq: z.number().check(z.int(), z.minimum(0)),
});
export type ReadMarkArgs = z.infer<typeof ReadMarkArgs>;

/** Args of the lifecycle mutations that name only the conversation. */
export const ConversationRefArgs = z.strictObject({ conversationId: Id });
export type ConversationRefArgs = z.infer<typeof ConversationRefArgs>;

export const ConversationRenameArgs = z.strictObject({
  conversationId: Id,
  title: z.string().check(z.minLength(1), z.maxLength(LIMITS.TITLE_MAX)),
});
export type ConversationRenameArgs = z.infer<typeof ConversationRenameArgs>;

export const AddParticipantsArgs = z.strictObject({
  conversationId: Id,
  participantIds: z.array(Id).check(z.minLength(1), z.maxLength(LIMITS.PARTICIPANTS_MAX - 1)),
});
export type AddParticipantsArgs = z.infer<typeof AddParticipantsArgs>;

export const RemoveParticipantArgs = z.strictObject({ conversationId: Id, userId: Id });
export type RemoveParticipantArgs = z.infer<typeof RemoveParticipantArgs>;

/** A mutation: `id` is the idempotency key, scoped to the user. */
export const Mutation = z.discriminatedUnion('kind', [
  z.strictObject({ id: Id, kind: z.literal('conversation.create'), args: ConversationCreateArgs }),
  z.strictObject({ id: Id, kind: z.literal('message.send'), args: MessageSendArgs }),
  z.strictObject({ id: Id, kind: z.literal('read.mark'), args: ReadMarkArgs }),
  /** Per user: out of the inbox until a new message arrives. */
  z.strictObject({ id: Id, kind: z.literal('conversation.archive'), args: ConversationRefArgs }),
  z.strictObject({ id: Id, kind: z.literal('conversation.unarchive'), args: ConversationRefArgs }),
  /** Delete for me: hides the conversation and its history up to now, for this user only. */
  z.strictObject({ id: Id, kind: z.literal('conversation.hide'), args: ConversationRefArgs }),
  /** Delete for everyone: its creator or an admin only. */
  z.strictObject({ id: Id, kind: z.literal('conversation.delete'), args: ConversationRefArgs }),
  z.strictObject({ id: Id, kind: z.literal('conversation.rename'), args: ConversationRenameArgs }),
  z.strictObject({ id: Id, kind: z.literal('conversation.addParticipants'), args: AddParticipantsArgs }),
  z.strictObject({ id: Id, kind: z.literal('conversation.removeParticipant'), args: RemoveParticipantArgs }),
  z.strictObject({ id: Id, kind: z.literal('conversation.leave'), args: ConversationRefArgs }),
]);
export type Mutation = z.infer<typeof Mutation>;
export type MutationKind = Mutation['kind'];

/** What each mutation kind answers when it succeeds. */
export interface MutationResults {
  'conversation.create': { conversation: Conversation };
  'message.send': { seq: number; serverTime: number };
  'read.mark': Record<string, never>;
  'conversation.archive': { archivedAtSeq: number | null; hiddenUpToSeq: number };
  'conversation.unarchive': { archivedAtSeq: number | null; hiddenUpToSeq: number };
  'conversation.hide': { archivedAtSeq: number | null; hiddenUpToSeq: number };
  'conversation.delete': Record<string, never>;
  'conversation.rename': { conversation: Conversation };
  'conversation.addParticipants': { conversation: Conversation };
  'conversation.removeParticipant': { conversation: Conversation };
  'conversation.leave': { conversation: Conversation };
}

/**
 * The push body. Each mutation is checked on its own on the server (one bad item fails alone),
 * so the envelope takes `unknown` items and `Mutation` is applied per item.
 */
export const PushBody = z.strictObject({
  deviceId: z.string().check(z.minLength(1), z.maxLength(64)),
  mutations: z.array(z.unknown()).check(z.minLength(1), z.maxLength(LIMITS.PUSH_BATCH_MAX)),
  /**
   * The pull cursor the device last stored. When its epoch is not the store's any more (Redis lost
   * its data), nothing is applied and the answer is `{results: [], reset: true}`: the device must
   * pull (and reset) first, so its outbox is not refused against conversations the store forgot.
   */
  cursor: z.optional(z.string().check(z.maxLength(200))),
});
export type PushBody = z.infer<typeof PushBody>;

export const MutationResult = z.union([
  z.object({ id: z.string(), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: z.string(), ok: z.literal(false), error: z.object({ code: z.enum(ERROR_CODES) }) }),
]);
export type MutationResult = z.infer<typeof MutationResult>;

export const PushReply = z.object({
  results: z.array(MutationResult),
  /** Set when the pushed `cursor` is from an older epoch: nothing was applied; pull, then push again. */
  reset: z.optional(z.literal(true)),
});
export type PushReply = z.infer<typeof PushReply>;

export const PullQuery = z.strictObject({
  cursor: z.optional(z.string().check(z.maxLength(200))),
  limit: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(LIMITS.PULL_LIMIT_MAX))),
});

export const PullReply = z.union([
  z.object({ reset: z.literal(true), cursor: z.string() }),
  z.object({ changes: z.array(Change), cursor: z.string(), hasMore: z.boolean() }),
]);
export type PullReply = z.infer<typeof PullReply>;

export const HistoryQuery = z.strictObject({
  before: z.optional(z.coerce.number().check(z.int(), z.minimum(1))),
  limit: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(LIMITS.HISTORY_LIMIT_MAX))),
});
export const HistoryReply = z.object({ messages: z.array(Message) });
export type HistoryReply = z.infer<typeof HistoryReply>;

export const ConversationsReply = z.object({ conversations: z.array(Conversation) });
export type ConversationsReply = z.infer<typeof ConversationsReply>;

/** `POST /api/attachments` answer: the stored file's id (its SHA-256) and what was sniffed. */
export const UploadReply = z.object({ id: z.string(), mime: z.string(), size: z.number() });
export type UploadReply = z.infer<typeof UploadReply>;

/** `GET /api/stats`: the signed-in user's messaging over the last `days` days. */
export const StatsReply = z.object({
  days: z.number(),
  sent: z.number(),
  received: z.number(),
  unread: z.number(),
  activeConversations: z.number(),
  archivedConversations: z.number(),
  /** Median time between a message from someone else and my next answer, seconds; null with no answer. */
  medianResponseSeconds: z.nullable(z.number()),
});
export type StatsReply = z.infer<typeof StatsReply>;

export const PresenceQuery = z.strictObject({
  ids: z.string().check(z.maxLength(37 * LIMITS.PARTICIPANTS_MAX * 4)),
});
export const PresenceReply = z.object({ presence: z.array(Presence) });
export type PresenceReply = z.infer<typeof PresenceReply>;
