import * as z from 'zod/mini';
import { LIMITS } from './limits.ts';

/** Schemas of the domain objects that cross boundaries, and their inferred types. */

export const Id = z.uuid();

export const Role = z.enum(['doctor', 'nurse', 'secretary', 'patient', 'admin']);
export type Role = z.infer<typeof Role>;

export const User = z.object({
  id: Id,
  username: z.string(),
  displayName: z.string(),
  role: Role,
});
export type User = z.infer<typeof User>;

/** A directory entry: what `GET /api/users` shows of another user. */
export const UserSummary = z.object({
  id: Id,
  displayName: z.string(),
  role: Role,
});
export type UserSummary = z.infer<typeof UserSummary>;

export const Participant = z.object({
  id: Id,
  displayName: z.string(),
  role: Role,
});
export type Participant = z.infer<typeof Participant>;

export const PatientRef = z.object({
  nationalId: z.string().check(z.minLength(1), z.maxLength(32)),
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
});
export type Conversation = z.infer<typeof Conversation>;

/** A stored message, as the server assigned it a `seq`. */
export const Message = z.object({
  conversationId: Id,
  messageId: Id,
  seq: z.number().check(z.int(), z.positive()),
  senderId: Id,
  body: z.string(),
  serverTime: z.number(),
  urgent: z.boolean(),
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
]);
export type Change = z.infer<typeof Change>;
