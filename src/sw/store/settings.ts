import { UserSettings } from '../../shared/local-model.ts';
import type { RelaisDb } from './db.ts';
import { META, getMeta } from './meta.ts';

/** Per-user settings kept in the user's own database (so they go with sign-out, like everything else). */

/** Defaults: cached messages 30 days, notifications 14, call history 90; lock after 10 minutes. */
export const DEFAULT_SETTINGS: UserSettings = {
  retention: { messagesDays: 30, notificationsDays: 14, callsDays: 90 },
  lockMinutes: 10,
};

/** The user's settings; stored values that no longer parse fall back to the defaults. */
export async function readSettings(db: RelaisDb): Promise<UserSettings> {
  const stored = UserSettings.safeParse(await getMeta<unknown>(db, META.settings));
  return stored.success ? stored.data : DEFAULT_SETTINGS;
}

/** Replaces the user's settings. */
export async function writeSettings(db: RelaisDb, settings: UserSettings): Promise<UserSettings> {
  await db.meta.put({ key: META.settings, value: settings });
  return settings;
}
