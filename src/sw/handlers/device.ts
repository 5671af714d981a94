import { RelaisError, type ErrorCode } from '../../shared/errors.ts';
import { UserReply } from '../../shared/http.ts';
import type { StorageInfo } from '../../shared/local-model.ts';
import type { SwArgs, SwResults } from '../../shared/sw-requests.ts';
import { errorCodeOf, isTransient } from '../../shared/api-client.ts';
import { cleanup, cleanupIfDue } from '../store/cleanup.ts';
import { checkVerifier, createVerifier } from '../session/lock.ts';
import type { ActiveUser, SwContext } from '../session/context.ts';
import { readSettings, writeSettings } from '../store/settings.ts';

/**
 * Router handlers for the device itself: settings, storage (clean-up, estimate), screen lock.
 * Kept apart from router.ts, which handles messaging.
 */

type DeviceOp = 'settings.get' | 'settings.set' | 'storage.cleanup' | 'storage.estimate' | 'auth.lock' | 'auth.unlock';
type DeviceHandlers = { [Op in DeviceOp]: (ctx: SwContext, args: SwArgs<Op>) => Promise<SwResults[Op]> };

function fail(code: ErrorCode): never {
  throw new RelaisError(code);
}

function signedIn(ctx: SwContext): ActiveUser {
  return ctx.active ?? fail('no_session');
}

/** Storage use of this origin; fields the browser does not report are null. */
async function estimate(): Promise<StorageInfo> {
  const storage = (globalThis as { navigator?: { storage?: StorageManager } }).navigator?.storage;
  if (!storage) return { usage: null, quota: null, persisted: null };
  const [estimated, persisted] = await Promise.all([
    storage.estimate().catch(() => ({}) as StorageEstimate),
    // persisted() exists in workers; persist() itself is Window-only and asked by the app.
    typeof storage.persisted === 'function' ? storage.persisted().catch(() => null) : Promise.resolve(null),
  ]);
  return { usage: estimated.usage ?? null, quota: estimated.quota ?? null, persisted };
}

/**
 * Unlocks the screen: online, the server checks the password (and the offline hash is refreshed);
 * with no answer from the server, the salted hash kept in the session store decides.
 */
async function unlock(ctx: SwContext, password: string): Promise<SwResults['auth.unlock']> {
  const { user } = signedIn(ctx);
  const response = await ctx.api.call('POST', '/api/auth/login', { username: user.username, password });
  if (response.status === 200) {
    const reply = UserReply.safeParse(response.body);
    if (!reply.success || reply.data.user.id !== user.id) fail('invalid_credentials');
    await ctx.signIn(reply.data.user, { verifier: await createVerifier(password) });
    return ctx.session();
  }
  if (!isTransient(response) || response.status === 429) fail(errorCodeOf(response));
  const row = await ctx.sessionDb.session.get('current');
  if (!row?.verifier || !(await checkVerifier(password, row.verifier))) fail('invalid_credentials');
  await ctx.unlocked();
  return ctx.session();
}

export const deviceHandlers: DeviceHandlers = {
  'settings.get': async (ctx) => readSettings(signedIn(ctx).db),

  'settings.set': async (ctx, args) => writeSettings(signedIn(ctx).db, args),

  'storage.cleanup': async (ctx) => {
    const { db, user } = signedIn(ctx);
    return (await cleanupIfDue(db, user.id, ctx.now())) ?? { messages: 0, notifications: 0, calls: 0 };
  },

  'storage.estimate': async () => estimate(),

  'auth.lock': async (ctx) => {
    signedIn(ctx);
    await ctx.lock();
    return ctx.session();
  },

  'auth.unlock': async (ctx, args) => unlock(ctx, args.password),
};

/**
 * After a `QuotaExceededError`: frees what the retention allows right away (not waiting for the
 * periodic run). Outbox entries are never touched, so nothing waiting to leave is lost.
 */
export async function cleanupAfterQuota(ctx: SwContext): Promise<void> {
  const active = ctx.active;
  if (!active) return;
  try {
    await cleanup(active.db, active.user.id, ctx.now());
  } catch (error) {
    console.error('relais sw: clean-up after quota failed', error instanceof Error ? error.name : 'unknown');
  }
}
