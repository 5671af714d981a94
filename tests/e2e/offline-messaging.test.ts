import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { NetSwitch } from './net-switch.ts';
import { startStack, type Stack } from './stack.ts';

/**
 * Foundation, end to end: the built app, its real service worker, the real gateway and Redis.
 * Two doctors on two "tablets" (browser contexts), each behind its own network switch.
 */
describe('one message from tablet to tablet, offline included', () => {
  let stack: Stack;
  let browser: Browser;
  const devices: { context: BrowserContext; page: Page; net: NetSwitch }[] = [];

  async function openDevice(username: string): Promise<{ context: BrowserContext; page: Page; net: NetSwitch }> {
    const net = new NetSwitch({ host: '127.0.0.1', port: stack.port });
    const port = await net.start();
    const context = await browser.newContext({ baseURL: `http://127.0.0.1:${port}`, locale: 'fr-FR' });
    const page = await context.newPage();
    await page.goto('/');
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(stack.demoPassword);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('conversation-list').waitFor();
    const device = { context, page, net };
    devices.push(device);
    return device;
  }

  async function bodies(page: Page): Promise<string[]> {
    return page.getByTestId('message-body').allTextContents();
  }

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const device of devices) {
      await device.context.close();
      await device.net.stop();
    }
    await browser?.close();
    await stack?.stop();
  });

  it('delivers live, keeps offline messages across a reload, then delivers them once and in order', async () => {
    const a = await openDevice('dr.martin');
    const b = await openDevice('dr.benali');

    // A starts a conversation with B through the dialog (the direct one the demo seeded comes back).
    await a.page.getByTestId('new-conversation').click();
    await a.page.getByTestId('user-search').fill('benali');
    await a.page.getByTestId('user-result').first().click();
    await a.page.getByTestId('create-conversation').click();
    await a.page.getByTestId('chat-window').waitFor();
    const conversationPath = new URL(a.page.url()).pathname;
    expect(conversationPath).toMatch(/^\/c\/[0-9a-f-]{36}$/);

    await b.page.goto(conversationPath);
    await b.page.getByTestId('chat-window').waitFor();
    const before = (await bodies(b.page)).length;

    // Live: A sends, B sees it without reloading.
    await a.page.getByTestId('composer-input').fill('Bonjour Karim, le patient de la 12 est arrivé.');
    await a.page.getByTestId('composer-input').press('Enter');
    await expect.poll(() => bodies(b.page)).toContain('Bonjour Karim, le patient de la 12 est arrivé.');
    await expect.poll(() => a.page.locator('[data-testid="message"][data-status="sent"]').count()).toBeGreaterThan(0);

    // Offline: the network is cut (A's socket drops with it), A writes three messages.
    a.net.goOffline();
    await a.context.setOffline(true);
    const offline = ['Hors ligne 1 : tension 12/8', 'Hors ligne 2 : glycémie 1,1 g/L', 'Hors ligne 3 : à revoir demain'];
    for (const text of offline) {
      await a.page.getByTestId('composer-input').fill(text);
      await a.page.getByTestId('composer-send').click();
    }
    const pending = a.page.locator('[data-testid="message"][data-status="pending"]');
    await expect.poll(() => pending.count()).toBe(3);

    // Reload while still offline: the shell comes from the precache, the pending messages from the SW store.
    await a.page.reload();
    await a.page.getByTestId('chat-window').waitFor();
    await expect.poll(() => pending.count()).toBe(3);
    expect(await pending.getByTestId('message-body').allTextContents()).toEqual(offline);
    await expect.poll(() => a.page.getByTestId('connection-banner').isVisible()).toBe(true);

    // Back online: B gets the three exactly once and in order; A's markers turn to sent.
    a.net.restore();
    await a.context.setOffline(false);
    await expect.poll(() => bodies(b.page), { timeout: 20_000 }).toEqual(expect.arrayContaining(offline));
    const received = await bodies(b.page);
    for (const text of offline) expect(received.filter((body) => body === text)).toHaveLength(1);
    expect(received.slice(-3)).toEqual(offline);
    expect(received.length).toBe(before + 4);
    await expect.poll(() => pending.count(), { timeout: 20_000 }).toBe(0);
    const sentOffline = a.page.locator('[data-testid="message"][data-status="sent"]').filter({ hasText: 'Hors ligne' });
    expect(await sentOffline.count()).toBe(3);

    // seq is gap-free on B's side.
    const seqs = (await b.page.locator('[data-testid="message"]').evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-seq')))));
    seqs.forEach((seq, i) => expect(seq).toBe((seqs[0] ?? 0) + i));
  });
});
