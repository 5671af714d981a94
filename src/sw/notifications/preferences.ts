import { DEFAULT_PREFERENCES, type NotificationPreferences } from '../../shared/push.ts';
import type { Broadcast } from '../broadcast.ts';
import type { RelaisDb } from '../store/db.ts';
import { META, getMeta } from '../store/meta.ts';

/**
 * The user's notification preferences as this device last heard them (saved on the server, by a
 * tab; they arrive here as a live frame): the language and preview choice of what the SW shows.
 */

/**
 * The user's notification preferences as last synced (defaults before the first sync). What is
 * stored was checked against the live frame's schema on its way in (see store/settings.ts).
 */
export async function readPreferences(db: RelaisDb): Promise<NotificationPreferences> {
  return (await getMeta<NotificationPreferences>(db, META.notificationPreferences)) ?? DEFAULT_PREFERENCES;
}

/**
 * Preferences saved (here or on another device) came as a live frame: kept for the push handler, tabs
 * told — only when they changed. A tab answers the `preferences` event by reading the preferences from
 * the server and handing them back here: telling it again about the same values would loop forever
 * (and keep this worker so busy that a waiting new version could never activate).
 */
export async function preferencesChanged(db: RelaisDb, broadcast: Broadcast, preferences: NotificationPreferences): Promise<void> {
  if (JSON.stringify(await readPreferences(db)) === JSON.stringify(preferences)) return;
  await db.meta.put({ key: META.notificationPreferences, value: preferences });
  broadcast({ topic: 'preferences', data: {} });
}
