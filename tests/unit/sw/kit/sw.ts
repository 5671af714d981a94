import type { NotificationItem } from '../../../../src/shared/local-model.ts';
import type { SwEvent } from '../../../../src/shared/sw-events.ts';
import type { SwReply } from '../../../../src/shared/sw-requests.ts';
import { handleRequest } from '../../../../src/sw/router.ts';
import { SwContext } from '../../../../src/sw/session/context.ts';
import type { IdbDeps } from '../../../../src/sw/store/db.ts';
import { BASE_URL, freshIdb, serverWithConversation } from './device.ts';

/** The service worker as a tab sees it: requests through the router, events on a list, a fake server behind. */

/** Every fake user's password. */
export const PASSWORD = 'correct horse';

/**
 * A service worker (SwContext + router) on a private store, with Anne and Paul in a conversation on
 * the server. `start()` makes another one on the same store, as a restarted service worker. `now`:
 * the service worker's clock (the real one by default).
 */
export function swHarness(options: { now?: () => number; visiblePaths?: () => Promise<readonly string[]> } = {}) {
  const { server, anne, paul, conversation } = serverWithConversation();
  const idb = freshIdb();
  const cookie = { userId: null as string | null };
  const events: SwEvent[] = [];
  const signedOut: string[] = [];
  const start = (deps: IdbDeps = idb) =>
    new SwContext({
      fetch: server.fetchFor(cookie),
      baseUrl: BASE_URL,
      broadcast: (e) => events.push(e),
      idb: deps,
      ...(options.now ? { now: options.now } : {}),
      ...(options.visiblePaths ? { visiblePaths: options.visiblePaths } : {}),
      onSignedOut: async (userId) => {
        signedOut.push(userId);
      },
    });
  const ctx = start();
  let n = 0;
  const call = (op: string, args?: unknown, on: SwContext = ctx): Promise<SwReply> =>
    handleRequest(on, { id: `r${++n}`, op, ...(args === undefined ? {} : { args }) });
  /** Signs `username` in and waits for the first sync. */
  const login = async (username = 'anne'): Promise<SwReply> => {
    const reply = await call('auth.login', { username, password: PASSWORD });
    await ctx.active?.engine.whenIdle();
    return reply;
  };
  return { server, anne, paul, conversation, idb, cookie, events, signedOut, ctx, start, call, login };
}

/** The result of a reply that must be ok. */
export function resultOf<T>(reply: SwReply): T {
  if (!reply.ok) throw new Error(`expected ok, got ${reply.error.code}`);
  return reply.result as T;
}

/** Paul signed in and synced, with a `call` that expects an ok reply, and `list` for his notification queue. */
export async function paulSignedIn(options: Parameters<typeof swHarness>[0] = {}) {
  const sw = swHarness(options);
  const call = async <T,>(op: string, args?: unknown): Promise<T> => resultOf<T>(await sw.call(op, args));
  await call('auth.login', { username: 'paul', password: PASSWORD });
  await call('sync.now');
  const list = async (args?: unknown) => (await call<{ notifications: NotificationItem[] }>('notifications.list', args)).notifications;
  return { ...sw, call, list };
}
