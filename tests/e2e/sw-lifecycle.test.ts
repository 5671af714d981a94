import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ROOT } from '../integration/helpers.ts';
import { useE2eStack } from './fixture.ts';
import { messagesWithStatus, openConversation, openSignedInTab, sendFromComposer, shownBodies } from './page-steps.ts';
import { holdPushes, type ArrivedMutation } from './push-control.ts';
import { directConversation, serverBodies } from './server-steps.ts';
import { DEVICE_E2E_DB } from './stack.ts';
import { serviceWorkerDevTools, swRequest } from './sw-steps.ts';
import type { Tablet } from './tablet.ts';

/**
 * The service worker's life: a new version waits for the user's yes and keeps drafts and the outbox;
 * a SW stopped in the middle of a push loses nothing; Background Sync delivers with no page open.
 * Two builds are served from their own directories (never the shared dist/): `current` is a symlink
 * the test switches from build A to build B (same app, another build marker in sw.js).
 */
describe('service worker lifecycle', () => {
  let work: string;
  let tablet: Tablet;
  let conversationId: string;

  const serve = (build: 'A' | 'B'): void => {
    const current = join(work, 'current');
    try {
      unlinkSync(current);
    } catch {
      // first switch
    }
    symlinkSync(join(work, build), current);
  };

  const pendingCount = (page: Page) => messagesWithStatus(page, 'pending').count();
  /** A new tab of dr.martin on the tablet, on the conversation. */
  const openConversationTab = async (): Promise<Page> => {
    const page = await openSignedInTab(tablet.context, 'dr.martin');
    await openConversation(page, conversationId);
    return page;
  };

  // Registered before the stack's hooks: the builds exist before the gateway serves them, and go after it stops.
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'relais-sw-lifecycle-'));
    execFileSync('npx', ['vite', 'build', '--outDir', join(work, 'A'), '--emptyOutDir', '--logLevel', 'error'], {
      cwd: ROOT,
      stdio: 'pipe',
      // vitest sets NODE_ENV=test, which would make Vite build the development variant of the app.
      env: { ...process.env, NODE_ENV: 'production' },
    });
    cpSync(join(work, 'A'), join(work, 'B'), { recursive: true });
    // A changed build marker: the browser sees new sw.js bytes, i.e. a new version to install.
    appendFileSync(join(work, 'B', 'sw.js'), `\n// relais build marker: B ${Date.now()}\n`);
    serve('A');
  }, 180_000);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });
  const e2e = useE2eStack({ db: DEVICE_E2E_DB, config: () => ({ staticDir: join(work, 'current') }) });

  beforeAll(async () => {
    tablet = await e2e.openTablet();
    conversationId = await directConversation(e2e.stack, 'dr.martin', 'benali');
  });

  it('offers the new version, and accepting reloads keeping the draft and the outbox', async () => {
    const { stack } = e2e;
    const page = await openConversationTab();
    stack.push.refuse = true; // the server refuses pushes: the message stays in the outbox
    await sendFromComposer(page, 'Avant la mise à jour : pansement à refaire');
    await expect.poll(() => pendingCount(page)).toBe(1);
    const draft = 'Brouillon écrit avant la mise à jour';
    await page.getByTestId('composer-input').fill(draft);
    await expect.poll(() => swRequest<{ text: string }>(page, 'draft.get', { conversationId }).then((r) => r.text)).toBe(draft);

    serve('B');
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r?.update()));
    await page.getByTestId('update-prompt').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('update-prompt').textContent()).toContain('Nouvelle version disponible');

    await page.evaluate(() => {
      (window as unknown as { beforeUpdate: boolean }).beforeUpdate = true;
    });
    await page.getByTestId('update-accept').click();
    await expect.poll(() => page.evaluate(() => 'beforeUpdate' in window).catch(() => true), { timeout: 30_000 }).toBe(false);
    await page.getByTestId('chat-window').waitFor();
    await expect.poll(() => page.getByTestId('update-prompt').count()).toBe(0);
    await expect.poll(() => pendingCount(page)).toBe(1);
    await expect.poll(() => page.getByTestId('composer-input').inputValue()).toBe(draft);
    const scriptHasMarker = await page.evaluate(async () => (await (await fetch('/sw.js')).text()).includes('relais build marker: B'));
    expect(scriptHasMarker).toBe(true);

    stack.push.refuse = false;
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await expect.poll(() => pendingCount(page), { timeout: 30_000 }).toBe(0);
    const onServer = await serverBodies(stack, 'dr.benali', conversationId);
    expect(onServer.filter((b) => b === 'Avant la mise à jour : pansement à refaire')).toHaveLength(1);
    await page.close();
  });

  it('loses nothing when the service worker is stopped in the middle of a push', async () => {
    const { stack } = e2e;
    const page = await openConversationTab();
    const devtools = await serviceWorkerDevTools(tablet.context, page);
    // Closed whatever happens: the next test needs every app page of the tablet closed.
    try {
      const text = 'Envoyé pendant l’arrêt du service worker';
      // Only the push carrying this message is held, and the worker is stopped once that push is at
      // the server: opening the conversation also queues pushes (the audit trail's `conversation.open`,
      // the read mark), and stopping the worker as one of those arrives would stop it before the
      // message is even queued (its request then dies with the worker, nothing to push again).
      const carries = (mutations: readonly ArrivedMutation[]) => mutations.some((m) => m.kind === 'message.send' && m.args.body === text);
      const release = holdPushes(stack.push, carries);
      await sendFromComposer(page, text);
      await expect.poll(() => carries(stack.push.arrivedMutations)).toBe(true);

      // The push is at the server, unanswered: stop the worker, then let the server commit it.
      await devtools.cdp.send('ServiceWorker.stopAllWorkers');
      release();

      // A new trigger wakes a fresh worker, which pushes the outbox again (the server answers the same seq).
      await page.evaluate(() => window.dispatchEvent(new Event('online')));
      await expect.poll(() => pendingCount(page), { timeout: 30_000 }).toBe(0);
      // Shown once, once the page has read the fresh worker's store again (no pending one is also what
      // a list being reloaded shows for an instant).
      await expect.poll(async () => (await shownBodies(page)).filter((b) => b === text).length, { timeout: 15_000 }).toBe(1);
      const onServer = await serverBodies(stack, 'dr.benali', conversationId);
      expect(onServer.filter((b) => b === text)).toHaveLength(1);
    } finally {
      await devtools.cdp.detach();
      await page.close();
    }
  });

  it('delivers through Background Sync with every page of the app closed', async () => {
    const { stack } = e2e;
    const page = await openConversationTab();
    stack.push.refuse = true;
    const text = 'Parti par Background Sync, aucune page ouverte';
    await sendFromComposer(page, text);
    await expect.poll(() => pendingCount(page)).toBe(1);

    // DevTools from a blank page (not the app): close every app page, stop the worker and its timers.
    const blank = await tablet.context.newPage();
    const devtools = await serviceWorkerDevTools(tablet.context, blank);
    await expect.poll(() => devtools.registrationId()).not.toBeNull();
    await page.close();
    expect(tablet.context.pages().map((p) => p.url())).toEqual(['about:blank']);
    await devtools.cdp.send('ServiceWorker.stopAllWorkers');
    expect(await serverBodies(stack, 'dr.benali', conversationId)).not.toContain(text);

    stack.push.refuse = false;
    await devtools.cdp.send('ServiceWorker.dispatchSyncEvent', {
      origin: tablet.baseURL,
      registrationId: devtools.registrationId() ?? '',
      tag: 'relais-outbox',
      lastChance: false,
    });
    await expect.poll(() => serverBodies(stack, 'dr.benali', conversationId), { timeout: 30_000 }).toContain(text);
    expect((await serverBodies(stack, 'dr.benali', conversationId)).filter((b) => b === text)).toHaveLength(1);
    await devtools.cdp.detach();
    await blank.close();
  });
});
