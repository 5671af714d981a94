import * as z from 'zod/mini';
import { Id } from './model.ts';
import { NotificationCounts, NotificationType, SessionState, SyncState } from './local-model.ts';

/**
 * Service worker → tabs: events on the BroadcastChannel `relais`, `{topic, data}`. The channel name
 * and topic helpers are plain constants the app shell imports without bundling zod: the shell checks
 * events by hand (src/app/core/envelope.ts, proven to agree with `SwEvent` by a property test).
 */

export const BROADCAST_CHANNEL = 'relais';

/**
 * Service worker → one tab, with a port for the answer: `{type: CARRY_PUSH, push}` asks the tab to
 * send this `POST /api/sync/push` body on its realtime socket (sync/tab-carrier.ts); the tab answers
 * `{status, body}`, or null when it cannot (src/app/core/push-carrier.ts).
 */
export const CARRY_PUSH = 'relais.carry-push';

/** Topic of the event telling that a conversation's messages changed. */
export function messagesTopic(conversationId: string): `messages:${string}` {
  return `messages:${conversationId}`;
}

/** Topics with a fixed name; `messages:<conversationId>` is the only parameterised one. */
export const FIXED_TOPICS = ['conversations', 'sync', 'auth', 'update', 'notifications', 'preferences'] as const;
export type FixedTopic = (typeof FIXED_TOPICS)[number];

export const MESSAGES_TOPIC = /^messages:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The schema of the events the SW broadcasts on BroadcastChannel `relais`. Built on first call, not
 * at load: the app shell imports this module for its constants and must not bundle zod (src/shared
 * is declared side-effect free in vite.config.ts, so the schemas' modules are dropped with it).
 */
export function swEventSchema() {
  return (swEvent ??= buildSwEvent());
}

let swEvent: ReturnType<typeof buildSwEvent> | undefined;

function buildSwEvent() {
  return z.union([
    z.object({ topic: z.literal('conversations'), data: z.object({}) }),
    /** Messages of one conversation changed (local echo, sent, received, failed): `messages:<id>`. */
    z.object({
      topic: z.string().check(z.regex(MESSAGES_TOPIC)),
      data: z.object({ conversationId: Id }),
    }),
    z.object({ topic: z.literal('sync'), data: SyncState }),
    z.object({ topic: z.literal('auth'), data: SessionState }),
    /** A new version of the app is waiting (the tab shows "Nouvelle version disponible"). */
    z.object({ topic: z.literal('update'), data: z.object({}) }),
    /**
     * The notification queue changed; `latest` is a notification just added (a visible tab plays
     * its sound).
     */
    z.object({
      topic: z.literal('notifications'),
      data: z.object({
        counts: NotificationCounts,
        latest: z.optional(z.object({ type: NotificationType, conversationId: z.nullable(Id), urgent: z.boolean() })),
      }),
    }),
    /** The notification preferences changed on another device: tabs read them again from the server. */
    z.object({ topic: z.literal('preferences'), data: z.object({}) }),
  ]);
}

export type SwEvent = z.infer<ReturnType<typeof buildSwEvent>>;