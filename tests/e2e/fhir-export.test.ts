import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newId } from '../../src/shared/ids.ts';
import { useE2eStack } from './fixture.ts';
import { measureLayout } from './layout-steps.ts';
import { openConversation, signIn } from './page-steps.ts';
import { apiAs, sendAs } from './server-steps.ts';

/** The Redis DB index this file owns. */
const DB = 4;
const SHOTS = process.env.RELAIS_SHOTS_DIR;

/**
 * "Exporter vers le dossier patient (FHIR)" in a conversation about a patient: staff get a file that
 * parses as a FHIR Bundle of the conversation's messages; offline, the menu says the export needs
 * the network; a conversation about no patient offers no export.
 */
describe('the export to the patient record, in Chromium', () => {
  const e2e = useE2eStack({ db: DB });

  /** A group about a patient, created by Dr Martin with the nurse (or `with`), with one message of each. */
  async function conversationAboutPatient(withName = 'Dubois', other = 'inf.dubois'): Promise<string> {
    const api = await apiAs(e2e.stack, 'dr.martin');
    const users = await api.request('GET', `/api/users?q=${withName}`);
    const nurse = (users.body as { users: { id: string }[] }).users[0];
    const conversationId = newId();
    const [created] = await api.push([
      {
        id: newId(),
        kind: 'conversation.create',
        args: { conversationId, participantIds: [nurse?.id], title: 'Suivi Mme Petit', patient: { nationalId: '280107512345678', displayName: 'Mme Jeanne Petit' } },
      },
    ]);
    if (!created?.ok) throw new Error('conversation not created');
    await sendAs(e2e.stack, 'dr.martin', conversationId, 'Bilan sanguin ce matin ?');
    await sendAs(e2e.stack, other, conversationId, 'Fait à 8 h.');
    return conversationId;
  }

  async function openMenu(page: Page): Promise<void> {
    await page.getByTestId('conversation-menu').locator('summary').click();
  }

  for (const viewport of [
    { width: 390, height: 844 },
    { width: 1180, height: 820 },
  ]) {
    it(`downloads the conversation as a FHIR Bundle from the actions menu (${viewport.width}×${viewport.height})`, async () => {
      const conversationId = await conversationAboutPatient();
      const context = await e2e.newContext({ viewport, acceptDownloads: true });
      const page = await context.newPage();
      await page.goto('/');
      await signIn(page, 'dr.martin');
      await openConversation(page, conversationId);
      await openMenu(page);
      const item = page.getByTestId('export-fhir');
      expect(await item.textContent()).toBe('Exporter vers le dossier patient (FHIR)');
      // The menu's items are whole targets (other parts of the screen are measured by their own tests).
      for (const box of await page.locator('.menu__items button').evaluateAll((buttons) => buttons.map((b) => b.getBoundingClientRect().toJSON() as DOMRect))) {
        expect(Math.round(box.height)).toBeGreaterThanOrEqual(44); // sub-pixel layout: 43.99997 is 44
        expect(box.left).toBeGreaterThanOrEqual(0);
        expect(box.right).toBeLessThanOrEqual(viewport.width);
      }
      const layout = await measureLayout(page);
      expect(layout.overflow).toBeLessThanOrEqual(0);
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/fhir-menu-${viewport.width}x${viewport.height}.png` });

      const [download] = await Promise.all([page.waitForEvent('download'), item.click()]);
      expect(download.suggestedFilename()).toMatch(new RegExp(`^relais-${conversationId}-\\d{4}-\\d{2}-\\d{2}\\.fhir\\.json$`));
      const path = await download.path();
      const bundle = JSON.parse(await readFile(path, 'utf8')) as { resourceType: string; type: string; entry: { resource: { resourceType: string; payload?: { contentString?: string }[] } }[] };
      expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
      const texts = bundle.entry.filter((e) => e.resource.resourceType === 'Communication').map((e) => e.resource.payload?.[0]?.contentString);
      expect(texts).toEqual(['Bilan sanguin ce matin ?', 'Fait à 8 h.']);
      await context.close();
    });
  }

  it('says the export needs the network when offline, and offers none about no patient', async () => {
    const conversationId = await conversationAboutPatient();
    const context = await e2e.newContext({ viewport: { width: 390, height: 844 }, acceptDownloads: true });
    const page = await context.newPage();
    await page.goto('/');
    await signIn(page, 'dr.martin');
    await openConversation(page, conversationId);
    await openMenu(page);
    await context.setOffline(true);
    let downloads = 0;
    page.on('download', () => (downloads += 1));
    await page.getByTestId('export-fhir').click();
    await expect.poll(() => page.getByTestId('conversation-menu').getByRole('alert').textContent()).toBe('Export impossible hors connexion');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/fhir-offline-390x844.png` });
    expect(downloads).toBe(0);
    await context.setOffline(false);

    // The seeded conversation with Dr Benali is about no patient: no export in its menu.
    await page.goto('/');
    await page.getByTestId('conversation-row').filter({ hasText: 'Benali' }).click();
    await page.getByTestId('chat-window').waitFor();
    await openMenu(page);
    await page.getByTestId('hide').waitFor();
    expect(await page.getByTestId('export-fhir').count()).toBe(0);
    await context.close();
  });

  it('offers no export to a patient, even in a conversation about a patient', async () => {
    const conversationId = await conversationAboutPatient('Moreau', 'patient.moreau');
    const context = await e2e.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto('/');
    await signIn(page, 'patient.moreau');
    await openConversation(page, conversationId);
    await openMenu(page);
    await page.getByTestId('hide').waitFor();
    expect(await page.getByTestId('export-fhir').count()).toBe(0);
    await context.close();
  });
});
