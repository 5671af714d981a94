import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { DEMO_PASSWORD, seedDemo } from '../../src/server/demo-seed.ts';
import { loadConfig } from '../../src/server/config.ts';
import { createGateway, type Gateway } from '../../src/server/gateway.ts';
import { newId } from '../../src/shared/ids.ts';
import { ApiClient, flushTestDb, redisUrl } from '../integration/helpers.ts';
import { NetSwitch } from './net-switch.ts';

/**
 * Helpers for the device e2e tests (multi-tab, SW lifecycle, shared tablets): a gateway whose
 * `/api/sync/push` can be observed (concurrency per device), refused (503) or held, and simulated
 * tablets behind their own network switch.
 */

/** The Redis DB these e2e files own (flushed at start). */
export const DEVICE_E2E_DB = 8;

export interface PushControl {
  /** While true, every push is answered 503 (the outbox stays pending, the rest of the API works). */
  refuse: boolean;
  /** While set, every push waits for it before reaching the handler. */
  hold: Promise<void> | null;
  /** Highest number of pushes in flight at once, per device id. */
  maxInFlight: Map<string, number>;
  /** Number of pushes that reached the handler. */
  handled: number;
  /** Number of pushes that arrived (before any hold). */
  arrived: number;
}

export interface DeviceStack {
  gateway: Gateway;
  port: number;
  push: PushControl;
  stop(): Promise<void>;
}

/** The real gateway on DB `db` serving `staticDir`, with the push observed by hooks. */
export async function startDeviceStack(options: { db?: number; staticDir: string }): Promise<DeviceStack> {
  const db = options.db ?? DEVICE_E2E_DB;
  await flushTestDb(db);
  const config = { ...loadConfig({}), port: 0, host: '127.0.0.1', redisUrl: redisUrl(db), demo: false, logLevel: 'silent', staticDir: options.staticDir };
  const gateway = await createGateway(config);
  const push: PushControl = { refuse: false, hold: null, maxInFlight: new Map(), handled: 0, arrived: 0 };
  const inFlight = new Map<string, number>();
  const isPush = (request: FastifyRequest): boolean => request.method === 'POST' && request.url.startsWith('/api/sync/push');
  const deviceOf = (request: FastifyRequest): string => String((request.body as { deviceId?: unknown } | undefined)?.deviceId ?? '?');
  gateway.app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!isPush(request)) return;
    if (push.refuse) return reply.code(503).send({ error: { code: 'unavailable', message: 'unavailable' } });
    const device = deviceOf(request);
    const now = (inFlight.get(device) ?? 0) + 1;
    inFlight.set(device, now);
    push.maxInFlight.set(device, Math.max(now, push.maxInFlight.get(device) ?? 0));
    (request as FastifyRequest & { counted?: boolean }).counted = true;
    push.arrived += 1;
    if (push.hold) await push.hold;
    push.handled += 1;
  });
  gateway.app.addHook('onResponse', async (request: FastifyRequest) => {
    if (!(request as FastifyRequest & { counted?: boolean }).counted) return;
    const device = deviceOf(request);
    inFlight.set(device, (inFlight.get(device) ?? 1) - 1);
  });
  await seedDemo(gateway.redis);
  const { port } = await gateway.listen();
  return { gateway, port, push, stop: () => gateway.close() };
}

export interface Tablet {
  context: BrowserContext;
  net: NetSwitch;
  baseURL: string;
  close(): Promise<void>;
}

/** A browser context (one tablet) behind its own network switch. */
export async function openTablet(browser: Browser, stack: DeviceStack): Promise<Tablet> {
  const net = new NetSwitch({ host: '127.0.0.1', port: stack.port });
  const port = await net.start();
  const baseURL = `http://127.0.0.1:${port}`;
  const context = await browser.newContext({ baseURL, locale: 'fr-FR' });
  return {
    context,
    net,
    baseURL,
    async close() {
      await context.close();
      await net.stop();
    },
  };
}

/** Signs `username` in on `page` (the demo password unless given) and waits for the list. */
export async function signIn(page: Page, username: string, password: string = DEMO_PASSWORD): Promise<void> {
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('conversation-list').waitFor();
}

/** Opens a new page on `/` of the tablet and signs in when the login screen shows. */
export async function openSignedIn(tablet: Tablet, username: string): Promise<Page> {
  const page = await tablet.context.newPage();
  await page.goto('/');
  // The first visit installs the SW and precaches the shell before it answers: allow for a busy machine.
  await page.getByTestId('login-username').or(page.getByTestId('conversation-list')).first().waitFor({ timeout: 90_000 });
  if (await page.getByTestId('login-username').isVisible()) await signIn(page, username);
  return page;
}

/** Id of the direct conversation between two demo users (created through the API, or the existing one). */
export async function directConversation(stack: DeviceStack, from: string, toName: string): Promise<string> {
  const api = new ApiClient(`http://127.0.0.1:${stack.port}`);
  await api.login(from, DEMO_PASSWORD);
  const users = await api.request('GET', `/api/users?q=${encodeURIComponent(toName)}`);
  const peer = (users.body as { users: { id: string }[] }).users[0];
  if (!peer) throw new Error(`no user ${toName}`);
  const id = newId();
  const reply = await api.request('POST', '/api/sync/push', {
    body: { deviceId: 'e2e', mutations: [{ id: newId(), kind: 'conversation.create', args: { conversationId: id, participantIds: [peer.id] } }] },
  });
  const result = (reply.body as { results: { ok: boolean; result?: { conversation: { id: string } } }[] }).results[0];
  if (!result?.ok || !result.result) throw new Error('conversation not created');
  return result.result.conversation.id;
}

/** The message bodies of a conversation as the server holds them, read as `username`. */
export async function serverBodies(stack: DeviceStack, username: string, conversationId: string): Promise<string[]> {
  const api = new ApiClient(`http://127.0.0.1:${stack.port}`);
  await api.login(username, DEMO_PASSWORD);
  const reply = await api.request('GET', `/api/conversations/${conversationId}/messages?limit=100`);
  return (reply.body as { messages: { body: string }[] }).messages.map((m) => m.body);
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

/** Sends a message from the open conversation's composer. */
export async function sendFromComposer(page: Page, text: string): Promise<void> {
  await page.getByTestId('composer-input').fill(text);
  await page.getByTestId('composer-input').press('Enter');
}

/** Bodies shown in the open conversation. */
export function shownBodies(page: Page): Promise<string[]> {
  return page.getByTestId('message-body').allTextContents();
}

export { DEMO_PASSWORD };

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

/** Revokes every session on the store (the server forgets them: the next request answers 401). */
export async function revokeAllSessions(stack: DeviceStack): Promise<number> {
  const keys = await stack.gateway.redis.keys('relais:session:*');
  if (keys.length > 0) await stack.gateway.redis.del(...keys);
  return keys.length;
}

/** Pushes a message as `username` through the API (another device). */
export async function sendAs(stack: DeviceStack, username: string, conversationId: string, body: string): Promise<void> {
  const api = new ApiClient(`http://127.0.0.1:${stack.port}`);
  await api.login(username, DEMO_PASSWORD);
  const messageId = newId();
  const reply = await api.request('POST', '/api/sync/push', {
    body: { deviceId: 'e2e-api', mutations: [{ id: messageId, kind: 'message.send', args: { conversationId, messageId, body } }] },
  });
  if (reply.status !== 200) throw new Error(`send failed: ${reply.status}`);
}
