import { RelaisError } from '../../shared/errors.ts';
import type { NotificationPreferences } from '../../shared/push.ts';
import type { NotificationItem } from '../../shared/local-model.ts';
import type { SwArgs, SwResults } from '../../shared/sw-requests.ts';
import type { NotificationRow } from '../store/rows.ts';
import {
  deleteNotifications,
  listNotifications,
  markConversationNotificationsRead,
  markNotificationsRead,
  notificationCounts,
  readPreferences,
  storePreferences,
} from '../notifications/queue.ts';
import { broadcastNotifications } from '../notifications/push.ts';
import type { ActiveUser, SwContext } from '../session/context.ts';

/**
 * Router handlers of the notification queue, and the hooks the router calls when a conversation is
 * read and when preferences arrive. (Permission, push subscription and saving preferences happen in
 * the tab: they need a window, and keep the service worker small.)
 */

type NotificationOp = 'notifications.list' | 'notifications.read' | 'notifications.delete';
type NotificationHandlers = { [Op in NotificationOp]: (ctx: SwContext, args: SwArgs<Op>) => Promise<SwResults[Op]> };

function signedIn(ctx: SwContext): ActiveUser {
  if (!ctx.active) throw new RelaisError('no_session');
  return ctx.active;
}

function item(row: NotificationRow): NotificationItem {
  const { id, type, title, body, link, conversationId, urgent, time, read } = row;
  return { id, type, title, body, link, conversationId, urgent, time, read };
}

/** Closes the native notifications of a conversation once it is read. */
async function closeShownNotifications(conversationId: string): Promise<void> {
  const registration = (globalThis as { registration?: ServiceWorkerRegistration }).registration;
  const shown = (await registration?.getNotifications({ tag: `conv:${conversationId}` }).catch(() => [])) ?? [];
  for (const notification of shown) notification.close();
}

/** A conversation was read here (opened): its queue entries are read, its banners closed. */
export async function conversationOpened(ctx: SwContext, active: ActiveUser, conversationId: string): Promise<void> {
  if ((await markConversationNotificationsRead(active.db, conversationId)) > 0) {
    await broadcastNotifications(ctx.options.broadcast, await notificationCounts(active.db));
  }
  await closeShownNotifications(conversationId);
}

/**
 * Preferences saved (here or on another device) came as a live frame: kept for the push handler, tabs
 * told — only when they changed. A tab answers the `preferences` event by reading the preferences from
 * the server and handing them back here: telling it again about the same values would loop forever
 * (and keep this worker so busy that a waiting new version could never activate).
 */
export async function preferencesChanged(ctx: SwContext, preferences: NotificationPreferences): Promise<void> {
  const { db } = signedIn(ctx);
  if (JSON.stringify(await readPreferences(db)) === JSON.stringify(preferences)) return;
  await storePreferences(db, preferences);
  ctx.options.broadcast({ topic: 'preferences', data: {} });
}

async function counted(ctx: SwContext, active: ActiveUser): Promise<SwResults['notifications.read']> {
  const counts = await notificationCounts(active.db);
  await broadcastNotifications(ctx.options.broadcast, counts);
  return counts;
}

export const notificationHandlers: NotificationHandlers = {
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
