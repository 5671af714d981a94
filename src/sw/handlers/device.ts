import type { StorageInfo } from '../../shared/local-model.ts';
import { logFailure } from '../log.ts';
import type { SwContext } from '../session/context.ts';
import { cleanup, cleanupIfDue } from '../store/cleanup.ts';
import { readSettings, writeSettings } from '../store/settings.ts';
import { signedIn, type Handlers } from './kit.ts';

/** Requests about the device itself: the user's settings, and storage (clean-up, estimate). */

/** Storage use of this origin; fields the browser does not report are null. */
async function estimate(): Promise<StorageInfo> {
  const storage = (globalThis as { navigator?: { storage?: StorageManager } }).navigator?.storage;
  const [estimated, persisted] = await Promise.all([
    storage?.estimate().catch((): StorageEstimate => ({})),
    // persisted() exists in workers; persist() itself is Window-only and asked by the app.
    storage?.persisted?.().catch(() => null),
  ]);
  return { usage: estimated?.usage ?? null, quota: estimated?.quota ?? null, persisted: persisted ?? null };
}

export const deviceHandlers: Handlers<'settings.get' | 'settings.set' | 'storage.cleanup' | 'storage.estimate'> = {
  'settings.get': async (ctx) => readSettings(signedIn(ctx).db),

  'settings.set': async (ctx, args) => writeSettings(signedIn(ctx).db, args),

  'storage.cleanup': async (ctx) => {
    const { db, user } = signedIn(ctx);
    return (await cleanupIfDue(db, user.id, ctx.now())) ?? { messages: 0, notifications: 0, calls: 0 };
  },

  'storage.estimate': async () => estimate(),
};

/**
 * After a `QuotaExceededError`: frees what the retention allows right away (not waiting for the
 * periodic run). Outbox entries are never touched, so nothing waiting to leave is lost.
 */
export async function freeSpaceAfterQuota(ctx: SwContext): Promise<void> {
  const active = ctx.active;
  if (!active) return;
  try {
    await cleanup(active.db, active.user.id, ctx.now());
  } catch (error) {
    logFailure('clean-up after quota', error);
  }
}
