import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/server/config.ts';
import { createGateway, type Gateway } from '../../src/server/gateway.ts';
import { appendMessage, createConversation } from '../../src/server/store/conversations.ts';
import { createUser } from '../../src/server/store/users.ts';
import { newId } from '../../src/shared/ids.ts';
import type { User } from '../../src/shared/model.ts';
import { launchChromium } from '../../tests/e2e/browser.ts';
import { startBenchRedis } from '../lib/redis-server.ts';
import { median } from '../lib/stats.ts';
import { ROOT } from '../lib/spawn.ts';
import { runCallTimings } from './call-timing.ts';
import { measureFloor, type FloorTimings } from './floor.ts';
import { startTrace } from './profile.ts';

/*
 * The built app (dist/, copied aside so that a concurrent build cannot change it under the run) on
 * the real gateway and a private redis-server, in headless Chromium with the page's CPU throttled
 * through the DevTools protocol: a cold start offline up to the conversation list painted, and the
 * opening of a conversation of `messages` messages up to its message list painted; and a video call,
 * "accept" tapped up to the first remote frame (call-timing.ts).
 *
 * The protocol's throttle slows the page's main thread; the service worker's thread was measured
 * not to slow down with it (`serviceWorkerSlowdown` ≈ 1), so what the worker does (the IndexedDB
 * queries behind the list and the conversation) runs at full speed here, unlike on a real tablet.
 *
 * "Painted" is timed the usual way from inside the page: when the awaited element is in the DOM, a
 * requestAnimationFrame callback, then a message posted from it; that message runs once the frame
 * (the first one holding the element) has been produced.
 */

export interface AppTimings {
  /** Navigation start → first conversation row painted, offline, each run (ms). */
  coldStartOfflineRuns: number[];
  /** Click on the conversation row → message list painted with its newest message, each run on a freshly loaded page (ms). */
  openConversationRuns: number[];
  /** The same, opening it a second time in the same page (its code already compiled and run once) (ms). */
  reopenConversationRuns: number[];
  /** Click → the first frame after it (the conversation pane, its messages still loading), fresh page (ms). */
  openFirstFrameRuns: number[];
  messages: number;
  /** Message rows in the DOM once the conversation is open (windowed rendering keeps it small). */
  domRows: number;
  /** A video call: "accept" tapped → first remote video frame presented, each run, CPU not throttled (ms). */
  acceptToFirstFrameRuns: number[];
  /** The same with both pages throttled like the rest (ms). */
  acceptToFirstFrameThrottledRuns: number[];
  /** How much slower a fixed busy loop ran in the service worker once throttled (1 = the throttle does not reach it). */
  serviceWorkerSlowdown: number | null;
  throttle: number;
  /** The same two measurements on a page that does nothing, in the same browser (floor.ts). */
  floor: FloorTimings;
}

const PASSWORD = 'bench-password';
const VIEWPORT = { width: 1280, height: 800 };

/** Bodies of varied length, some on several lines: rows of different heights, as in a real conversation. */
function body(i: number): string {
  const base = `Compte rendu ${i} : patient vu en consultation, tension ${100 + (i % 60)}/${60 + (i % 30)}`;
  switch (i % 7) {
    case 0:
      return `OK ${i}`;
    case 3:
      return `${base}. Bilan sanguin demandé, à revoir demain matin avec les résultats.\nTraitement inchangé.`;
    case 5:
      return `${base}. ${'Surveillance rapprochée, appeler si la douleur reprend. '.repeat(3)}`;
    default:
      return base;
  }
}

interface Seeded {
  anne: User;
  conversationId: string;
  /** A conversation of two others, for the call timing. */
  callConversationId: string;
  lastSeq: number;
  stored: number;
}

