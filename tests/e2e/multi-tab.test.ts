import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useE2eStack } from './fixture.ts';
import { messagesWithStatus, openConversation, openSignedInTab, sendFromComposer, shownBodies, signIn } from './page-steps.ts';
import { holdPushes } from './push-control.ts';
import { directConversation, revokeAllSessions, sendAs, serverBodies } from './server-steps.ts';
import { swRequest } from './sw-steps.ts';
import { DEVICE_E2E_DB } from './stack.ts';
import type { Tablet } from './tablet.ts';

/**
 * Two tabs of one user on one tablet share one service worker: what one does shows in the other at
 * once, and only one flush runs at a time whatever both tabs ask. Drafts live in the SW store.
 */
describe('two tabs of one user, and drafts', () => {
  const e2e = useE2eStack({ db: DEVICE_E2E_DB });
  let tablet: Tablet;
  let conversationId: string;

  beforeAll(async () => {
    tablet = await e2e.openTablet();
    conversationId = await directConversation(e2e.stack, 'dr.martin', 'benali');
  });

  /** Two tabs of dr.martin on the tablet, both on the conversation. */
  async function twoTabsOnTheConversation(): Promise<[Page, Page]> {
    const tabs: [Page, Page] = [await openSignedInTab(tablet.context, 'dr.martin'), await openSignedInTab(tablet.context, 'dr.martin')];
    for (const tab of tabs) await openConversation(tab, conversationId);
    return tabs;
  }

  it('shows a message sent in one tab in the other at once, and reading in one clears the badge in both', async () => {
    const [tab1, tab2] = await twoTabsOnTheConversation();

    await sendFromComposer(tab1, 'Depuis l’onglet 1 : la 12 est prête.');
    await expect.poll(() => shownBodies(tab2)).toContain('Depuis l’onglet 1 : la 12 est prête.');

    // Both tabs on the list; a colleague writes: both show the unread badge.
    await tab1.goto('/');
    await tab2.goto('/');
    await sendAs(e2e.stack, 'dr.benali', conversationId, 'Karim : je passe dans 5 minutes.');
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
    const [tab1, tab2] = await twoTabsOnTheConversation();
    const { stack } = e2e;
    stack.push.maxInFlight.clear();
    const handledBefore = stack.push.handled;

    // The first push is held at the server; meanwhile both tabs send and ask to sync again and again.
    const release = holdPushes(stack.push);
    const texts = ['Onglet 1 — A', 'Onglet 2 — B', 'Onglet 1 — C', 'Onglet 2 — D'];
    await sendFromComposer(tab1, texts[0] as string);
    await expect.poll(() => stack.push.maxInFlight.size).toBe(1);
    await sendFromComposer(tab2, texts[1] as string);
    await sendFromComposer(tab1, texts[2] as string);
    await sendFromComposer(tab2, texts[3] as string);
    for (const tab of [tab1, tab2, tab1, tab2]) await tab.evaluate(() => window.dispatchEvent(new Event('online')));
    const syncs = [tab1, tab2].map((tab) => swRequest(tab, 'sync.now', { reason: 'manual' }).catch(() => undefined));
    for (const tab of [tab1, tab2]) await expect.poll(() => shownBodies(tab)).toEqual(expect.arrayContaining(texts));
    release();
    await Promise.all(syncs);

    const sent = (tab: Page) => messagesWithStatus(tab, 'sent').filter({ hasText: /Onglet [12] — / }).count();
    for (const tab of [tab1, tab2]) await expect.poll(() => sent(tab), { timeout: 20_000 }).toBe(4);
    expect(stack.push.handled - handledBefore).toBeGreaterThanOrEqual(2);
    expect([...stack.push.maxInFlight.values()]).toEqual([1]);
    const onServer = await serverBodies(stack, 'dr.benali', conversationId);
    for (const text of texts) expect(onServer.filter((body) => body === text)).toHaveLength(1);
    await tab1.close();
    await tab2.close();
  });

  it('keeps the unsent text of a conversation across a reload and a new sign-in', async () => {
    const page = await openSignedInTab(tablet.context, 'dr.martin');
    await openConversation(page, conversationId);
    const draft = 'Brouillon : revoir la tension de Mme Moreau';
    await page.getByTestId('composer-input').fill(draft);
    await expect.poll(() => swRequest<{ text: string }>(page, 'draft.get', { conversationId }).then((r) => r.text)).toBe(draft);

    await page.reload();
    await expect.poll(() => page.getByTestId('composer-input').inputValue()).toBe(draft);

    // The session ends on the server; the user signs in again on the same tablet.
    await revokeAllSessions(e2e.stack);
    await page.reload();
    await page.getByTestId('login-username').waitFor();
    await signIn(page, 'dr.martin');
    await page.goto(`/c/${conversationId}`);
    await expect.poll(() => page.getByTestId('composer-input').inputValue()).toBe(draft);
    await page.close();
  });
});
