import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';
import { ROOT } from '../integration/helpers.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/shared/ids.ts';
import { useE2eStack } from './fixture.ts';
import { measureLayout } from './layout-steps.ts';
import { openConversation, openSignedInPage } from './page-steps.ts';
import { apiAs } from './server-steps.ts';
import { swRequest } from './sw-steps.ts';

/** The Redis DB index this file owns. */
const DB = 33;
const SHOTS = '/tmp/shots-editredact';
const PHONE = { width: 390, height: 844 };
const TABLET = { width: 1180, height: 820 };

/** Every record of every object store of the page's user database, as text (the page's IndexedDB as the SW left it). */
function dumpIndexedDb(page: Page, userId: string): Promise<string> {
  return page.evaluate(async (name) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open(name);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const stores = [...db.objectStoreNames];
    const all = await Promise.all(
      stores.map(
        (store) =>
          new Promise<unknown[]>((resolve, reject) => {
            const request = db.transaction(store).objectStore(store).getAll();
            request.onsuccess = () => resolve(request.result as unknown[]);
            request.onerror = () => reject(request.error);
          }),
      ),
    );
    db.close();
    return JSON.stringify(Object.fromEntries(stores.map((store, i) => [store, all[i]])));
  }, `relais-${userId}`);
}

async function searchHits(page: Page, q: string): Promise<string[]> {
  const { hits } = await swRequest<{ hits: { snippet: string; field: string }[] }>(page, 'search', { q });
  return hits.filter((hit) => hit.field === 'body').map((hit) => hit.snippet);
}

/** axe-core's violations on the page as it stands (rule: targets), the same tags as tests/e2e/accessibility.test.ts (axe is an inline script: the contexts bypass the CSP). */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: resolve(ROOT, 'node_modules/axe-core/axe.min.js') });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: unknown): Promise<AxeResults> } }).axe;
    const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa', 'best-practice'];
    const results = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

