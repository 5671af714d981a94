import * as z from 'zod/mini';
import { Id } from './model.ts';
import { LIVE_FRAMES } from './live-frames.ts';
import { CALL_CLIENT_FRAMES, CALL_SERVER_FRAMES } from './calls.ts';

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
  /** This device is active or idle/hidden (presence across a user's devices). */
  z.strictObject({ type: z.literal('presence'), state: z.enum(['online', 'away']) }),
  /**
   * A push of mutations over the open socket instead of `POST /api/sync/push` (the tab carries the
   * service worker's outbox batch): `push` is that route's body, checked as it is; the answer is a
   * `pushed` frame with the same `ref`, carrying the status and body the route would have answered.
   */
  z.strictObject({ type: z.literal('push'), ref: z.string().check(z.minLength(1), z.maxLength(64)), push: z.unknown() }),
  /** Call signaling (src/shared/calls.ts). */
  ...CALL_CLIENT_FRAMES,
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

export { LIVE_FRAMES, LiveFrame } from './live-frames.ts';

/**
 * Server → client, every frame (call frames included). `LiveFrame` (live-frames.ts) is the same minus
 * the calls: what the tab forwards to the service worker; the app shell parses with that one, so the
 * call schemas stay in the lazily loaded calls chunk.
 */
export const ServerFrame = z.discriminatedUnion('type', [...LIVE_FRAMES, ...CALL_SERVER_FRAMES]);
export type ServerFrame = z.infer<typeof ServerFrame>;
