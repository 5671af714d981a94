import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ROOT } from '../integration/helpers.ts';
import { launchChromium } from './browser.ts';
import {
  directConversation,
  openSignedIn,
  openTablet,
  revokeAllSessions,
  sendAs,
  sendFromComposer,
  serverBodies,
  shownBodies,
  signIn,
  startDeviceStack,
  swRequest,
  type DeviceStack,
  type Tablet,
} from './device-kit.ts';

/**
 * Two tabs of one user on one tablet share one service worker: what one does shows in the other at
 * once, and only one flush runs at a time whatever both tabs ask. Drafts live in the SW store.
 */
describe('two tabs of one user, and drafts', () => {
  let stack: DeviceStack;
  let browser: Browser;
  let tablet: Tablet;
  let conversationId: string;

  beforeAll(async () => {
    stack = await startDeviceStack({ staticDir: resolve(ROOT, 'dist') });
    browser = await launchChromium();
    tablet = await openTablet(browser, stack);
    conversationId = await directConversation(stack, 'dr.martin', 'benali');
  });

  afterAll(async () => {
    await tablet?.close();
    await browser?.close();
    await stack?.stop();
  });

  it('shows a message sent in one tab in the other at once, and reading in one clears the badge in both', async () => {
    const tab1 = await openSignedIn(tablet, 'dr.martin');
    const tab2 = await openSignedIn(tablet, 'dr.martin');
    await tab1.goto(`/c/${conversationId}`);
    await tab2.goto(`/c/${conversationId}`);
    await tab2.getByTestId('chat-window').waitFor();

    await sendFromComposer(tab1, 'Depuis l’onglet 1 : la 12 est prête.');
    await expect.poll(() => shownBodies(tab2)).toContain('Depuis l’onglet 1 : la 12 est prête.');

    // Both tabs on the list; a colleague writes: both show the unread badge.
    await tab1.goto('/');
    await tab2.goto('/');
    await sendAs(stack, 'dr.benali', conversationId, 'Karim : je passe dans 5 minutes.');
    for (const tab of [tab1, tab2]) await expect.poll(() => tab.getByTestId('unread-badge').count()).toBe(1);
    await expect.poll(() => tab2.getByTestId('messaging-badge').count()).toBe(1);

    // Reading it in tab 1 clears the badge in tab 2 without any action there.
    await tab1.getByTestId('conversation-row').first().click();
    await expect.poll(() => shownBodies(tab1)).toContain('Karim : je passe dans 5 minutes.');
    await expect.poll(() => tab2.getByTestId('unread-badge').count()).toBe(0);
    await expect.poll(() => tab2.getByTestId('messaging-badge').count()).toBe(0);
    await tab1.close();
    await tab2.close();
  });

  it('runs one flush at a time however many triggers both tabs fire, and delivers each message once', async () => {
    const tab1 = await openSignedIn(tablet, 'dr.martin');
    const tab2 = await openSignedIn(tablet, 'dr.martin');
    await tab1.goto(`/c/${conversationId}`);
    await tab2.goto(`/c/${conversationId}`);
    await tab2.getByTestId('chat-window').waitFor();
    stack.push.maxInFlight.clear();
    const handledBefore = stack.push.handled;

    // The first push is held at the server; meanwhile both tabs send and ask to sync again and again.
    let release = (): void => undefined;
    stack.push.hold = new Promise<void>((resolveHold) => {
      release = resolveHold;
    });
    const texts = ['Onglet 1 — A', 'Onglet 2 — B', 'Onglet 1 — C', 'Onglet 2 — D'];
    await sendFromComposer(tab1, texts[0] as string);
    await expect.poll(() => stack.push.maxInFlight.size).toBe(1);
    await sendFromComposer(tab2, texts[1] as string);
    await sendFromComposer(tab1, texts[2] as string);
    await sendFromComposer(tab2, texts[3] as string);
    for (const tab of [tab1, tab2, tab1, tab2]) await tab.evaluate(() => window.dispatchEvent(new Event('online')));
    const syncs = [tab1, tab2].map((tab) => swRequest(tab, 'sync.now', { reason: 'manual' }).catch(() => undefined));
    for (const tab of [tab1, tab2]) await expect.poll(() => shownBodies(tab)).toEqual(expect.arrayContaining(texts));
    stack.push.hold = null;
    release();
    await Promise.all(syncs);

    const sent = (tab: Page) => tab.locator('[data-testid="message"][data-status="sent"]').filter({ hasText: /Onglet [12] — / }).count();
    for (const tab of [tab1, tab2]) await expect.poll(() => sent(tab), { timeout: 20_000 }).toBe(4);
    expect(stack.push.handled - handledBefore).toBeGreaterThanOrEqual(2);
    expect([...stack.push.maxInFlight.values()]).toEqual([1]);
    const onServer = await serverBodies(stack, 'dr.benali', conversationId);
    for (const text of texts) expect(onServer.filter((body) => body === text)).toHaveLength(1);
    await tab1.close();
    await tab2.close();
  });

  it('keeps the unsent text of a conversation across a reload and a new sign-in', async () => {
    const page = await openSignedIn(tablet, 'dr.martin');
    await page.goto(`/c/${conversationId}`);
    const draft = 'Brouillon : revoir la tension de Mme Moreau';
    await page.getByTestId('composer-input').fill(draft);
    await expect.poll(() => swRequest<{ text: string }>(page, 'draft.get', { conversationId }).then((r) => r.text)).toBe(draft);

    await page.reload();
    await expect.poll(() => page.getByTestId('composer-input').inputValue()).toBe(draft);

    // The session ends on the server; the user signs in again on the same tablet.
    await revokeAllSessions(stack);
    await page.reload();
    await page.getByTestId('login-username').waitFor();
    await signIn(page, 'dr.martin');
    await page.goto(`/c/${conversationId}`);
    await expect.poll(() => page.getByTestId('composer-input').inputValue()).toBe(draft);
    await page.close();
  });
});
