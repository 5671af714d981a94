import * as z from 'zod/mini';
import { droppable } from './droppable.ts';
import { Id } from './model.ts';

/**
 * Notifications across boundaries: Web Push subscriptions (`/api/push/*`), the push payload the
 * gateway encrypts for a device, and the notification preferences synced between a user's devices
 * (`GET/PUT /api/preferences`, live frame `preferences`).
 */

// The gateway's checks of a device's push subscription; `droppable`: the devices do not carry them.

/** `PushSubscription.toJSON()` as the browser gives it. */
export const PushSubscriptionJson = droppable(() => {
  const Base64Url = z.string().check(z.regex(/^[A-Za-z0-9_-]+={0,2}$/));
  return z.object({
    endpoint: z.string().check(z.maxLength(2048), z.regex(/^https?:\/\/[^\s]+$/)),
    expirationTime: z.optional(z.nullable(z.number())),
    keys: z.object({
      /** The device's P-256 public key, uncompressed (65 bytes → 87 base64url characters). */
      p256dh: Base64Url.check(z.minLength(80), z.maxLength(100)),
      /** The 16-byte auth secret. */
      auth: Base64Url.check(z.minLength(16), z.maxLength(32)),
    }),
  });
});
export type PushSubscriptionJson = z.infer<typeof PushSubscriptionJson>;

/** `POST /api/push/subscription`: this device wants pushes (replaces the device's previous one). */
export const PushSubscribeBody = droppable(() =>
  z.strictObject({
    deviceId: z.string().check(z.minLength(1), z.maxLength(64)),
    subscription: PushSubscriptionJson,
  }),
);
export type PushSubscribeBody = z.infer<typeof PushSubscribeBody>;

/** `DELETE /api/push/subscription`: by endpoint, or every subscription of a device. */
export const PushUnsubscribeBody = droppable(() =>
  z.strictObject({
    endpoint: z.optional(z.string().check(z.maxLength(2048))),
    deviceId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  }),
);

/** `GET /api/push/key`: the VAPID public key (base64url), the `applicationServerKey`. */
export const PushKeyReply = z.object({ publicKey: z.string() });

/** What a push is about. `escalation`: an urgent message still unread, notified again. */
export const PushKind = z.enum(['message', 'call', 'missed_call', 'escalation']);
export type PushKind = z.infer<typeof PushKind>;

/**
 * The encrypted payload of one push: ids and a name, never the message text unless the recipient
 * allowed previews (`body`). The SW composes the title in the user's language.
 */
export const PushPayload = z.object({
  v: z.literal(1),
  kind: PushKind,
  /** The recipient: a device signed in as someone else shows nothing. */
  userId: Id,
  conversationId: Id,
  messageId: z.optional(Id),
  seq: z.optional(z.number()),
  callId: z.optional(Id),
  /** Who wrote or calls (display name). */
  senderName: z.string().check(z.maxLength(120)),
  urgent: z.boolean(),
  /** The message text (shortened), only when the recipient chose to show it. */
  body: z.optional(z.string().check(z.maxLength(200))),
  /** A call to a function the recipient holds: its name, as the gateway's rota resolved it. */
  functionName: z.optional(z.string().check(z.maxLength(120))),
  /** Re-notification number of an escalation (1…10). */
  reminder: z.optional(z.number()),
  sentAt: z.number(),
});
export type PushPayload = z.infer<typeof PushPayload>;

/** Characters of text a push may carry when previews are on. */
export const PUSH_BODY_MAX = 140;

const Clock = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/));

/** Quiet hours: no sound and no push from `start` to `end` (may span midnight), in `timeZone`. */
export const QuietHours = z.object({
  start: Clock,
  end: Clock,
  timeZone: z.string().check(z.minLength(1), z.maxLength(64)),
});
export type QuietHours = z.infer<typeof QuietHours>;

/** A user's notification preferences, the same on all their devices. */
export const NotificationPreferences = z.object({
  /** Show the message text in native notifications (off by default: shared tablets). */
  showPreview: z.boolean(),
  sound: z.boolean(),
  /** Conversations that neither push nor ring (urgent messages still do). */
  muted: z.array(Id).check(z.maxLength(500)),
  quietHours: z.nullable(QuietHours),
  lang: z.enum(['fr', 'en']),
});
export type NotificationPreferences = z.infer<typeof NotificationPreferences>;

/** `GET|PUT /api/preferences` answer. */
export const PreferencesReply = z.object({ preferences: NotificationPreferences });
export type PreferencesReply = z.infer<typeof PreferencesReply>;

/** `PUT /api/preferences` body: the preferences and nothing else. */
export const PreferencesBody = z.strictObject({ preferences: NotificationPreferences });

export const DEFAULT_PREFERENCES: NotificationPreferences = {
  showPreview: false,
  sound: true,
  muted: [],
  quietHours: null,
  lang: 'fr',
};

/** Minutes since midnight of `now` in `timeZone` (UTC when the zone is unknown). */
function minutesIn(now: number, timeZone: string): number {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  } catch {
    parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  }
  const value = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return value('hour') * 60 + value('minute');
}

const clockMinutes = (clock: string): number => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/** True when `now` falls inside the quiet hours (start inclusive, end exclusive; may span midnight). */
export function inQuietHours(quiet: QuietHours | null, now: number): boolean {
  if (!quiet) return false;
  const start = clockMinutes(quiet.start);
  const end = clockMinutes(quiet.end);
  if (start === end) return false;
  const at = minutesIn(now, quiet.timeZone);
  return start < end ? at >= start && at < end : at >= start || at < end;
}

/**
 * Whether an event should alert (push, sound): urgent ones always do; otherwise not in a muted
 * conversation and not during quiet hours.
 */
export function shouldAlert(
  preferences: NotificationPreferences,
  event: { conversationId: string; urgent: boolean },
  now: number,
): boolean {
  if (event.urgent) return true;
  if (preferences.muted.includes(event.conversationId)) return false;
  return !inQuietHours(preferences.quietHours, now);
}
