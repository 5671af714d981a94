import * as z from 'zod/mini';
import { LIMITS } from './limits.ts';
import { ATTACHMENT_MIME_TYPES } from './media-types.ts';

/** Schemas of the domain objects that cross boundaries, and their inferred types. */

export const Id = z.uuid();

export const Role = z.enum(['doctor', 'nurse', 'secretary', 'patient', 'admin']);
export type Role = z.infer<typeof Role>;

/**
 * An availability status a user sets for themselves (the seed's userManager): shown to whoever sees
 * them in the directory, in conversation headers and in the conversation list.
 */
export const AvailabilityState = z.enum(['available', 'busy', 'in_consultation', 'away', 'on_call']);
export type AvailabilityState = z.infer<typeof AvailabilityState>;
export const Availability = z.object({
  state: AvailabilityState,
  /** Free text ("au bloc jusqu'à 15 h"). */
  message: z.optional(z.string().check(z.maxLength(LIMITS.STATUS_MESSAGE_MAX))),
  /** When the status ends (ms since the epoch); past it, nobody is shown it any more. */
  until: z.optional(z.number()),
});
export type Availability = z.infer<typeof Availability>;

/** The profile fields an admin sets (staff): service or department, and job title. */
const Profile = {
  service: z.optional(z.string().check(z.maxLength(LIMITS.PROFILE_FIELD_MAX))),
  jobTitle: z.optional(z.string().check(z.maxLength(LIMITS.PROFILE_FIELD_MAX))),
};

export const User = z.object({
  id: Id,
  username: z.string(),
  displayName: z.string(),
  role: Role,
  ...Profile,
  /** The user's own availability status, when set and not ended. */
  status: z.optional(Availability),
});
export type User = z.infer<typeof User>;

/** A directory entry: what `GET /api/users` shows of another user. */
export const UserSummary = z.object({
  id: Id,
  displayName: z.string(),
  role: Role,
  ...Profile,
  status: z.optional(Availability),
  /** A deleted account (its display name empty): the app names it "Compte supprimé". */
  deleted: z.optional(z.literal(true)),
});
export type UserSummary = z.infer<typeof UserSummary>;

/** A conversation's participant: the same entry as in the directory. */
export const Participant = UserSummary;
export type Participant = UserSummary;

/** A patient's national identifier (INS): a conversation's patient context, a patient account's own. */
export const NationalId = z.string().check(z.minLength(1), z.maxLength(32));

export const PatientRef = z.object({
  nationalId: NationalId,
  displayName: z.string().check(z.minLength(1), z.maxLength(LIMITS.DISPLAY_NAME_MAX)),
});
export type PatientRef = z.infer<typeof PatientRef>;

export const Conversation = z.object({
  id: Id,
  kind: z.enum(['direct', 'group']),
  title: z.nullable(z.string()),
  participants: z.array(Participant),
  createdBy: Id,
  createdAt: z.number(),
  patient: z.nullable(PatientRef),
  /** Addressed to a function ("Médecin de garde — Cardiologie"): it reached whoever held it then, who is among the participants. */
  function: z.optional(z.object({ id: Id, name: z.string(), holderId: Id })),
});
export type Conversation = z.infer<typeof Conversation>;

/** How a call that was not missed ended, as its timeline line says it (see SystemEvent `call.ended`). */
export const CALL_LINE_OUTCOMES = ['completed', 'declined', 'failed'] as const;

/**
 * What a `system` message records (written by the server only, never accepted from a client): a
 * call that ended — `call.missed` (missed, unanswered or cancelled: unread and notified for the
 * callee) or `call.ended` (answered, declined or cut off: never unread, never notified) — or a
 * change to a group (title, participants). Clients that do not know a type show a neutral line.
 */
export const SystemEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('call.missed'), callId: Id }),
  z.object({
    type: z.literal('call.ended'),
    callId: Id,
    callerId: Id,
    calleeId: Id,
    outcome: z.enum(CALL_LINE_OUTCOMES),
    video: z.boolean(),
    /** From answer to end, whole seconds (0 for a declined call). */
    durationSeconds: z.number().check(z.int(), z.minimum(0)),
  }),
  z.object({ type: z.literal('conversation.renamed'), by: Id, title: z.string() }),
  z.object({ type: z.literal('participants.added'), by: Id, userIds: z.array(Id) }),
  z.object({ type: z.literal('participant.removed'), by: Id, userId: Id }),
  z.object({ type: z.literal('participant.left'), userId: Id }),
  /**
   * A recipient acknowledged an urgent message (`message.ack`): "Pris en compte", or with `claim`
   * "Je prends en charge". Written as theirs, never unread, never notified; its id is derived from
   * (conversation, message, user, claim) — shared/urgent-ack.ts — so it is written once.
   */
  z.object({ type: z.literal('urgent.ack'), messageId: Id, claim: z.boolean() }),
  /**
   * Nobody answered an urgent message of a conversation written to a function: step `step` (1…) of
   * the function's escalation ladder added `userId` (if not a member yet) and alerted them,
   * `afterMinutes` after it was sent. Written by the gateway, as the message's sender, under an id
   * derived from (conversation, message, step) — it is written once (oncall/ladder-lines.ts).
   */
  z.object({ type: z.literal('urgent.escalated'), messageId: Id, step: z.number(), userId: Id, afterMinutes: z.number() }),
  /** The function the conversation was written to passed from `fromUserId` to `toUserId`, who was added (a handover, an override). */
  z.object({ type: z.literal('function.handover'), functionId: Id, fromUserId: Id, toUserId: Id }),
  /**
   * Its author edited the message `messageId` (`message.edit`): the line's `body` is the new text
   * (encrypted like any body once bodies are), written as the author's; never unread, never notified.
   */
  z.object({ type: z.literal('message.edited'), messageId: Id }),
  /**
   * Its author withdrew the message `messageId` (`message.redact`): no content; the server erased the
   * message's text and files and those of its versions (it reads "Message retiré par …").
   */
  z.object({ type: z.literal('message.redacted'), messageId: Id }),
]);
export type SystemEvent = z.infer<typeof SystemEvent>;

