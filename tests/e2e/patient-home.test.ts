import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useE2eStack } from './fixture.ts';
import { sendFromComposer, signIn } from './page-steps.ts';

/** The Redis DB index this file owns. */
const DB = 22;
const SHOTS = '/tmp/shots-care';

/** A tiny PDF (file-type reads its `%PDF` signature). */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

/**
 * What a shared page must hold to on a phone: nothing wider than the screen, every visible button a
 * finger can hit (44 px), every button and field named for a screen reader. (axe-core is not among
 * the project's packages: these are the checks it would make here, by hand.)
 */
async function phoneFriendly(page: Page): Promise<{ overflow: number; wide: string[]; smallButtons: string[]; unnamed: string[] }> {
  return page.evaluate(() => {
    const visible = (el: Element) => {
      const box = el.getBoundingClientRect();
      return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    };
    const named = (el: Element) => {
      const text = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim();
      const labelled = el.id !== '' && document.querySelector(`label[for="${el.id}"]`) !== null;
      return text !== '' || labelled || el.closest('label') !== null || el.getAttribute('aria-labelledby') !== null;
    };
    const main = document.querySelector('main') as HTMLElement;
    const buttons = [...document.querySelectorAll('button, a.conversation-row')].filter(visible);
    return {
      overflow: Math.max(document.documentElement.scrollWidth - document.documentElement.clientWidth, main.scrollWidth - main.clientWidth),
      wide: [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map((el) => el.outerHTML.slice(0, 60)).slice(0, 5),
      smallButtons: buttons.filter((b) => b.getBoundingClientRect().height < 44).map((b) => b.outerHTML.slice(0, 80)),
      unnamed: [...document.querySelectorAll('button, input, select, textarea')].filter(visible).filter((el) => !named(el)).map((el) => el.outerHTML.slice(0, 80)),
    };
  });
}

describe('a patient’s home on a phone, in Chromium', () => {
  const e2e = useE2eStack({ db: DB });

  it('shows “Mon équipe de soins” with only the care team, their status live, and lets the patient write and attach a file', async () => {
    const phone = await (await e2e.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await phone.goto('/');
    await signIn(phone, 'patient.moreau');
    expect(await phone.locator('h1').textContent()).toBe('Mon équipe de soins');
    // The care team: Dr Martin (their conversation) and Claire Dubois (assigned by an admin), nobody else.
    const members = phone.getByTestId('care-team-member');
    await expect.poll(() => members.count()).toBe(2);
    const names = await phone.locator('.care-team__name').allTextContents();
    expect(names.sort()).toEqual(['Claire Dubois', 'Dr Anne Martin']);
    expect(await members.filter({ hasText: 'Dr Anne Martin' }).textContent()).toContain('Médecin');
    expect(await phone.getByRole('heading', { name: 'Mes conversations' }).count()).toBe(1);
    // None of the staff tools.
    for (const tool of ['new-conversation', 'open-stats', 'open-search', 'list-filter', 'open-status', 'patient-marker']) {
      expect(await phone.getByTestId(tool).count(), tool).toBe(0);
    }
    await phone.screenshot({ path: `${SHOTS}/patient-home-390.png` });
    const home = await phoneFriendly(phone);
    expect(home.wide).toEqual([]);
    expect(home.overflow).toBeLessThanOrEqual(0);
    expect(home.smallButtons).toEqual([]);
    expect(home.unnamed).toEqual([]);

    // Dr Martin, on a tablet, says she is in consultation: the patient sees it in words, live.
    const tablet = await (await e2e.newContext({ viewport: { width: 1180, height: 820 } })).newPage();
    await tablet.goto('/');
    await signIn(tablet, 'dr.martin');
    await tablet.getByTestId('open-status').click();
    await tablet.getByTestId('status-dialog').waitFor();
    await tablet.getByLabel('En consultation').check();
    await tablet.getByTestId('status-message').fill('Je réponds après 15 h');
    await tablet.getByTestId('status-duration').selectOption('120');
    await tablet.screenshot({ path: `${SHOTS}/doctor-status-1180.png` });
    await tablet.getByTestId('status-save').click();
    await expect.poll(() => tablet.getByTestId('status-feedback').textContent()).toBe('Statut enregistré.');
    await tablet.getByTestId('status-close').click();
    await expect.poll(() => tablet.getByTestId('open-status').textContent()).toContain('En consultation');
    const martin = members.filter({ hasText: 'Dr Anne Martin' });
    await expect.poll(() => martin.getByTestId('care-team-status').textContent(), { timeout: 15_000 }).toMatch(/^En consultation · jusqu’à .* — Je réponds après 15 h$/);
    // The conversation list says it too, next to her conversation.
    await expect.poll(() => phone.getByTestId('row-status').first().textContent()).toContain('En consultation');
    await phone.screenshot({ path: `${SHOTS}/patient-home-status-390.png` });

    // Writing to Dr Martin opens their conversation, whose header shows her status.
    await martin.getByTestId('care-team-write').click();
    await phone.getByTestId('chat-window').waitFor();
    await expect.poll(() => phone.getByTestId('chat-status').textContent()).toContain('En consultation');
    expect(await phone.getByTestId('composer-urgent').count()).toBe(0);
    expect(await phone.getByTestId('call-start').count()).toBe(0);
    await sendFromComposer(phone, 'Bonjour Docteur, voici mon ordonnance.');
    await phone.getByTestId('composer-file').setInputFiles({ name: 'ordonnance.pdf', mimeType: 'application/pdf', buffer: PDF });
    await phone.getByTestId('composer-files').waitFor();
    await phone.getByTestId('composer-send').click();
    const chat = await phoneFriendly(phone);
    expect(chat.overflow).toBeLessThanOrEqual(0);
    expect(chat.unnamed).toEqual([]);
    await phone.screenshot({ path: `${SHOTS}/patient-chat-390.png` });

    // The doctor receives both, the file as a real attachment.
    await tablet.getByTestId('conversation-row').filter({ hasText: 'Moreau' }).click();
    await expect.poll(() => tablet.getByTestId('message-body').allTextContents(), { timeout: 20_000 }).toContain('Bonjour Docteur, voici mon ordonnance.');
    const attachment = tablet.locator('[data-testid="message"] [data-testid="attachment"]').last();
    await expect.poll(() => attachment.getAttribute('href'), { timeout: 30_000 }).toMatch(/^\/api\/attachments\//);
    await tablet.screenshot({ path: `${SHOTS}/doctor-chat-1180.png` });

    // Claire Dubois, assigned but never written to: the patient starts their conversation.
    await phone.goto('/');
    await phone.getByTestId('care-team-member').filter({ hasText: 'Claire Dubois' }).getByTestId('care-team-write').click();
    await phone.getByTestId('chat-window').waitFor();
    await expect.poll(() => phone.locator('.chat-header').textContent()).toContain('Claire Dubois');

    // The same home on a tablet held by the patient.
    await phone.setViewportSize({ width: 1180, height: 820 });
    await phone.goto('/');
    await expect.poll(() => phone.getByTestId('care-team-member').count()).toBe(2);
    expect((await phoneFriendly(phone)).overflow).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: `${SHOTS}/patient-home-1180.png` });
    await tablet.setViewportSize({ width: 390, height: 844 });
    await tablet.goto('/');
    await tablet.getByTestId('conversation-list').waitFor();
    expect((await phoneFriendly(tablet)).overflow).toBeLessThanOrEqual(0);
    await tablet.screenshot({ path: `${SHOTS}/doctor-list-390.png` });

    // A colleague finds Dr Martin in the directory with her status in words.
    const nurse = await (await e2e.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await nurse.goto('/');
    await signIn(nurse, 'inf.dubois');
    await nurse.getByTestId('new-conversation').click();
    await nurse.getByTestId('user-search').fill('martin');
    const found = nurse.getByTestId('user-result').filter({ hasText: 'Dr Anne Martin' });
    await expect.poll(() => found.getByTestId('user-status').textContent()).toContain('En consultation');
    const dialog = await phoneFriendly(nurse);
    expect(dialog.overflow).toBeLessThanOrEqual(0);
    await nurse.screenshot({ path: `${SHOTS}/nurse-directory-390.png` });
  });
});
