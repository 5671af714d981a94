import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';

/*
 * The harness's own floor for the two client budgets: the same measurements as app-timings.ts, on a
 * page that does nothing. A one-row static page (no script but the worker's registration), answered
 * offline by its own service worker from the Cache API, in a new tab of the same browser with the CPU
 * throttled the same way: navigation start → its row painted. On it, a click that appends one row to
 * an `<ol>`: click → that row painted. Whatever the app does costs on top of these; what they cost is
 * the browser's (a new tab's navigation and renderer, a frame at 4× on this machine).
 */

const PAGE = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Plancher</title></head>
<body><ul><li data-testid="conversation-row" data-conversation-id="floor">Dr Anne Martin</li></ul><ol data-testid="message-list"></ol>
<script>
navigator.serviceWorker.register('/sw.js');
document.addEventListener('click', (event) => {
  if (!event.target.closest('[data-testid="conversation-row"]')) return;
  const row = document.createElement('li');
  row.dataset.seq = '1';
  row.textContent = 'Bonjour';
  document.querySelector('[data-testid="message-list"]').append(row);
});
</script></body></html>`;

const WORKER = `self.addEventListener('install', (event) => event.waitUntil(caches.open('floor').then((cache) => cache.add('/')).then(() => self.skipWaiting())));
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (event) => { if (event.request.mode === 'navigate') event.respondWith(caches.match('/')); });`;

export interface FloorTimings {
  /** Navigation start → the static page's row painted, offline, from its worker (ms). */
  coldStartOfflineRuns: number[];
  /** Click → one appended row painted (ms). */
  openRuns: number[];
}

export async function measureFloor(
  browser: Browser,
  options: {
    throttle: number;
    reps: number;
    listPaintedScript: string;
    listPainted(page: import('playwright-core').Page): Promise<number>;
    open(page: import('playwright-core').Page): Promise<number>;
  },
): Promise<FloorTimings> {
  const server = createServer((request, response) => {
    const worker = request.url === '/sw.js';
    response.setHeader('content-type', worker ? 'text/javascript' : 'text/html; charset=utf-8');
    response.end(worker ? WORKER : PAGE);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const context = await browser.newContext({ baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, locale: 'fr-FR', viewport: { width: 1280, height: 800 } });
  try {
    let page = await context.newPage();
    await page.goto('/');
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await page.reload();
    const openRuns: number[] = [];
    for (let rep = 0; rep < options.reps; rep++) {
      await page.goto('/');
      const cdp = await context.newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: options.throttle });
      openRuns.push(await options.open(page));
      await cdp.detach();
    }
    await page.close();
    await context.setOffline(true);
    await new Promise<void>((done) => server.close(() => done()));
    await context.addInitScript(options.listPaintedScript);
    const coldStartOfflineRuns: number[] = [];
    for (let rep = 0; rep < options.reps; rep++) {
      page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: options.throttle });
      coldStartOfflineRuns.push(await options.listPainted(page));
      await page.close();
    }
    return { coldStartOfflineRuns, openRuns };
  } finally {
    await context.close();
    server.close();
  }
}