/** True when one of `union`'s members has this `type`; false for a type added by a server newer than this client. */
const knows = (union: z.ZodMiniType, type: unknown): boolean => union._zod.propValues?.type?.has(type as string) === true;
/**
 * `union`, also taking (as it came) an object whose `type` none of its members has: a service worker
 * is often older than the gateway it talks to. The static type stays `union`'s: whoever reads one
 * switches on `type` and does nothing, or something neutral, for a type it does not know.
 */
const newer = <T extends z.ZodMiniType>(union: T) => z.union([union, z.looseObject({ type: z.string().check(z.refine((type) => !knows(union, type))) })]) as unknown as T;

/** Lowercase hex SHA-256: the id of a stored file (content-addressed). */
export const BlobId = z.string().check(z.regex(/^[0-9a-f]{64}$/));

/** A file attached to a message (image or PDF), stored once on the server by its hash. */
export const Attachment = z.object({
  id: BlobId,
  name: z.string().check(z.minLength(1), z.maxLength(LIMITS.FILE_NAME_MAX)),
  mime: z.enum(ATTACHMENT_MIME_TYPES),
  size: z.number().check(z.int(), z.minimum(1)),
  /** A small preview image (client-generated), for images. */
  thumbId: z.optional(BlobId),
  width: z.optional(z.number().check(z.int(), z.minimum(1))),
  height: z.optional(z.number().check(z.int(), z.minimum(1))),
});
export type Attachment = z.infer<typeof Attachment>;

/**
 * The message a reply quotes, as the server vouches for it: its id (a message of the same
 * conversation) and its real author, found by the server. No text: each device shows the quote from
 * its own copy of that message, so a quote can never put words in someone's mouth (and keeps
 * working once bodies are end-to-end encrypted).
 */
export const ReplyRef = z.object({ messageId: Id, senderId: Id });
export type ReplyRef = z.infer<typeof ReplyRef>;

/**
 * What a sender says of the message they quote: only its id (the server finds the author). Not
 * strict: an outbox written before quotes were vouched for also carried `senderId` and `excerpt`,
 * which are dropped unread.
 */
export const ReplyTarget = z.object({ messageId: Id });
export type ReplyTarget = z.infer<typeof ReplyTarget>;

/** A stored message, as the server assigned it a `seq`. */
export const Message = z.object({
  conversationId: Id,
  messageId: Id,
  seq: z.number().check(z.int(), z.positive()),
  senderId: Id,
  body: z.string(),
  serverTime: z.number(),
  urgent: z.boolean(),
  /** Absent means `text`. A `system` message carries `system` and an empty body. */
  kind: z.optional(z.enum(['text', 'system'])),
  /**
   * An event of a type this client does not know is kept as it came (a later version shows it) and
   * shown as the neutral line; one of a known type must be well formed.
   */
  system: z.optional(newer(SystemEvent)),
  replyTo: z.optional(ReplyRef),
  attachments: z.optional(z.array(Attachment)),
  /**
   * Withdrawn by its author: the body is empty and the files, quote and versions are gone (the
   * server rewrote this entry, and the `message.edited` lines naming it, when it appended the
   * `message.redacted` line).
   */
  redacted: z.optional(z.literal(true)),
});
export type Message = z.infer<typeof Message>;

/** One change in a pull page or a live `changes` frame. */
export const Change = z.discriminatedUnion('type', [
  z.object({ type: z.literal('conversation'), conversation: Conversation }),
  z.object({ type: z.literal('message'), message: Message }),
  z.object({
    type: z.literal('read'),
    conversationId: Id,
    userId: Id,
    seq: z.number().check(z.int(), z.minimum(0)),
  }),
  /** Deleted for everyone (by its creator or an admin): every member drops it. */
  z.object({ type: z.literal('conversation.deleted'), conversationId: Id, by: Id }),
  /**
   * One user's own view of a conversation (only that user receives it): archived while no message
   * past `archivedAtSeq` arrived; history up to `hiddenUpToSeq` deleted for that user.
   */
  z.object({
    type: z.literal('conversation.userState'),
    conversationId: Id,
    userId: Id,
    archivedAtSeq: z.nullable(z.number()),
    hiddenUpToSeq: z.number(),
  }),
]);
export type Change = z.infer<typeof Change>;

/**
 * The changes of a pull page or a live frame: one of a type this client does not know is left out
 * (the cursor still moves past it), never a reason to refuse the whole page or frame.
 */
export const Changes = z.array(newer(Change)).check(z.overwrite((changes) => changes.filter((change) => knows(Change, change.type))));

/** Online (a device active), away (connected, idle or hidden), offline (with the last time seen). */
export const PresenceState = z.enum(['online', 'away', 'offline']);
export type PresenceState = z.infer<typeof PresenceState>;

export const Presence = z.object({
  userId: Id,
  state: PresenceState,
  lastSeen: z.nullable(z.number()),
  /** Their availability status, when set (`GET /api/presence`; live in `status` frames). */
  status: z.optional(Availability),
});
export type Presence = z.infer<typeof Presence>;
