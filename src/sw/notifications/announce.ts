import type { NotificationCounts } from '../../shared/local-model.ts';
import type { Broadcast } from '../broadcast.ts';
import type { RelaisDb } from '../store/db.ts';
import type { NotificationRow } from '../store/rows.ts';
import { markConversationNotificationsRead, notificationCounts } from './queue.ts';

/** Telling the tabs what changed in the notification queue, and closing the banners of what was read. */

/** Broadcasts the queue's counts (and the notification just added). */
export function broadcastNotifications(
  broadcast: Broadcast,
  counts: NotificationCounts,
  latest?: Pick<NotificationRow, 'type' | 'conversationId' | 'urgent'>,
): void {
  broadcast({ topic: 'notifications', data: latest ? { counts, latest } : { counts } });
}

/** Closes the native notifications of a conversation once it is read. */
async function closeShownNotifications(conversationId: string): Promise<void> {
  const registration = (globalThis as { registration?: ServiceWorkerRegistration }).registration;
  const shown = (await registration?.getNotifications({ tag: `conv:${conversationId}` }).catch(() => [])) ?? [];
  for (const notification of shown) notification.close();
}

/** A conversation was read here (opened): its queue entries are read, its banners closed. */
export async function conversationOpened(db: RelaisDb, broadcast: Broadcast, conversationId: string): Promise<void> {
  if ((await markConversationNotificationsRead(db, conversationId)) > 0) {
    broadcastNotifications(broadcast, await notificationCounts(db));
  }
  await closeShownNotifications(conversationId);
}
