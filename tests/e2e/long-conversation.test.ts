import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { appendMessage } from '../../src/server/store/conversations.ts';
import { KEYS } from '../../src/server/store/keys.ts';
import type { Conversation } from '../../src/shared/model.ts';
import { newId } from '../../src/shared/ids.ts';
import type { ApiClient } from '../integration/helpers.ts';
import { useE2eStack } from './fixture.ts';
import { conversationRow, openSignedInPage } from './page-steps.ts';
import { apiAs } from './server-steps.ts';

/** The Redis DB index this file owns. */
const DB = 6;
const COUNT = 2_000;
/** The message a search brings back, far up the conversation. */
const FAR_INDEX = 100;

/** What the message list shows: rows in the DOM, those in view (by position in the conversation), the scroll. */
interface ListState {
  rows: number;
  setSize: number;
  visible: number[];
  atBottom: boolean;
  firstVisibleId: string | null;
  firstVisibleTop: number;
}

function listState(page: Page): Promise<ListState> {
  return page.evaluate(() => {
    const list = document.querySelector('[data-testid="message-list"]') as HTMLElement;
    const rows = [...list.querySelectorAll<HTMLElement>(':scope > li[data-message-id]')];
    const box = list.getBoundingClientRect();
    const visible = rows.filter((row) => {
      const rect = row.getBoundingClientRect();
      return rect.bottom > box.top + 1 && rect.top < box.bottom - 1;
    });
    const first = visible[0];
    return {
      rows: rows.length,
      setSize: Number(rows[0]?.getAttribute('aria-setsize') ?? 0),
      visible: visible.map((row) => Number(row.getAttribute('aria-posinset'))),
      atBottom: list.scrollHeight - list.scrollTop - list.clientHeight < 2,
      firstVisibleId: first?.dataset.messageId ?? null,
      firstVisibleTop: first ? first.getBoundingClientRect().top - box.top : 0,
    };
  });
}

function body(i: number): string {
  if (i === FAR_INDEX) return 'Repère Zéphyrine : dossier transmis au bloc';
  if (i % 7 === 3) return `Compte rendu ${i}\nTension ${100 + (i % 60)}/${60 + (i % 30)}, bilan demandé, à revoir demain.`;
  return i % 2 === 0 ? `Message ${i}` : `Compte rendu ${i} : patient vu en consultation, rien à signaler.`;
}

