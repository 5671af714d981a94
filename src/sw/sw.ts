/// <reference lib="webworker" />
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { BROADCAST_CHANNEL, type SwEvent } from '../shared/sw-protocol.ts';
import { handleRequest } from './router.ts';
import { SwContext } from './session.ts';

/**
 * The service worker: wiring only. Workbox serves the precached app shell (and `index.html` for
 * SPA paths); requests from tabs go to the router; Background Sync and restarts flush the outbox.
 */

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: Array<string | { url: string; revision: string | null }>;
};

const OUTBOX_SYNC_TAG = 'relais-outbox';

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: [/^\/api\//] }));

const channel = new BroadcastChannel(BROADCAST_CHANNEL);

function broadcast(event: SwEvent): void {
  try {
    channel.postMessage(event);
  } catch (error) {
    console.error('relais sw: broadcast failed', error instanceof Error ? error.name : 'unknown');
  }
}

/** Background Sync wakes the SW to flush even after every tab closed (Chromium only; elsewhere the timer and wake-ups do). */
async function registerOutboxSync(): Promise<void> {
  const registration = self.registration as ServiceWorkerRegistration & {
    sync?: { register(tag: string): Promise<void> };
  };
  try {
    await registration.sync?.register(OUTBOX_SYNC_TAG);
  } catch {
    // Background Sync refused (permission, unsupported): the engine's own timer still retries.
  }
}

const ctx = new SwContext({
  // Called through a wrapper: a detached `fetch` throws "Illegal invocation" in browsers.
  fetch: (input, init) => fetch(input, init),
  baseUrl: self.location.origin,
  broadcast,
  onRetryScheduled: () => {
    void registerOutboxSync();
  },
});

async function flushActive(): Promise<void> {
  try {
    await ctx.ready();
    await ctx.active?.engine.flush();
  } catch (error) {
    console.error('relais sw: flush failed', error instanceof Error ? error.name : 'unknown');
  }
}

async function syncActive(): Promise<void> {
  try {
    await ctx.ready();
    await ctx.active?.engine.sync('start');
  } catch (error) {
    console.error('relais sw: sync failed', error instanceof Error ? error.name : 'unknown');
  }
}

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
    .catch((error: unknown) => {
      console.error('relais sw: reply failed', error instanceof Error ? error.name : 'unknown');
    });
  event.waitUntil(reply);
});

self.addEventListener('activate', (event: ExtendableEvent) => {
  event.waitUntil(
    self.clients
      .claim()
      .catch(() => undefined)
      .then(syncActive),
  );
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
