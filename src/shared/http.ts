import * as z from 'zod/mini';
import { LIMITS } from './limits.ts';
import { Change, Conversation, Id, Message, PatientRef, User, UserSummary } from './model.ts';
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

const MessageBody = z.string().check(z.minLength(1), z.maxLength(LIMITS.MESSAGE_BODY_MAX));

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
});
export type MessageSendArgs = z.infer<typeof MessageSendArgs>;

export const ReadMarkArgs = z.strictObject({
  conversationId: Id,
  seq: z.number().check(z.int(), z.minimum(0)),
});
export type ReadMarkArgs = z.infer<typeof ReadMarkArgs>;

/** A mutation: `id` is the idempotency key, scoped to the user. */
export const Mutation = z.discriminatedUnion('kind', [
  z.strictObject({ id: Id, kind: z.literal('conversation.create'), args: ConversationCreateArgs }),
  z.strictObject({ id: Id, kind: z.literal('message.send'), args: MessageSendArgs }),
  z.strictObject({ id: Id, kind: z.literal('read.mark'), args: ReadMarkArgs }),
]);
export type Mutation = z.infer<typeof Mutation>;
export type MutationKind = Mutation['kind'];

/** What each mutation kind answers when it succeeds. */
export interface MutationResults {
  'conversation.create': { conversation: Conversation };
  'message.send': { seq: number; serverTime: number };
  'read.mark': Record<string, never>;
}

/**
 * The push body. Each mutation is checked on its own on the server (one bad item fails alone),
 * so the envelope takes `unknown` items and `Mutation` is applied per item.
 */
export const PushBody = z.strictObject({
  deviceId: z.string().check(z.minLength(1), z.maxLength(64)),
  mutations: z.array(z.unknown()).check(z.minLength(1), z.maxLength(LIMITS.PUSH_BATCH_MAX)),
});
export type PushBody = z.infer<typeof PushBody>;

export const MutationResult = z.union([
  z.object({ id: z.string(), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: z.string(), ok: z.literal(false), error: z.object({ code: z.enum(ERROR_CODES) }) }),
]);
export type MutationResult = z.infer<typeof MutationResult>;

export const PushReply = z.object({ results: z.array(MutationResult) });
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
