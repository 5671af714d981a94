import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/server/demo-seed.ts';
import { useE2eStack } from './fixture.ts';
import { swRequest } from './sw-steps.ts';

/** The Redis DB index this file owns. */
const DB = 35;

/**
 * Page script: notes when the first conversation row enters the DOM (ms from the navigation's start);
 * `relaisListShownAt` stays undefined while no row was ever in the page.
 */
const NOTE_LIST_SHOWN = `(() => {
  const observer = new MutationObserver(() => {
    if (!document.querySelector('[data-testid="conversation-row"]')) return;
    observer.disconnect();
    window.relaisListShownAt = performance.now();
  });
  observer.observe(document, { childList: true, subtree: true });
})();`;

/** When the page started fetching each script whose file name starts with one of `chunks` (ms), once all were fetched. */
async function fetchedAt(page: Page, chunks: string[]): Promise<Record<string, number>> {
  const starts = async () =>
    page.evaluate((names) => {
      const found: Record<string, number> = {};
      for (const entry of performance.getEntriesByType('resource')) {
        const file = new URL(entry.name).pathname.split('/').pop() ?? '';
        const name = names.find((chunk) => file.startsWith(`${chunk}-`) && file.endsWith('.js'));
        if (name && found[name] === undefined) found[name] = entry.startTime;
      }
      return found;
    }, chunks);
  await expect.poll(async () => Object.keys(await starts()).sort(), { timeout: 10_000 }).toEqual([...chunks].sort());
  return starts();
}

/**
 * The first screen before the work that can wait (core/first-screen.ts): at start, the conversation
 * pane's chunk and auto-lock's are fetched only once the conversation list is shown.
 */
describe('the first screen comes first', () => {
  const e2e = useE2eStack({ db: DB });

  it('fetches the conversation pane and auto-lock only after the list is shown, offline too', async () => {
    const device = await e2e.openDevice('dr.martin');
    await device.page.getByTestId('conversation-row').first().waitFor();
    await device.page.close();
    await device.context.addInitScript(NOTE_LIST_SHOWN);

    for (const offline of [false, true]) {
      if (offline) await device.goOffline();
      const page = await device.context.newPage();
      await page.goto('/');
      await page.getByTestId('conversation-row').first().waitFor();
      const listShownAt = await page.evaluate(() => (globalThis as unknown as { relaisListShownAt: number }).relaisListShownAt);
      const chunks = await fetchedAt(page, ['ChatWindow', 'auto-lock']);
      expect(chunks.ChatWindow).toBeGreaterThan(listShownAt);
      expect(chunks['auto-lock']).toBeGreaterThan(listShownAt);
      // The deferred features do their work: the empty conversation pane shows.
      await expect.poll(() => page.locator('.chat-pane--empty').count()).toBe(1);
      await page.close();
    }
  });

  it('asks the list beside the session at start, yet shows nothing of it behind the lock, and shows it once unlocked', async () => {
    const device = await e2e.openDevice('dr.benali');
    await device.page.getByTestId('conversation-row').first().waitFor();
    await swRequest(device.page, 'auth.lock');
    await device.page.getByTestId('lock-screen').waitFor();
    await device.context.addInitScript(NOTE_LIST_SHOWN);

    const page = await device.context.newPage();
    // Every request the page makes to the worker, in order (the app's own, through its message port).
    await page.addInitScript(() => {
      const sent: string[] = [];
      (globalThis as unknown as { relaisAsked: string[] }).relaisAsked = sent;
      const post = ServiceWorker.prototype.postMessage as (this: ServiceWorker, message: unknown, transfer: Transferable[]) => void;
      ServiceWorker.prototype.postMessage = function (this: ServiceWorker, message: unknown, transfer: Transferable[]) {
        const op = (message as { op?: unknown } | null)?.op;
        if (typeof op === 'string') sent.push(op);
        post.call(this, message, transfer);
      } as typeof ServiceWorker.prototype.postMessage;
    });
    await page.goto('/');
    await page.getByTestId('lock-screen').waitFor();
    const asked = await page.evaluate(() => (globalThis as unknown as { relaisAsked: string[] }).relaisAsked);
    // The list was asked at once, before the session's answer (the worker refused it: locked)…
    expect(asked.indexOf('conversations.list')).toBeGreaterThanOrEqual(0);
    expect(asked.indexOf('conversations.list')).toBeLessThan(asked.indexOf('session.get'));
    // …and nothing of it reached the page.
    expect(await page.getByTestId('conversation-list').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { relaisListShownAt?: number }).relaisListShownAt)).toBeUndefined();

    await page.getByTestId('lock-password').fill(DEMO_PASSWORD);
    await page.getByTestId('lock-submit').click();
    await page.getByTestId('conversation-row').first().waitFor();
  });
});
