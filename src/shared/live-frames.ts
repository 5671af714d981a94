import * as z from 'zod/mini';
import { ERROR_CODES } from './errors.ts';
import { Changes, Id, PresenceState } from './model.ts';
import { NotificationPreferences } from './push.ts';

/**
 * Server → client WebSocket frames other than calls: live data and typing. Kept apart from
 * realtime.ts so the app shell and the service worker do not bundle the call schemas.
 */
export const LIVE_FRAMES = [
  z.object({ type: z.literal('hello'), userId: Id, serverTime: z.number() }),
  z.object({ type: z.literal('pong'), t: z.optional(z.number()), serverTime: z.number() }),
  z.object({ type: z.literal('changes'), changes: Changes }),
  z.object({ type: z.literal('typing'), conversationId: Id, userId: Id }),
  z.object({ type: z.literal('subscribed'), conversationId: Id }),
  /** A contact's presence changed (online / away / offline across their devices). */
  z.object({ type: z.literal('presence'), userId: Id, state: PresenceState, lastSeen: z.nullable(z.number()) }),
  /** The user's notification preferences, saved on another of their devices. */
  z.object({ type: z.literal('preferences'), preferences: NotificationPreferences }),
  /** The answer to a `push` frame: what `POST /api/sync/push` would have answered (status and body). */
  z.object({ type: z.literal('pushed'), ref: z.string(), status: z.number(), body: z.unknown() }),
  z.object({
    type: z.literal('error'),
    code: z.enum(ERROR_CODES),
    conversationId: z.optional(Id),
    /** With `rate_limited`: when the refused frame would pass again. */
    retryAfterMs: z.optional(z.number()),
  }),
] as const;

/** The frames the tab forwards to the service worker (`live.frame`). */
export const LiveFrame = z.discriminatedUnion('type', [...LIVE_FRAMES]);
export type LiveFrame = z.infer<typeof LiveFrame>;
