import type { RelaisDb } from './db.ts';

/** The `meta` table: small values of the user's store, each under its key. */

/** Meta keys. */
export const META = {
  cursor: 'cursor',
  deviceId: 'deviceId',
  lastSyncAt: 'lastSyncAt',
  draft: (conversationId: string) => `draft:${conversationId}`,
  /** User settings (retention, auto-lock), see settings.ts. */
  settings: 'settings',
  lastCleanupAt: 'lastCleanupAt',
  /** The user's notification preferences as last synced from the server, see notifications/preferences.ts. */
  notificationPreferences: 'notificationPreferences',
} as const;

/** Reads a meta value (undefined when absent). */
export async function getMeta<T>(db: RelaisDb, key: string): Promise<T | undefined> {
  const row = await db.meta.get(key);
  return row?.value as T | undefined;
}
