import type { BrowserContext, CDPSession, Page } from 'playwright-core';

/** Looking behind a page at its service worker: the app's own message protocol, and DevTools. */

/** Asks the page's service worker directly (as the app does), for checks the UI does not show. */
export async function swRequest<T>(page: Page, op: string, args?: unknown): Promise<T> {
  return page.evaluate(
    async ({ op: o, args: a }) => {
      const registration = await navigator.serviceWorker.ready;
      const worker = navigator.serviceWorker.controller ?? registration.active;
      if (!worker) throw new Error('no service worker');
      const channel = new MessageChannel();
      const answer = new Promise<{ ok: boolean; result?: unknown; error?: { code: string } }>((resolve) => {
        channel.port1.onmessage = (event) => resolve(event.data as { ok: boolean; result?: unknown });
      });
      worker.postMessage({ id: `e2e-${Math.random()}`, op: o, ...(a === undefined ? {} : { args: a }) }, [channel.port2]);
      const reply = await answer;
      if (!reply.ok) throw new Error(`sw ${o}: ${reply.error?.code ?? '?'}`);
      return reply.result;
    },
    { op, args },
  ) as Promise<T>;
}

/** A DevTools session on `page` with the ServiceWorker domain on, and the registration id of the app's SW. */
export async function serviceWorkerDevTools(context: BrowserContext, page: Page): Promise<{ cdp: CDPSession; registrationId: () => string | null }> {
  const cdp = await context.newCDPSession(page);
  let registrationId: string | null = null;
  cdp.on('ServiceWorker.workerRegistrationUpdated', (event: { registrations: { registrationId: string; isDeleted: boolean }[] }) => {
    const live = event.registrations.find((r) => !r.isDeleted);
    if (live) registrationId = live.registrationId;
  });
  await cdp.send('ServiceWorker.enable');
  return { cdp, registrationId: () => registrationId };
}
