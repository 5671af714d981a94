/// <reference lib="webworker" />
import { newId } from '../shared/ids.ts';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { BROADCAST_CHANNEL, type SwEvent } from '../shared/sw-events.ts';
// The router first: the bundle follows the import order, and this one puts the contract's schemas
// next to zod and all of the worker's own code together after Dexie, which gzip packs tighter
// (measured: 220 B less than with these imports in alphabetical order). Measured again with Dexie's
// modern build, gzip -9 of dist/sw.js: 59,714 B in this order; 59,846 B with the router before
// Workbox, 59,742 B with Workbox last, 59,873 B with the session context before the router.
import { handleRequest } from './router.ts';
import { logFailure } from './log.ts';
import { broadcastNotifications } from './notifications/announce.ts';
import { handleNotificationClick } from './notifications/click.ts';
import { handlePush, visiblePaths } from './notifications/push.ts';
import { markNotificationsRead, notificationCounts } from './notifications/queue.ts';
import { SwContext, type ActiveUser } from './session/context.ts';
import { cleanupIfDue } from './store/cleanup.ts';
import { carryByTab } from './sync/tab-carrier.ts';

/**
 * The service worker: wiring only. Workbox serves the precached app shell (and `index.html` for
 * SPA paths); requests from tabs go to the router; Background Sync and restarts flush the outbox.
 */

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: Array<string | { url: string; revision: string | null }>;
};

const OUTBOX_SYNC_TAG = 'relais-outbox';
const CLEANUP_PERIODIC_TAG = 'relais-cleanup';
/** Caches holding one user's data (attachments, avatars) are named with this prefix; sign-out drops them. */
const PRIVATE_CACHE_PREFIX = 'relais-private';

// A frame of a clinic page (docs/EMBEDDING.md) gets the gateway's own answer, never the precached
// page: its `frame-ancestors` must be today's RELAIS_EMBED_ORIGINS, not the one of the day this
// worker installed (an origin removed since would go on framing Relais from the stale copy).
registerRoute(({ request }) => request.destination === 'iframe', ({ request }) => fetch(request));
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: [/^\/api\//] }));

const channel = new BroadcastChannel(BROADCAST_CHANNEL);

function broadcast(event: SwEvent): void {
  try {
    channel.postMessage(event);
  } catch (error) {
    logFailure('broadcast', error);
  }
}

/** The Background Sync managers, where the browser has them (Chromium; the periodic one: installed app only). */
interface WakeUpManagers {
  sync?: { register(tag: string): Promise<void> };
  periodicSync?: { register(tag: string, options?: { minInterval: number }): Promise<void> };
}

/**
 * Asks the browser to wake this worker for `tag` even when no tab is open: Background Sync flushes
 * the outbox after every tab closed, Periodic Background Sync runs a daily clean-up. A refusal
 * (permission, unsupported, not installed) is fine: the engine's own timer, the wake-ups and the
 * activation still do the work.
 */
async function registerWakeUp(manager: keyof WakeUpManagers, tag: string, options?: { minInterval: number }): Promise<void> {
  try {
    await (self.registration as ServiceWorkerRegistration & WakeUpManagers)[manager]?.register(tag, options);
  } catch {
    // Refused: see above.
  }
}

const ctx = new SwContext({
  // Called through a wrapper: a detached `fetch` throws "Illegal invocation" in browsers.
  fetch: (input, init) => fetch(input, init),
  baseUrl: self.location.origin,
  broadcast,
  onRetryScheduled: () => {
    void registerWakeUp('sync', OUTBOX_SYNC_TAG);
  },
  onSignedOut: wipeUserTraces,
  carry: async (push, userId) =>
    carryByTab(await self.clients.matchAll({ type: 'window' }), push, userId, async (id) => (await self.clients.get(id)) !== undefined),
  visiblePaths: () => visiblePaths(self.clients),
});

/** Sign-out on a shared tablet: nothing of the user may remain — private caches, shown notifications. */
async function wipeUserTraces(): Promise<void> {
  const names = await caches.keys();
  await Promise.all(names.filter((name) => name.startsWith(PRIVATE_CACHE_PREFIX)).map((name) => caches.delete(name)));
  const shown = await self.registration.getNotifications();
  for (const notification of shown) notification.close();
  // The next user of the tablet must not receive this user's pushes (the server drops the dead endpoint).
  const subscription = await self.registration.pushManager?.getSubscription().catch(() => null);
  await subscription?.unsubscribe().catch(() => false);
}

/** Runs background work for the signed-in user, if any, once the session is known; logs a failure (events wait on it). */
async function forActiveUser(what: string, task: (active: ActiveUser) => Promise<unknown>): Promise<void> {
  try {
    await ctx.ready();
    if (ctx.active) await task(ctx.active);
  } catch (error) {
    logFailure(what, error);
  }
}

/** TTL clean-up of the signed-in user's store (throttled: at most once an hour from routine triggers). */
const cleanupActive = () => forActiveUser('clean-up', (active) => cleanupIfDue(active.db, active.user.id, ctx.now()));
const flushActive = () => forActiveUser('flush', (active) => active.engine.flush());
const syncActive = () => forActiveUser('sync', (active) => active.engine.sync('start'));

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  const data: unknown = event.data;
  if ((data as { type?: unknown } | null)?.type === 'SKIP_WAITING') {
    void self.skipWaiting();
    return;
  }
  const port = event.ports[0];
  if (!port) return;
  const reply = handleRequest(ctx, data)
    .then((answer) => port.postMessage(answer))
    .catch((error: unknown) => logFailure('reply', error));
  event.waitUntil(reply);
});