/** Users, the long conversation (sent by both sides) and a few short ones, straight into the store. */
async function seed(redis: Redis, count: number): Promise<Seeded> {
  const make = async (username: string, displayName: string): Promise<User> => {
    const created = await createUser(redis, { username, password: PASSWORD, displayName, role: 'doctor' });
    if (!created.ok) throw new Error(`user ${username} not created`);
    return created.user;
  };
  const anne = await make('bench.anne', 'Dr Anne Martin');
  const karim = await make('bench.karim', 'Dr Karim Benali');
  const others = [await make('bench.claire', 'Claire Dubois'), await make('bench.sophie', 'Sophie Leroy')];
  const conversationId = newId();
  await createConversation(redis, anne.id, newId(), { conversationId, participantIds: [karim.id], title: 'Cardiologie — suivi' });
  let lastSeq = 0;
  for (let start = 0; start < count; start += 500) {
    const seqs = await Promise.all(
      Array.from({ length: Math.min(500, count - start) }, async (_, k) => {
        const i = start + k;
        const messageId = newId();
        const sender = i % 5 === 0 ? anne : karim;
        const outcome = await appendMessage(redis, sender.id, messageId, { conversationId, messageId, body: body(i) });
        if (!outcome.ok) throw new Error(`append failed: ${outcome.code}`);
        return outcome.result.seq;
      }),
    );
    lastSeq = Math.max(lastSeq, ...seqs);
  }
  const [paul, lea] = [await make('bench.paul', 'Paul Durand'), await make('bench.lea', 'Léa Petit')];
  const callConversationId = newId();
  await createConversation(redis, paul.id, newId(), { conversationId: callConversationId, participantIds: [lea.id] });
  let stored = count;
  for (const [n, other] of others.entries()) {
    const id = newId();
    await createConversation(redis, anne.id, newId(), { conversationId: id, participantIds: [other.id] });
    const messageId = newId();
    await appendMessage(redis, other.id, messageId, { conversationId: id, messageId, body: `Bonjour, question ${n}` });
    stored += 1;
  }
  return { anne, conversationId, callConversationId, lastSeq, stored };
}

async function signIn(page: Page, username: string): Promise<void> {
  await page.goto('/');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('conversation-list').waitFor();
}

/** Messages in the device's store (the SW's database, opened read-only from the page once it exists). */
async function storedCount(page: Page, userId: string): Promise<number> {
  return page.evaluate(async (name) => {
    const names = (await indexedDB.databases()).map((db) => db.name);
    if (!names.includes(name)) return 0;
    const db = await new Promise<IDBDatabase>((done, fail) => {
      const open = indexedDB.open(name);
      open.onsuccess = () => done(open.result);
      open.onerror = () => fail(open.error);
    });
    try {
      return await new Promise<number>((done, fail) => {
        const request = db.transaction('messages').objectStore('messages').count();
        request.onsuccess = () => done(request.result);
        request.onerror = () => fail(request.error);
      });
    } finally {
      db.close();
    }
  }, `relais-${userId}`);
}

async function throttled(context: BrowserContext, page: Page, rate: number): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
}

/**
 * Throttles the service worker too when the DevTools protocol lets it (a tablet is slow on every
 * thread), and answers how much slower a fixed busy loop then runs there; null when it cannot tell.
 */
async function throttleServiceWorker(browser: Browser, origin: string, rate: number): Promise<{ slowdown: number | null; release(): Promise<void> }> {
  const session = await browser.newBrowserCDPSession();
  // Attached, DevTools keeps the worker running (a restarted one would run unthrottled): detached at the end.
  const release = (): Promise<void> => session.detach().catch(() => undefined);
  try {
    const { targetInfos } = await session.send('Target.getTargets');
    const worker = targetInfos.find((target) => target.type === 'service_worker' && target.url.startsWith(origin));
    if (!worker) return { slowdown: null, release };
    const { sessionId } = await session.send('Target.attachToTarget', { targetId: worker.targetId, flatten: false });
    let next = 1;
    const pending = new Map<number, (message: { result?: unknown; error?: { message: string } }) => void>();
    session.on('Target.receivedMessageFromTarget', (event) => {
      if (event.sessionId !== sessionId) return;
      const message = JSON.parse(event.message) as { id?: number; result?: unknown; error?: { message: string } };
      if (message.id !== undefined) pending.get(message.id)?.(message);
    });
    const call = async (method: string, params: object): Promise<{ result?: unknown; error?: { message: string } }> => {
      const id = next++;
      const reply = new Promise<{ result?: unknown; error?: { message: string } }>((done) => pending.set(id, done));
      await session.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) });
      return reply;
    };
    const loopMs = async (): Promise<number> => {
      const reply = await call('Runtime.evaluate', {
        expression: '(() => { const t0 = performance.now(); let x = 0; for (let i = 0; i < 2e7; i++) x = (x + i) % 1000003; return performance.now() - t0 + x * 0; })()',
        returnByValue: true,
      });
      return ((reply.result as { result?: { value?: number } } | undefined)?.result?.value ?? NaN) as number;
    };
    const before = Math.min(await loopMs(), await loopMs());
    await call('Emulation.setCPUThrottlingRate', { rate });
    const after = Math.min(await loopMs(), await loopMs());
    return { slowdown: Number.isFinite(before) && Number.isFinite(after) && before > 0 ? after / before : null, release };
  } catch (error) {
    await release();
    throw error;
  }
}

