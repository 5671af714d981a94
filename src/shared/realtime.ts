import * as z from 'zod/mini';
import { Change, Id } from './model.ts';
import { ERROR_CODES } from './errors.ts';

/**
 * WebSocket frames on `/api/realtime`, each `{type, ...}`.
 * Live frames are an optimisation (at most once); the pull is what makes delivery certain.
 */

/** Client → server. */
export const ClientFrame = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ping'), t: z.optional(z.number()) }),
  z.strictObject({ type: z.literal('typing'), conversationId: Id }),
  /** Say which conversation is open (typing indicators); refused for a non-participant. */
  z.strictObject({ type: z.literal('subscribe'), conversationId: Id }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

/** Server → client. */
export const ServerFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), userId: Id, serverTime: z.number() }),
  z.object({ type: z.literal('pong'), t: z.optional(z.number()), serverTime: z.number() }),
  z.object({ type: z.literal('changes'), changes: z.array(Change) }),
  z.object({ type: z.literal('typing'), conversationId: Id, userId: Id }),
  z.object({ type: z.literal('subscribed'), conversationId: Id }),
  z.object({
    type: z.literal('error'),
    code: z.enum(ERROR_CODES),
    conversationId: z.optional(Id),
  }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