/** Screenshots of the page at the phone's and the tablet's size (back to where it was after), axe-clean and without overflow. */
async function shoot(page: Page, name: string, back: { width: number; height: number }): Promise<void> {
  for (const viewport of [PHONE, TABLET]) {
    await page.setViewportSize(viewport);
    expect((await measureLayout(page)).overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${SHOTS}/${name}-${viewport.width}.png` });
  }
  expect(await axeViolations(page)).toEqual([]);
  await page.setViewportSize(back);
}

/*
 * Dr Anne Martin corrects a dose she wrote to Dr Karim Benali, then withdraws the message. On his
 * phone: the new text with "modifié" and its versions, then "Message retiré par Dr Anne Martin" —
 * and the old texts are nowhere in his IndexedDB, nor found by the search.
 */
describe('editing and withdrawing a message', () => {
  const e2e = useE2eStack({ db: DB });
  let conversationId = '';
  let messageId = '';

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    const martin = await apiAs(e2e.stack, 'dr.martin');
    const found = await martin.request('GET', `/api/users?q=${encodeURIComponent('Karim Benali')}`);
    const benaliId = (found.body as { users: { id: string }[] }).users[0]?.id ?? '';
    conversationId = newId();
    messageId = newId();
    const results = await martin.push([
      { id: newId(), kind: 'conversation.create', args: { conversationId, participantIds: [benaliId], title: 'Chambre 12' } },
      { id: messageId, kind: 'message.send', args: { conversationId, messageId, body: 'Furosémide 40 mg ce matin' } },
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
  });

  it('Anne edits then withdraws; Karim sees "modifié", the versions, then "Message retiré par …", and no trace is left', async () => {
    const anneContext = await e2e.newContext({ viewport: TABLET, bypassCSP: true });
    const anne = await openSignedInPage(anneContext, 'dr.martin');
    await openConversation(anne, conversationId);
    const mine = anne.locator(`[data-testid="message"][data-message-id="${messageId}"]`);
    await mine.waitFor();
    for (const name of ['edit-button', 'redact-button', 'reply-button']) {
      const box = await mine.getByTestId(name).boundingBox();
      expect(box!.height).toBeGreaterThanOrEqual(44);
    }
    expect(await mine.getByTestId('edit-button').textContent()).toBe('Modifier');
    expect(await mine.getByTestId('redact-button').textContent()).toBe('Retirer');

    // Edit mode: the bubble's text in an editor.
    await mine.getByTestId('edit-button').click();
    const editor = mine.getByTestId('message-editor-text');
    await editor.waitFor();
    expect(await editor.inputValue()).toBe('Furosémide 40 mg ce matin');
    await editor.fill('Furosémide 80 mg ce matin');
    await shoot(anne, 'edit-mode', TABLET);
    await mine.getByTestId('message-editor-save').click();
    await expect.poll(() => mine.getByTestId('message-body').textContent()).toBe('Furosémide 80 mg ce matin');
    await expect.poll(() => mine.getAttribute('data-edited'), { timeout: 20_000 }).toBe('true');

    // Karim, on his phone.
    const karimContext = await e2e.newContext({ viewport: PHONE, bypassCSP: true });
    const karim = await openSignedInPage(karimContext, 'dr.benali');
    const karimId = (await swRequest<{ user: { id: string } }>(karim, 'session.get')).user.id;
    await openConversation(karim, conversationId);
    const his = karim.locator(`[data-testid="message"][data-message-id="${messageId}"]`);
    await expect.poll(() => his.getByTestId('message-body').textContent(), { timeout: 20_000 }).toBe('Furosémide 80 mg ce matin');
    // No edit or withdrawal for someone else's message, nor a line of its own for the edit.
    expect(await his.getByTestId('edit-button').count()).toBe(0);
    expect(await his.getByTestId('redact-button').count()).toBe(0);
    expect(await karim.getByTestId('system-message').count()).toBe(0);
    const mark = his.getByTestId('edited-mark');
    expect(await mark.textContent()).toBe('modifié');
    expect((await mark.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    await mark.click();
    const versions = karim.getByTestId('versions-dialog');
    await versions.waitFor();
    expect(await versions.getByTestId('version').allTextContents()).toEqual([expect.stringMatching(/^Écrit .*Furosémide 40 mg ce matin$/)]);
    expect(await versions.getByTestId('version-current').textContent()).toMatch(/^Version actuelle, .*Furosémide 80 mg ce matin$/);
    await shoot(karim, 'versions-dialog', PHONE);
    await karim.keyboard.press('Escape');
    await versions.waitFor({ state: 'detached' });
    // The search finds the new text, not the old.
    expect(await searchHits(karim, '80 mg')).toEqual(['Furosémide 80 mg ce matin']);
    expect(await searchHits(karim, '40 mg')).toEqual([]);
    await shoot(karim, 'edited', PHONE);

    // Anne withdraws it, after confirming.
    await mine.getByTestId('redact-button').click();
    const confirm = anne.getByTestId('redact-dialog');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain('« Message retiré par Dr Anne Martin » restera à sa place.');
    await confirm.getByTestId('confirm-accept').click();
    await expect.poll(() => mine.getByTestId('message-redacted').textContent()).toBe('Vous avez retiré ce message');
    expect(await mine.getByTestId('message-body').count()).toBe(0);

    const withdrawn = his.getByTestId('message-redacted');
    await expect.poll(() => withdrawn.count(), { timeout: 20_000 }).toBe(1);
    expect(await withdrawn.textContent()).toBe('Message retiré par Dr Anne Martin');
    expect(await his.getByTestId('edited-mark').count()).toBe(0);
    await shoot(karim, 'redacted', PHONE);
    await shoot(anne, 'redacted-author', TABLET);

    // Nothing of either version is left on his device: not in any store, not in the search.
    await expect.poll(async () => (await dumpIndexedDb(karim, karimId)).includes('Furosémide'), { timeout: 10_000 }).toBe(false);
    const dump = await dumpIndexedDb(karim, karimId);
    expect(dump).toContain(messageId);
    expect(dump).not.toMatch(/furosemide|40 mg|80 mg/i);
    expect(await searchHits(karim, 'furosemide')).toEqual([]);
  });
});
