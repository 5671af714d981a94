import type { UserSettings } from '../../shared/local-model.ts';
import type { RelaisDb } from './db.ts';
import { META, getMeta } from './meta.ts';

/** Per-user settings kept in the user's own database (so they go with sign-out, like everything else). */

/** Defaults: cached messages 30 days, notifications 14, call history 90; lock after 10 minutes. */
export const DEFAULT_SETTINGS: UserSettings = {
  retention: { messagesDays: 30, notificationsDays: 14, callsDays: 90 },
  lockMinutes: 10,
};

/**
 * The user's settings (the defaults until they save theirs). What is stored was checked against
 * the `settings.set` schema on its way in; a change of that schema comes with a store version that
 * migrates it, so it is not checked again on every read.
 */
export async function readSettings(db: RelaisDb): Promise<UserSettings> {
  return (await getMeta<UserSettings>(db, META.settings)) ?? DEFAULT_SETTINGS;
}

/** Replaces the user's settings. */
export async function writeSettings(db: RelaisDb, settings: UserSettings): Promise<UserSettings> {
  await db.meta.put({ key: META.settings, value: settings });
  return settings;
}