interface OpenTimes {
  clickAt: number;
  firstFrameAt: number;
  paintedAt: number;
  rows: number;
}

/** Page source of `nextPaint(then)`: calls `then` once the frame under way (or the next one) has been produced. */
const NEXT_PAINT_SOURCE =
  '(then) => requestAnimationFrame(() => { const channel = new MessageChannel(); channel.port1.onmessage = then; channel.port2.postMessage(null); })';

/** Resolves (in the page) with the click's time, the first frame after it, and the time the newest message row was painted. */
function armOpenTimer(page: Page, lastSeq: number): Promise<void> {
  return page.evaluate(([seq, paintHelper]) => {
    const nextPaint = new Function(`return ${paintHelper}`)() as (then: () => void) => void;
    const box = globalThis as unknown as { relaisOpen?: Promise<OpenTimes> };
    box.relaisOpen = new Promise((resolve) => {
      let clickAt = Number.NaN;
      let firstFrameAt = Number.NaN;
      document.addEventListener(
        'click',
        (event) => {
          clickAt = event.timeStamp;
          performance.mark('relais-open-click');
          nextPaint(() => (firstFrameAt = performance.now()));
        },
        { capture: true, once: true },
      );
      const observer = new MutationObserver(() => {
        if (!document.querySelector(`[data-testid="message-list"] > [data-seq="${seq}"]`)) return;
        observer.disconnect();
        nextPaint(() => {
          performance.mark('relais-open-painted');
          resolve({ clickAt, firstFrameAt, paintedAt: performance.now(), rows: document.querySelectorAll('[data-testid="message-list"] > li[data-message-id]').length });
        });
      });
      observer.observe(document.body, { childList: true, subtree: true });
    });
  }, [lastSeq, NEXT_PAINT_SOURCE] as const);
}

async function openConversation(page: Page, conversationId: string, lastSeq: number): Promise<{ ms: number; firstFrameMs: number; rows: number }> {
  await armOpenTimer(page, lastSeq);
  await page.locator(`[data-testid="conversation-row"][data-conversation-id="${conversationId}"]`).click();
  const timed = await page.evaluate(() => (globalThis as unknown as { relaisOpen: Promise<OpenTimes> }).relaisOpen);
  return { ms: timed.paintedAt - timed.clickAt, firstFrameMs: timed.firstFrameAt - timed.clickAt, rows: timed.rows };
}

/**
 * Page script (before the app's): says when the first conversation row is painted, on the console.
 * Waiting for it costs the page nothing: a `waitForFunction` poll instead ran Playwright's injected
 * script in the page on every frame, 60–80 ms of the throttled main thread before the list painted.
 */
const LIST_PAINTED_SCRIPT = `(() => {
  const nextPaint = ${NEXT_PAINT_SOURCE};
  const observer = new MutationObserver(() => {
    if (!document.querySelector('[data-testid="conversation-row"]')) return;
    observer.disconnect();
    nextPaint(() => { performance.mark('relais-list-painted'); console.debug('relais-list-painted ' + performance.now()); });
  });
  observer.observe(document, { childList: true, subtree: true });
})();`;

