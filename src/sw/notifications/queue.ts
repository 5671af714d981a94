import type { NotificationPreferences, PushPayload } from '../../shared/push.ts';
import type { Message } from '../../shared/model.ts';
import type { NotificationCounts } from '../../shared/local-model.ts';
import type { NotificationFilter } from '../../shared/sw-requests.ts';
import type { RelaisDb } from '../store/db.ts';
import type { NotificationRow } from '../store/rows.ts';
import { readPreferences } from './preferences.ts';
import { notificationText, type NotificationTextKey } from './text.ts';

/**
 * The notification queue of the signed-in user: one row per message from someone else, incoming
 * or missed call. Filled by applied changes (live and pull) and by pushes; read when the user opens
 * the conversation (or reads it on another device); aged out by the TTL clean-up.
 */

/** Characters of a message kept as a notification's body. */
const BODY_MAX = 200;

/** Where a notification leads. */
export function linkFor(conversationId: string, callId?: string): string {
  return callId ? `/c/${conversationId}?call=${callId}` : `/c/${conversationId}`;
}

const clip = (text: string): string => (text.length <= BODY_MAX ? text : `${text.slice(0, BODY_MAX - 1)}…`);

/** Which conversations' new messages are news: not one a visible window shows (read live). */
export async function newsFilter(visiblePaths?: () => Promise<readonly string[]>): Promise<(conversationId: string) => boolean> {
  const shown = new Set(await visiblePaths?.().catch(() => []));
  return (conversationId) => !shown.has(linkFor(conversationId));
}

/**
 * Queues a notification for each message `selfId` received (not one they sent, not one they already
 * read, not twice), in a few requests for the whole batch. Call inside the apply transaction
 * (tables: notifications, conversations, reads, meta).
 */
export async function recordMessageNotifications(db: RelaisDb, messages: readonly Message[], selfId: string): Promise<void> {
  const missedCallOf = (m: Message) => (m.kind === 'system' && m.system?.type === 'call.missed' ? m.system.callId : undefined);
  const received = messages.filter((m) => m.senderId !== selfId && (m.kind !== 'system' || missedCallOf(m)));
  const ids = [...new Set(received.map((m) => m.conversationId))];
  const [reads, conversations, known, { lang }] = await Promise.all([
    db.reads.bulkGet(ids.map((id): [string, string] => [id, selfId])),
    db.conversations.bulkGet(ids),
    db.notifications.bulkGet(received.map((m) => m.messageId)),
    readPreferences(db),
  ]);
  const rows = new Map<string, NotificationRow>();
  received.forEach((message, i) => {
    const at = ids.indexOf(message.conversationId);
    if (known[i] || rows.has(message.messageId) || message.seq <= (reads[at]?.seq ?? 0)) return;
    const missedCallId = missedCallOf(message);
    const name = conversations[at]?.participants.find((p) => p.id === message.senderId)?.displayName;
    rows.set(message.messageId, {
      id: message.messageId,
      type: missedCallId ? 'missed_call' : 'message',
      title: notificationText(lang, missedCallId ? 'missedCall' : message.urgent ? 'urgent' : 'message', name),
      body: missedCallId ? '' : clip(message.body),
      link: linkFor(message.conversationId),
      conversationId: message.conversationId,
      seq: message.seq,
      messageId: message.messageId,
      ...(missedCallId ? { callId: missedCallId } : {}),
      urgent: message.urgent,
      time: message.serverTime,
      read: false,
    });
  });
  await db.notifications.bulkAdd([...rows.values()]);
}

/** The title a push shows (and its queue row keeps). */
export function pushTitle(payload: PushPayload, lang: NotificationPreferences['lang']): string {
  const key: NotificationTextKey =
    payload.kind === 'call'
      ? 'call'
      : payload.kind === 'missed_call'
        ? 'missedCall'
        : payload.kind === 'escalation'
          ? 'reminder'
          : payload.urgent
            ? 'urgent'
            : 'message';
  return notificationText(lang, key, payload.senderName);
}

/**
 * Queues (or, for a reminder, re-opens) the notification a push announced. The row is keyed by
 * the message id (a call: its call id), so the pull that follows does not add it twice.
 */
export async function recordPushNotification(db: RelaisDb, payload: PushPayload, now: number): Promise<NotificationRow> {
  const { lang } = await readPreferences(db);
  const id = payload.messageId ?? payload.callId ?? `${payload.kind}:${payload.conversationId}:${payload.sentAt}`;
  const existing = await db.notifications.get(id);
  const row: NotificationRow = {
    id,
    type: payload.kind === 'call' ? 'call' : payload.kind === 'missed_call' ? 'missed_call' : 'message',
    title: pushTitle(payload, lang),
    body: existing?.body ?? payload.body ?? '',
    link: linkFor(payload.conversationId, payload.kind === 'call' ? payload.callId : undefined),
    conversationId: payload.conversationId,
    ...(payload.seq === undefined ? {} : { seq: payload.seq }),
    ...(payload.messageId === undefined ? {} : { messageId: payload.messageId }),
    ...(payload.callId === undefined ? {} : { callId: payload.callId }),
    urgent: payload.urgent,
    time: existing?.time ?? now,
    read: false,
  };
  await db.notifications.put(row);
  return row;
}

/**
 * Marks a conversation's notifications read (all of them, or those up to `seq`); resolves with how
 * many changed. Opening the conversation calls this; so does a read made on another device.
 */
export async function markConversationNotificationsRead(db: RelaisDb, conversationId: string, seq?: number): Promise<number> {
  return db.notifications
    .where('conversationId')
    .equals(conversationId)
    .filter((n) => !n.read && (seq === undefined || n.seq === undefined || n.seq <= seq))
    .modify({ read: true });
}

/** Marks these notifications read. */
export async function markNotificationsRead(db: RelaisDb, ids: readonly string[]): Promise<number> {
  return db.notifications.where('id').anyOf([...ids]).modify({ read: true });
}

/** Deletes these notifications. */
export async function deleteNotifications(db: RelaisDb, ids: readonly string[]): Promise<void> {
  await db.notifications.bulkDelete([...ids]);
}

/** The queue, newest first, filtered by type and/or unread. */
export async function listNotifications(db: RelaisDb, filter: NotificationFilter = {}): Promise<NotificationRow[]> {
  const rows = await db.notifications.orderBy('time').reverse().toArray();
  return rows
    .filter((n) => (filter.type === undefined || n.type === filter.type) && (!filter.unreadOnly || !n.read))
    .slice(0, filter.limit ?? 200);
}

/** Unread notifications and missed calls not yet seen (the MessagingButton badge adds the latter). */
export async function notificationCounts(db: RelaisDb): Promise<NotificationCounts> {
  let unread = 0;
  let missedCalls = 0;
  await db.notifications.each((n) => {
    if (n.read) return;
    unread += 1;
    if (n.type === 'missed_call') missedCalls += 1;
  });
  return { unread, missedCalls };
}

/** Retention: removes notifications created before `before` (ms); the TTL clean-up calls it. */
export async function purgeNotifications(db: RelaisDb, before: number): Promise<number> {
  return db.notifications.where('time').below(before).delete();
}
