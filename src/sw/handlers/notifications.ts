import type { NotificationCounts, NotificationItem } from '../../shared/local-model.ts';
import { broadcastNotifications } from '../notifications/announce.ts';
import { deleteNotifications, listNotifications, markConversationNotificationsRead, markNotificationsRead, notificationCounts } from '../notifications/queue.ts';
import type { ActiveUser, SwContext } from '../session/context.ts';
import type { NotificationRow } from '../store/rows.ts';
import { signedIn, type Handlers } from './kit.ts';

/**
 * Requests about the notification queue (NotificationCenter). Permission, push subscription and
 * saving preferences happen in the tab: they need a window, and keep the service worker small.
 */

function item(row: NotificationRow): NotificationItem {
  const { id, type, title, body, link, conversationId, urgent, time, read } = row;
  return { id, type, title, body, link, conversationId, urgent, time, read };
}

/** The queue's counts after a change, told to every tab too. */
async function counted(ctx: SwContext, active: ActiveUser): Promise<NotificationCounts> {
  const counts = await notificationCounts(active.db);
  broadcastNotifications(ctx.options.broadcast, counts);
  return counts;
}

export const notificationHandlers: Handlers<'notifications.list' | 'notifications.read' | 'notifications.delete'> = {
  'notifications.list': async (ctx, args) => {
    const { db } = signedIn(ctx);
    const rows = await listNotifications(db, args ?? {});
    return { notifications: rows.map(item), counts: await notificationCounts(db) };
  },

  'notifications.read': async (ctx, args) => {
    const active = signedIn(ctx);
    if (args.ids) await markNotificationsRead(active.db, args.ids);
    if (args.conversationId) await markConversationNotificationsRead(active.db, args.conversationId);
    return counted(ctx, active);
  },

  'notifications.delete': async (ctx, args) => {
    const active = signedIn(ctx);
    await deleteNotifications(active.db, args.ids);
    return counted(ctx, active);
  },
};