/** Loads the app in `page` and answers when its first conversation row was painted (ms from the navigation's start). */
async function listPainted(page: Page): Promise<number> {
  const said = page.waitForEvent('console', { predicate: (message) => message.text().startsWith('relais-list-painted '), timeout: 60_000 });
  await page.goto('/');
  return Number((await said).text().split(' ')[1]);
}

/** Runs both measurements `reps` times each; null when dist/ is not built. */
export async function runAppTimings(options: {
  messages: number;
  throttle: number;
  reps: number;
  log?: (line: string) => void;
  /** Without the video calls (their figures left empty). */
  skipCalls?: boolean;
  /** A directory: after the timed runs, one more of each is traced there and summarised (profile.ts). */
  profile?: string;
  /** Another build than dist/ (a copy of an earlier one, to compare). */
  dist?: string;
}): Promise<AppTimings | null> {
  const log = options.log ?? (() => undefined);
  const dist = resolve(options.dist ?? join(ROOT, 'dist'));
  if (!existsSync(join(dist, 'index.html')) || !existsSync(join(dist, 'sw.js'))) return null;
  const staticDir = mkdtempSync(join(tmpdir(), 'relais-bench-dist-'));
  const blobDir = mkdtempSync(join(tmpdir(), 'relais-bench-blobs-'));
  cpSync(dist, staticDir, { recursive: true });
  const redisServer = await startBenchRedis('everysec');
  const redis = new Redis(redisServer.url);
  let gateway: Gateway | null = null;
  let browser: Browser | null = null;
  let releaseWorker = (): Promise<void> => Promise.resolve();
  try {
    const seeded = await seed(redis, options.messages);
    gateway = await createGateway({ ...loadConfig({}), port: 0, host: '127.0.0.1', redisUrl: redisServer.url, demo: false, logLevel: 'silent', staticDir, blobDir });
    const { port } = await gateway.listen();
    const origin = `http://127.0.0.1:${port}`;
    // The calls first, alone: a browser left with a long conversation (its service worker, pages
    // throttled by the DevTools protocol, which keeps the host busy while it lasts) made the calls of
    // the other browser up to 2x slower (974/587/1019 ms against 438/323/285, 3 calls each).
    const call = (throttle: number) =>
      runCallTimings({ origin, caller: 'bench.paul', callee: 'bench.lea', password: PASSWORD, conversationId: seeded.callConversationId, reps: options.reps, throttle });
    const acceptToFirstFrameRuns = options.skipCalls ? [] : await call(1);
    const acceptToFirstFrameThrottledRuns = options.skipCalls ? [] : await call(options.throttle);
    if (!options.skipCalls) log(`app: call accept → first remote frame ${acceptToFirstFrameRuns.map((ms) => ms.toFixed(0)).join(', ')} ms; at ${options.throttle}× ${acceptToFirstFrameThrottledRuns.map((ms) => ms.toFixed(0)).join(', ')} ms`);

    browser = await launchChromium();
    const context = await browser.newContext({ baseURL: origin, locale: 'fr-FR', viewport: VIEWPORT });
    let page = await context.newPage();
    await signIn(page, 'bench.anne');
    const t0 = Date.now();
    for (;;) {
      const count = await storedCount(page, seeded.anne.id);
      if (count >= seeded.stored) break;
      if (Date.now() - t0 > 300_000) throw new Error(`sync stalled at ${count} of ${seeded.stored} messages`);
      await new Promise((done) => setTimeout(done, 500));
    }
    log(`app: ${seeded.stored} messages synced to the device in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const worker = await throttleServiceWorker(browser, origin, options.throttle);
    releaseWorker = worker.release;
    log(`app: service worker busy loop ${worker.slowdown?.toFixed(1) ?? '?'}× slower once throttled`);

    const openConversationRuns: number[] = [];
    const openFirstFrameRuns: number[] = [];
    const reopenConversationRuns: number[] = [];
    let domRows = 0;
    const cdp = await context.newCDPSession(page);
    for (let rep = 0; rep < options.reps; rep++) {
      await page.goto('/');
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: options.throttle });
      await page.locator(`[data-testid="conversation-row"][data-conversation-id="${seeded.conversationId}"]`).waitFor();
      const first = await openConversation(page, seeded.conversationId, seeded.lastSeq);
      openConversationRuns.push(first.ms);
      openFirstFrameRuns.push(first.firstFrameMs);
      domRows = first.rows;
      // Back to the list (a short conversation), then the long one again: its code is loaded now.
      await page.locator(`[data-testid="conversation-row"]:not([data-conversation-id="${seeded.conversationId}"])`).first().click();
      await page.getByTestId('chat-window').waitFor();
      await page.locator(`[data-testid="message-list"] > [data-seq="${seeded.lastSeq}"]`).waitFor({ state: 'detached' });
      const again = await openConversation(page, seeded.conversationId, seeded.lastSeq);
      reopenConversationRuns.push(again.ms);
      log(`app: open ${first.ms.toFixed(0)} ms (first frame ${first.firstFrameMs.toFixed(0)} ms), reopen ${again.ms.toFixed(0)} ms, ${first.rows} rows in the DOM`);
    }
    if (options.profile) {
      await page.goto('/');
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: options.throttle });
      await page.locator(`[data-testid="conversation-row"][data-conversation-id="${seeded.conversationId}"]`).waitFor();
      const tracer = await startTrace(browser, options.profile);
      const traced = await openConversation(page, seeded.conversationId, seeded.lastSeq);
      log(`app: traced open ${traced.ms.toFixed(0)} ms (not counted)`);
      log(await tracer.stop('open-conversation', { startMark: 'relais-open-click', endMark: 'relais-open-painted' }));
    }


    // Offline from here: the gateway is gone too, so nothing can reach it.
    await page.goto('/');
    await page.getByTestId('conversation-list').waitFor();
    await page.close();
    await context.setOffline(true);
    await gateway.close();
    gateway = null;
    await context.addInitScript(LIST_PAINTED_SCRIPT);
    const coldStartOfflineRuns: number[] = [];
    for (let rep = 0; rep < options.reps; rep++) {
      page = await context.newPage();
      await throttled(context, page, options.throttle);
      const ms = await listPainted(page);
      coldStartOfflineRuns.push(ms);
      log(`app: cold start offline ${ms.toFixed(0)} ms`);
      await page.close();
    }
    if (options.profile) {
      const tracer = await startTrace(browser, options.profile);
      page = await context.newPage();
      await throttled(context, page, options.throttle);
      log(`app: traced cold start offline ${(await listPainted(page)).toFixed(0)} ms (not counted)`);
      log(await tracer.stop('cold-start-offline', { endMark: 'relais-list-painted' }));
      await page.close();
    }
    const floor = await measureFloor(browser, {
      throttle: options.throttle,
      reps: options.reps,
      listPaintedScript: LIST_PAINTED_SCRIPT,
      listPainted,
      open: async (floorPage) => (await openConversation(floorPage, 'floor', 1)).ms,
    });
    log(`app: floor (a one-row static page) — cold start offline ${floor.coldStartOfflineRuns.map((ms) => ms.toFixed(0)).join(', ')} ms; click → row painted ${floor.openRuns.map((ms) => ms.toFixed(0)).join(', ')} ms`);
    log(`app: medians — cold start offline ${median(coldStartOfflineRuns).toFixed(0)} ms, open ${median(openConversationRuns).toFixed(0)} ms, reopen ${median(reopenConversationRuns).toFixed(0)} ms`);
    return {
      coldStartOfflineRuns,
      openConversationRuns,
      reopenConversationRuns,
      openFirstFrameRuns,
      acceptToFirstFrameRuns,
      acceptToFirstFrameThrottledRuns,
      messages: options.messages,
      domRows,
      serviceWorkerSlowdown: worker.slowdown,
      throttle: options.throttle,
      floor,
    };
  } finally {
    await releaseWorker();
    await browser?.close();
    await gateway?.close();
    redis.disconnect();
    await redisServer.stop();
    rmSync(staticDir, { recursive: true, force: true });
    rmSync(blobDir, { recursive: true, force: true });
  }
}