self.addEventListener('activate', (event: ExtendableEvent) => {
  event.waitUntil(
    self.clients
      .claim()
      .catch(() => undefined)
      .then(() => Promise.all([syncActive(), cleanupActive()])),
  );
  void registerWakeUp('periodicSync', CLEANUP_PERIODIC_TAG, { minInterval: 24 * 60 * 60 * 1000 });
});

self.addEventListener('periodicsync', (event: Event) => {
  const periodic = event as ExtendableEvent & { tag?: string };
  if (periodic.tag === CLEANUP_PERIODIC_TAG) periodic.waitUntil(Promise.all([cleanupActive(), flushActive()]));
});

/**
 * Background Sync: the promise rejects while mutations remain, so the browser schedules another
 * sync event later (its own backoff) even if no tab ever opens again.
 */
async function flushForSyncEvent(): Promise<void> {
  await flushActive();
  const active = ctx.active;
  if (active && !active.engine.expired && (await active.db.outbox.count()) > 0) {
    throw new Error('outbox not empty');
  }
}

self.addEventListener('sync', (event: Event) => {
  const syncEvent = event as ExtendableEvent & { tag?: string };
  if (syncEvent.tag === OUTBOX_SYNC_TAG) syncEvent.waitUntil(flushForSyncEvent());
});

// A restarted SW resumes the signed-in user's engine and pushes what waited.
void flushActive();

/** Web Push: store the notification, pull, show a banner unless a visible tab shows that conversation. */
self.addEventListener('push', (event: PushEvent) => {
  const text = event.data?.text() ?? null;
  event.waitUntil(
    handlePush(
      {
        ctx,
        showNotification: (title, options) => self.registration.showNotification(title, options as NotificationOptions),
        clients: self.clients,
        broadcast,
        now: () => ctx.now(),
      },
      text,
    ).catch((error: unknown) => logFailure('push', error)),
  );
});

/** A click on a banner (or its actions): mark it read, bring a window to the conversation or call. */
self.addEventListener('notificationclick', (event: NotificationEvent) => {
  event.waitUntil(
    handleNotificationClick(
      {
        clients: self.clients,
        origin: self.location.origin,
        markRead: (notificationId) =>
          forActiveUser('marking a notification read', async ({ db }) => {
            await markNotificationsRead(db, [notificationId]);
            broadcastNotifications(broadcast, await notificationCounts(db));
          }),
        declineCall: async (callId) => {
          // Any device id will do: the server checks that the signed-in user is the callee.
          await ctx.api.call('POST', `/api/calls/${encodeURIComponent(callId)}/decline`, { partyId: newId() });
        },
      },
      { action: event.action, data: event.notification.data as unknown, close: () => event.notification.close() },
    ).catch((error: unknown) => logFailure('notification click', error)),
  );
});
