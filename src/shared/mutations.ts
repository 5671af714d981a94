import * as z from 'zod/mini';
import { droppable } from './droppable.ts';
import { ERROR_CODES } from './errors.ts';
import { LIMITS } from './limits.ts';
import { Attachment, Conversation, Id, PatientRef, ReplyTarget } from './model.ts';

/**
 * Mutations: what a device changes on the server, pushed in batches to `POST /api/sync/push` (from
 * the outbox, so they can be written offline). `id` is the idempotency key, scoped to the user: a
 * replay answers the original result. Each kind's args are defined once here; the gateway, the
 * service worker's request schemas and the outbox all derive from them.
 */

/** A message body; empty only when files are attached (checked by the gateway). */
export const MessageBody = z.string().check(z.maxLength(LIMITS.MESSAGE_BODY_MAX));

/** The other participants of a new conversation or of those added to a group (the creator is added by the server). */
const ParticipantIds = z.array(Id).check(z.minLength(1), z.maxLength(LIMITS.PARTICIPANTS_MAX - 1));

export const ConversationTitle = z.string().check(z.minLength(1), z.maxLength(LIMITS.TITLE_MAX));

export const ConversationCreateArgs = z.strictObject({
  conversationId: Id,
  participantIds: ParticipantIds,
  title: z.optional(ConversationTitle),
  patient: z.optional(PatientRef),
  /**
   * To a function rather than a name: the gateway adds whoever holds it now (whatever the device
   * believed) and records it as the conversation's `function`.
   */
  functionId: z.optional(Id),
});
export type ConversationCreateArgs = z.infer<typeof ConversationCreateArgs>;

export const MessageSendArgs = z.strictObject({
  conversationId: Id,
  messageId: Id,
  body: MessageBody,
  urgent: z.optional(z.boolean()),
  replyTo: z.optional(ReplyTarget),
  attachments: z.optional(z.array(Attachment).check(z.minLength(1), z.maxLength(LIMITS.ATTACHMENTS_MAX))),
});
export type MessageSendArgs = z.infer<typeof MessageSendArgs>;

export const ReadMarkArgs = z.strictObject({
  conversationId: Id,
  seq: z.number().check(z.int(), z.minimum(0)),
});
export type ReadMarkArgs = z.infer<typeof ReadMarkArgs>;

/** An acknowledgement of an urgent message by one of its recipients; `claim`: "Je prends en charge". */
export const MessageAckArgs = z.strictObject({ conversationId: Id, messageId: Id, claim: z.optional(z.boolean()) });
export type MessageAckArgs = z.infer<typeof MessageAckArgs>;

/** The edit window when the clinic set none (`editWindowMinutes` of the clinic settings). */
export const EDIT_WINDOW_DEFAULT_MINUTES = 15;

/** Its author changes a text message's body (within the clinic's edit window); `id` names the edit's line. */
export const MessageEditArgs = z.strictObject({ conversationId: Id, messageId: Id, body: MessageBody });
export type MessageEditArgs = z.infer<typeof MessageEditArgs>;

/** Its author withdraws a message: its content is erased everywhere, "Message retiré par …" stays. */
export const MessageRedactArgs = z.strictObject({ conversationId: Id, messageId: Id });
export type MessageRedactArgs = z.infer<typeof MessageRedactArgs>;

/** Args of the lifecycle mutations that name only the conversation. */
export const ConversationRefArgs = z.strictObject({ conversationId: Id });
export type ConversationRefArgs = z.infer<typeof ConversationRefArgs>;

export const ConversationRenameArgs = z.strictObject({ conversationId: Id, title: ConversationTitle });
export type ConversationRenameArgs = z.infer<typeof ConversationRenameArgs>;

export const AddParticipantsArgs = z.strictObject({ conversationId: Id, participantIds: ParticipantIds });
export type AddParticipantsArgs = z.infer<typeof AddParticipantsArgs>;

export const RemoveParticipantArgs = z.strictObject({ conversationId: Id, userId: Id });
export type RemoveParticipantArgs = z.infer<typeof RemoveParticipantArgs>;

/** Every mutation kind with its args schema: the one list of kinds (the gateway refuses others with `unknown_mutation`). */
export const MUTATION_ARGS = {
  'conversation.create': ConversationCreateArgs,
  /** The mutation `id` equals `messageId`. */
  'message.send': MessageSendArgs,
  'read.mark': ReadMarkArgs,
  /** A recipient of an urgent message acknowledges it (or claims it): idempotent per recipient, message and claim. */
  'message.ack': MessageAckArgs,
  /** Its author edits a message within the edit window: a `message.edited` line carrying the new body (its id: the mutation id). */
  'message.edit': MessageEditArgs,
  /** Its author withdraws a message, at any time: a `message.redacted` line, the content erased on the server. */
  'message.redact': MessageRedactArgs,
  /** Per user: out of the inbox until a new message arrives. */
  'conversation.archive': ConversationRefArgs,
  'conversation.unarchive': ConversationRefArgs,
  /** Delete for me: hides the conversation and its history up to now, for this user only. */
  'conversation.hide': ConversationRefArgs,
  /** Delete for everyone: its creator or an admin only. */
  'conversation.delete': ConversationRefArgs,
  'conversation.rename': ConversationRenameArgs,
  'conversation.addParticipants': AddParticipantsArgs,
  'conversation.removeParticipant': RemoveParticipantArgs,
  'conversation.leave': ConversationRefArgs,
  /**
   * The user opened the conversation on a device, from its own copy: recorded in the audit trail
   * (`conversation.opened`, the access log), nothing else written. Sent through the outbox, so an
   * opening offline is recorded once the device is back.
   */
  'conversation.open': ConversationRefArgs,
} as const;

export type MutationKind = keyof typeof MUTATION_ARGS;
export const MUTATION_KINDS = Object.keys(MUTATION_ARGS) as MutationKind[];

/** True for a kind the gateway knows. */
export function isMutationKind(value: unknown): value is MutationKind {
  return typeof value === 'string' && Object.hasOwn(MUTATION_ARGS, value);
}

/** One mutation: `{id, kind, args}` with the args of its kind. */
export type Mutation = {
  [K in MutationKind]: { id: string; kind: K; args: z.infer<(typeof MUTATION_ARGS)[K]> };
}[MutationKind];

function mutationOf(kind: MutationKind) {
  return z.strictObject({ id: Id, kind: z.literal(kind), args: MUTATION_ARGS[kind] });
}

/** One mutation, checked by the gateway item by item (`droppable`: the devices do not carry it). */
export const Mutation = droppable(() => {
  const [firstKind, ...otherKinds] = MUTATION_KINDS as [MutationKind, ...MutationKind[]];
  return z.discriminatedUnion('kind', [mutationOf(firstKind), ...otherKinds.map(mutationOf)]) as unknown as z.ZodMiniType<Mutation>;
});

/** What each mutation kind answers when it succeeds. */
export interface MutationResults {
  'conversation.create': { conversation: Conversation };
  'message.send': { seq: number; serverTime: number };
  'read.mark': Record<string, never>;
  'message.ack': { seq: number; serverTime: number };
  'message.edit': { seq: number; serverTime: number };
  'message.redact': { seq: number; serverTime: number };
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
 * One item of a push answer: the result of the mutation `id`, or its stable error code (with
 * `rate_limited`, the wait before that item would pass).
 */
export const MutationResult = z.union([
  z.object({ id: z.string(), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: z.string(), ok: z.literal(false), error: z.object({ code: z.enum(ERROR_CODES), retryAfterMs: z.optional(z.number()) }) }),
]);
export type MutationResult = z.infer<typeof MutationResult>;