describe('a conversation of thousands of messages in Chromium', () => {
  const e2e = useE2eStack({ db: DB });
  let page: Page;
  let karim: ApiClient;
  let conversationId = '';

  async function karimSends(text: string): Promise<void> {
    const messageId = newId();
    const [result] = await karim.push([{ id: messageId, kind: 'message.send', args: { conversationId, messageId, body: text } }]);
    expect(result?.ok).toBe(true);
  }

  beforeAll(async () => {
    const redis = e2e.stack.gateway.redis;
    const martinId = (await redis.hget(KEYS.usernames, 'dr.martin')) as string;
    const karimId = (await redis.hget(KEYS.usernames, 'dr.benali')) as string;
    karim = await apiAs(e2e.stack, 'dr.benali');
    const [created] = await karim.push([
      { id: newId(), kind: 'conversation.create', args: { conversationId: newId(), participantIds: [martinId], title: 'Longue conversation' } },
    ]);
    conversationId = (created?.result as { conversation: Conversation }).conversation.id;
    // One after the other: message i gets seq i + 1.
    for (let i = 0; i < COUNT; i++) {
      const messageId = newId();
      const outcome = await appendMessage(redis, i % 3 === 0 ? martinId : karimId, messageId, { conversationId, messageId, body: body(i) });
      if (!outcome.ok) throw new Error(`seeding failed: ${outcome.code}`);
    }
    page = await openSignedInPage(await e2e.newContext({ viewport: { width: 1280, height: 720 } }), 'dr.martin');
    await conversationRow(page, conversationId).click();
    await page.getByTestId('chat-window').waitFor();
    // The device pulls the whole history: wait until the open conversation shows all of it.
    await page.waitForFunction(
      (count) => document.querySelector('[data-testid="message-list"] > li[data-message-id]')?.getAttribute('aria-setsize') === String(count),
      COUNT,
      { timeout: 60_000 },
    );
  });

  it('opens at the newest message with only a window of rows in the DOM', async () => {
    await expect.poll(async () => (await listState(page)).visible.at(-1)).toBe(COUNT);
    const state = await listState(page);
    expect(state.atBottom).toBe(true);
    expect(state.rows).toBeGreaterThan(state.visible.length);
    expect(state.rows).toBeLessThan(100);
    expect(await page.getByTestId('message-list').getAttribute('aria-label')).toBe('Messages');
  });

  it('renders a stored conversation once, with its messages, not an empty conversation first', async () => {
    await page.goto('/');
    const row = conversationRow(page, conversationId);
    await row.waitFor();
    // Each time the conversation pane shows, whether it holds message rows, and how long after the click.
    await page.evaluate(() => {
      const seen: { ms: number; rows: number }[] = [];
      (globalThis as unknown as { chatShown: typeof seen }).chatShown = seen;
      let clickAt = Number.NaN;
      let pane: Element | null = null;
      document.addEventListener('click', (event) => (clickAt = event.timeStamp), { capture: true, once: true });
      new MutationObserver(() => {
        const current = document.querySelector('[data-testid="chat-window"]');
        if (current === pane) return;
        pane = current;
        if (current) seen.push({ ms: performance.now() - clickAt, rows: current.querySelectorAll('[data-testid="message"]').length });
      }).observe(document.body, { childList: true, subtree: true });
    });
    await row.click();
    await page.locator(`[data-testid="message-list"] > [data-seq="${COUNT}"]`).waitFor();
    const shown = await page.evaluate(() => (globalThis as unknown as { chatShown: { ms: number; rows: number }[] }).chatShown);
    expect(shown.length).toBeGreaterThan(0);
    // Empty only if the first page took longer than the grace period (FIRST_PAGE_GRACE_MS, 250 ms).
    for (const { ms, rows } of shown) if (rows === 0) expect(ms).toBeGreaterThanOrEqual(250);
  });

  it('loads older local pages as the user scrolls to the top, until the first message', async () => {
    const list = page.getByTestId('message-list');
    const tops: number[] = [];
    await expect
      .poll(
        async () => {
          await list.evaluate((element) => (element.scrollTop = 0));
          const first = (await listState(page)).visible[0] ?? 0;
          if (tops.at(-1) !== first) tops.push(first);
          return first;
        },
        { timeout: 30_000 },
      )
      .toBe(1);
    // The top was reached more than once: each time a page was put above and the row in view kept its place.
    expect(tops.length).toBeGreaterThan(2);
    expect(await page.locator('[data-testid="message-list"] > li[data-seq="1"]').count()).toBe(1);
    const state = await listState(page);
    expect(state.setSize).toBe(COUNT);
    expect(state.rows).toBeLessThan(100);
  });

  it('keeps focus in the list when the focused message scrolls out of the window', async () => {
    const list = page.getByTestId('message-list');
    await list.press('End');
    await expect.poll(async () => (await listState(page)).visible.at(-1)).toBe(COUNT);
    await page.getByTestId('reply-button').last().focus();
    await list.evaluate((element) => (element.scrollTop = 0));
    await expect.poll(async () => (await listState(page)).visible[0]).toBe(1);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('message-list');
  });

  it('goes to the first message and back to the last from the keyboard (Home, End)', async () => {
    const list = page.getByTestId('message-list');
    await list.press('End');
    await expect.poll(async () => (await listState(page)).visible.at(-1)).toBe(COUNT);
    await list.press('Home');
    await expect.poll(async () => (await listState(page)).visible[0]).toBe(1);
    // Loaded back to its first message: nothing older to offer.
    expect(await page.getByTestId('load-older').count()).toBe(0);
    expect((await listState(page)).rows).toBeLessThan(100);
    await list.press('End');
    await expect.poll(async () => (await listState(page)).visible.at(-1)).toBe(COUNT);
    expect((await listState(page)).rows).toBeLessThan(100);
  });

  it('keeps the message in view in place when a new one arrives while reading older ones', async () => {
    await page.getByTestId('message-list').evaluate((list) => (list.scrollTop = list.scrollHeight / 2));
    // Let the window settle around the new position (rows rendered and measured).
    let before = await listState(page);
    await expect
      .poll(async () => {
        const now = await listState(page);
        const settled = now.firstVisibleId === before.firstVisibleId && Math.abs(now.firstVisibleTop - before.firstVisibleTop) < 1;
        before = now;
        return settled && now.visible.length > 0;
      })
      .toBe(true);
    expect(before.atBottom).toBe(false);
    await karimSends('Nouveau résultat de biologie');
    await expect.poll(async () => (await listState(page)).setSize, { timeout: 20_000 }).toBe(COUNT + 1);
    const after = await listState(page);
    expect(after.firstVisibleId).toBe(before.firstVisibleId);
    expect(Math.abs(after.firstVisibleTop - before.firstVisibleTop)).toBeLessThan(2);
    expect(after.atBottom).toBe(false);
    // Screen readers hear it from the live region (the list itself is not live: rows come and go).
    expect(await page.getByTestId('message-arrivals').textContent()).toContain('Dr Karim Benali : Nouveau résultat de biologie');
  });

  it('follows new messages while at the bottom', async () => {
    await page.getByTestId('message-list').press('End');
    await expect.poll(async () => (await listState(page)).atBottom).toBe(true);
    await karimSends('Le patient est remonté en chambre');
    await expect.poll(async () => (await listState(page)).visible.at(-1), { timeout: 20_000 }).toBe(COUNT + 2);
    expect((await listState(page)).atBottom).toBe(true);
  });

  it('brings a search hit from far up the conversation into view and marks it', async () => {
    await page.getByTestId('open-search').click();
    await page.getByTestId('search-input').fill('zephyrine');
    const hit = page.getByTestId('search-hit').first();
    await hit.waitFor();
    const messageId = (await hit.getAttribute('data-message-id')) as string;
    await hit.click();
    const row = page.locator(`[data-testid="message-list"] > [data-message-id="${messageId}"]`);
    await expect.poll(() => row.getAttribute('class')).toContain('message--focus');
    expect(await row.getAttribute('aria-posinset')).toBe(String(FAR_INDEX + 1));
    expect((await listState(page)).visible).toContain(FAR_INDEX + 1);
  });
});
