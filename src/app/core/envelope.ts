import { isErrorCode, type ErrorCode } from '../../shared/errors.ts';
import { FIXED_TOPICS, MESSAGES_TOPIC } from '../../shared/sw-events.ts';
import type { SwEvent } from '../../shared/sw-events.ts';
import type { PresenceState } from '../../shared/model.ts';

/**
 * Checks of what reaches the tab from its service worker (replies, BroadcastChannel events) and of the
 * ephemeral WebSocket frames the tab shows itself. They mirror the zod schemas of src/shared
 * (`SwReplySchema`, `SwEvent`, the typing/presence frames) by hand: importing zod here put ~9 KB gzip
 * into the app shell (29.6 KB minified measured in the shell chunk) and broke its 30 KB budget. The
 * SW validates everything from the network and from tabs with the full schemas.
 */

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The pattern of the shared `Id` schema, `z.uuid()`: an RFC 9562 UUID of any version and case, or the
 * nil and max UUIDs (lower case only, as zod's). zod's own `regexes.uuid()` brought 0.4 KB gzip into the shell.
 */
const UUID = /^([\da-fA-F]{8}-[\da-fA-F]{4}-[1-8][\da-fA-F]{3}-[89abAB][\da-fA-F]{3}-[\da-fA-F]{12}|0{8}-0{4}-0{4}-0{4}-0{12}|f{8}-f{4}-f{4}-f{4}-f{12})$/;
/** True for a string the shared `Id` schema accepts. */
export const isId = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isBool = (value: unknown): value is boolean => typeof value === 'boolean';
const isNullableNumber = (value: unknown): boolean => value === null || isNumber(value);

export type ParsedReply = { id: string; ok: true; result: unknown } | { id: string; ok: false; code: ErrorCode };

/** A reply on the request's MessagePort, or null when it is not one. */
export function parseSwReply(raw: unknown): ParsedReply | null {
  if (!isRecord(raw) || typeof raw.id !== 'string') return null;
  if (raw.ok === true && 'result' in raw) return { id: raw.id, ok: true, result: raw.result };
  if (raw.ok === false && isRecord(raw.error) && isErrorCode(raw.error.code)) return { id: raw.id, ok: false, code: raw.error.code };
  return null;
}

// The enums below are the shared schemas' (Role, NotificationType, PresenceState), written again here
// without zod; tests/unit/app/core/envelope.test.ts fails if they drift apart.
const ROLES = new Set(['doctor', 'nurse', 'secretary', 'patient', 'admin']);
const NOTIFICATION_TYPES = new Set(['message', 'call', 'missed_call', 'system']);

function isUser(value: unknown): boolean {
  return (
    isRecord(value) &&
    isId(value.id) &&
    typeof value.username === 'string' &&
    typeof value.displayName === 'string' &&
    ROLES.has(value.role as string)
  );
}

function isSyncState(data: Json): boolean {
  return (
    isBool(data.online) &&
    isBool(data.flushing) &&
    isNumber(data.pending) &&
    isNumber(data.changes) &&
    isNullableNumber(data.lastSyncAt) &&
    (data.lastErrorCode === null || isErrorCode(data.lastErrorCode))
  );
}

function isSessionState(data: Json): boolean {
  const { unlock } = data;
  return (
    (data.user === null || isUser(data.user)) &&
    isBool(data.expired) &&
    (data.locked === undefined || isBool(data.locked)) &&
    (unlock === undefined || (isRecord(unlock) && isNumber(unlock.failures) && isNumber(unlock.retryAt) && (unlock.password === undefined || isBool(unlock.password))))
  );
}

function isNotificationsData(data: Json): boolean {
  const counts = data.counts;
  if (!isRecord(counts) || !isNumber(counts.unread) || !isNumber(counts.missedCalls)) return false;
  const latest = data.latest;
  return (
    latest === undefined ||
    (isRecord(latest) && NOTIFICATION_TYPES.has(latest.type as string) && (latest.conversationId === null || isId(latest.conversationId)) && isBool(latest.urgent))
  );
}

const CHECK_BY_TOPIC: Record<(typeof FIXED_TOPICS)[number], (data: Json) => boolean> = {
  conversations: () => true,
  update: () => true,
  preferences: () => true,
  sync: isSyncState,
  auth: isSessionState,
  notifications: isNotificationsData,
};

/** A BroadcastChannel event, or null: other senders and other versions are ignored. */
export function parseSwEvent(raw: unknown): SwEvent | null {
  if (!isRecord(raw) || typeof raw.topic !== 'string' || !isRecord(raw.data)) return null;
  const { topic, data } = raw;
  if (MESSAGES_TOPIC.test(topic)) return isId(data.conversationId) ? (raw as SwEvent) : null;
  // An own property only: a topic named `valueOf` or `constructor` is no topic.
  const check = Object.hasOwn(CHECK_BY_TOPIC, topic) ? (CHECK_BY_TOPIC as Record<string, (data: Json) => boolean>)[topic] : undefined;
  return check?.(data) ? (raw as SwEvent) : null;
}

export type EphemeralFrame =
  | { type: 'typing'; conversationId: string; userId: string }
  | { type: 'presence'; userId: string; state: PresenceState; lastSeen: number | null };

const PRESENCE_STATES = new Set(['online', 'away', 'offline']);

/** A typing or presence frame the page shows itself (never stored), or null. */
export function parseEphemeralFrame(raw: unknown): EphemeralFrame | null {
  if (!isRecord(raw)) return null;
  if (raw.type === 'typing' && isId(raw.conversationId) && isId(raw.userId)) {
    return { type: 'typing', conversationId: raw.conversationId, userId: raw.userId };
  }
  if (raw.type === 'presence' && isId(raw.userId) && PRESENCE_STATES.has(raw.state as string) && isNullableNumber(raw.lastSeen)) {
    return { type: 'presence', userId: raw.userId, state: raw.state as PresenceState, lastSeen: raw.lastSeen as number | null };
  }
  return null;
}
