import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/shared/ids.ts';
import { useE2eStack, type Device } from './fixture.ts';
import { conversationRow, messagesWithStatus, openSignedInPage, sendFromComposer, startConversationWith } from './page-steps.ts';
import { apiAs, directConversation } from './server-steps.ts';

/**
 * Urgency at a glance and the words of message states, in Chromium: a doctor's urgent message as the
 * nurse sees it on her tablet and her phone (red band, a label of 14 px or more, the row's marker,
 * still under "Urgentes" once read), a message waiting offline with its clock and time, and no
 * "Messages précédents" on a brand-new conversation.
 */

/** The Redis DB index this file owns. */
const DB = 27;
const SHOTS = '/tmp/shots-urgency';
const RED = 'rgb(179, 38, 30)';

const SIZES = [
  { name: 'tablet', viewport: { width: 1180, height: 820 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
] as const;

/** The computed style of the open conversation's urgent bubble and its label. */
function urgentLook(page: Page) {
  return page.locator('[data-testid="message"].message--urgent').last().evaluate((item) => {
    const bubble = getComputedStyle(item.querySelector('.message__bubble') as Element);
    const label = item.querySelector('[data-testid="urgent-badge"]') as HTMLElement;
    const labelStyle = getComputedStyle(label);
    return {
      label: label.innerText,
      labelPx: Number.parseFloat(labelStyle.fontSize),
      labelColor: labelStyle.color,
      labelHeight: label.getBoundingClientRect().height,
      bandPx: Number.parseFloat(bubble.borderLeftWidth),
      bandColor: bubble.borderLeftColor,
      borderColor: bubble.borderTopColor,
    };
  });
}

describe('urgency and message states in Chromium', () => {
  const e2e = useE2eStack({ db: DB });
  let conversationId = '';
  const devices: Record<string, Device> = {};

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    conversationId = await directConversation(e2e.stack, 'dr.martin', 'Dubois');
    const doctor = await apiAs(e2e.stack, 'dr.martin');
    const messageId = newId();
    const [sent] = await doctor.push([
      { id: messageId, kind: 'message.send', args: { conversationId, messageId, body: 'Patiente chambre 12 : douleur thoracique, venez vite', urgent: true } },
    ]);
    expect(sent?.ok).toBe(true);
    for (const { name, viewport } of SIZES) {
      const tablet = await e2e.openTablet({ viewport, hasTouch: name === 'phone' });
      devices[name] = { ...tablet, page: await openSignedInPage(tablet.context, 'inf.dubois') };
    }
  });

  for (const { name } of SIZES) {
    it(`marks the urgent conversation and message unmistakably on the nurse's ${name}, and keeps it under "Urgentes" once read`, async () => {
      const { page } = devices[name] as Device;
      const row = conversationRow(page, conversationId);
      const marker = row.getByTestId('urgent-conversation');
      await marker.waitFor();
      expect(await marker.innerText()).toContain('Urgent');
      if (name === 'tablet') {
        // Nobody has read it yet: the solid marker and the red band on the row. (The phone, the same
        // nurse, sees it read once the tablet opened it: the outlined marker, still "Urgent".)
        expect(await marker.getAttribute('data-unread')).toBe('true');
        expect(await row.getAttribute('class')).toContain('conversation-row--urgent');
        expect(await row.evaluate((element) => getComputedStyle(element).boxShadow)).toContain(RED);
      }
      await page.screenshot({ path: `${SHOTS}/${name}-list.png` });
      await row.click();
      await page.locator('[data-testid="message"].message--urgent').waitFor();
      const look = await urgentLook(page);
      expect(look.label).toContain('URGENT');
      expect(look.label).toContain('⚠');
      expect(look.labelPx).toBeGreaterThanOrEqual(14);
      expect(look.labelColor).toBe(RED);
      expect(look.bandColor).toBe(RED);
      expect(look.borderColor).toBe(RED);
      expect(look.bandPx).toBeGreaterThanOrEqual(6);
      expect(look.labelHeight).toBeGreaterThanOrEqual(14);
      await page.screenshot({ path: `${SHOTS}/${name}-urgent-message.png` });

      // Read now: the list's "Urgentes" filter still holds the conversation, its marker outlined.
      await page.goto('/');
      await page.getByTestId('list-filter').selectOption('urgent');
      await expect.poll(() => page.getByTestId('list-filter').getAttribute('class')).toContain('list-filter--active');
      await expect.poll(() => row.getByTestId('urgent-conversation').getAttribute('data-unread')).toBe('false');
      expect(await page.getByTestId('conversation-row').count()).toBe(1);
      await page.screenshot({ path: `${SHOTS}/${name}-urgent-filter-read.png` });
      await page.getByTestId('list-filter').selectOption('inbox');
      await expect.poll(() => page.getByTestId('list-filter').getAttribute('class')).toBe(null);
    });
  }

  it('says "Aucun message urgent" under "Urgentes" when there is none, and names the language button by its visible text', async () => {
    const page = await openSignedInPage(await e2e.newContext({ viewport: { width: 390, height: 844 } }), 'sec.leroy');
    await page.getByTestId('list-filter').selectOption('urgent');
    await expect.poll(() => page.getByTestId('list-empty').textContent()).toBe('Aucun message urgent reçu.');
    await page.screenshot({ path: `${SHOTS}/phone-no-urgent.png` });
    const lang = page.locator('button[lang="en"]');
    if ((await lang.count()) > 0) {
      const { text, name } = await lang.first().evaluate((b) => ({ text: (b as HTMLElement).innerText.trim(), name: b.getAttribute('aria-label') ?? '' }));
      expect(name).toContain(text);
    }
  });

  it('shows a message waiting offline with its clock and time, then "Distribué" with two ticks', async () => {
    const tablet = devices.tablet as Device;
    const { page } = tablet;
    await conversationRow(page, conversationId).click();
    await page.getByTestId('chat-window').waitFor();
    await tablet.goOffline();
    await sendFromComposer(page, 'Je monte, 2 minutes');
    const pending = messagesWithStatus(page, 'pending').last();
    await pending.getByTestId('pending-clock').waitFor();
    expect(await pending.getByTestId('message-state').innerText()).toMatch(/En attente\s*\d{2}:\d{2}/);
    expect(await pending.getByTestId('pending-clock').getAttribute('aria-hidden')).toBe('true');
    await page.screenshot({ path: `${SHOTS}/tablet-pending.png` });
    await tablet.goOnline();
    const sent = page.locator('[data-testid="message"][data-status="sent"]').filter({ hasText: 'Je monte' });
    await expect.poll(() => sent.getByTestId('receipt').textContent(), { timeout: 30_000 }).toBe('Distribué');
    const ticks = sent.locator('.message__ticks');
    expect(await ticks.textContent()).toBe('✓✓');
    expect(await ticks.getAttribute('aria-hidden')).toBe('true');
    await page.screenshot({ path: `${SHOTS}/tablet-delivered.png` });
  });

  it('offers no "Messages précédents" on a brand-new conversation', async () => {
    const { page } = devices.phone as Device;
    await page.goto('/');
    await startConversationWith(page, 'leroy');
    await page.locator('[data-testid="message-list"] .pane__empty, [data-testid="message-list"] [data-testid="system-message"]').first().waitFor();
    expect(await page.getByTestId('load-older').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/phone-new-conversation.png` });
  });
});
