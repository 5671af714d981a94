import { createHash } from 'node:crypto';
import { pngImage } from './png.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { useE2eStack, type Device } from './fixture.ts';
import {
  conversationRow,
  messagesWithStatus,
  openConversation,
  sendFromComposer,
  shownBodies,
  startConversationWith,
  startGroup,
} from './page-steps.ts';

/** The Redis DB index this file owns. */
const DB = 13;


describe('messaging features in Chromium', () => {
  const e2e = useE2eStack({ db: DB });
  let conversationId = '';
  let a: Device;
  let b: Device;

  beforeAll(async () => {
    a = await e2e.openDevice('dr.martin');
    b = await e2e.openDevice('dr.benali');
    a.page.on('dialog', (dialog) => void dialog.accept());
    b.page.on('dialog', (dialog) => void dialog.accept());
    conversationId = await startConversationWith(a.page, 'benali');
  });

  it('shows "Distribué" to the sender, then "Lu" once the recipient opens the conversation', async () => {
    await sendFromComposer(a.page, 'Pouvez-vous relire le compte rendu ?');
    const receipt = a.page.getByTestId('receipt').last();
    await expect.poll(() => receipt.textContent()).toBe('Distribué');
    await openConversation(b.page, conversationId);
    await expect.poll(() => receipt.textContent(), { timeout: 20_000 }).toBe('Lu');
  });

  it('shows "Dr Karim Benali écrit…" while the other one types, and hides it after a few seconds', async () => {
    await b.page.getByTestId('composer-input').fill('Je regarde');
    const indicator = a.page.getByTestId('typing-indicator');
    await expect.poll(() => indicator.textContent()).toBe('Dr Karim Benali écrit…');
    await expect.poll(() => indicator.textContent(), { timeout: 15_000 }).toBe('');
    await b.page.getByTestId('composer-input').fill('');
  });

  it('finds an accented word offline and opens the conversation at that message', async () => {
    await sendFromComposer(a.page, 'Échographie abdominale prévue demain à 9 h');
    await expect.poll(() => shownBodies(b.page)).toContain('Échographie abdominale prévue demain à 9 h');
    await b.goOffline();
    await b.page.getByTestId('open-search').click();
    await b.page.getByTestId('search-input').fill('echo');
    const hit = b.page.getByTestId('search-hit').first();
    await hit.waitFor();
    expect(await hit.locator('mark').textContent()).toBe('Écho');
    const messageId = await hit.getAttribute('data-message-id');
    await hit.click();
    await expect.poll(() => b.page.locator(`[data-message-id="${messageId}"]`).getAttribute('class')).toContain('message--focus');
    await b.goOnline();
  });

  it('archives a conversation out of the inbox, then unarchives it back', async () => {
    await a.page.goto(`/c/${conversationId}`);
    await a.page.getByTestId('conversation-menu').locator('summary').click();
    await a.page.getByTestId('archive').click();
    await expect.poll(() => conversationRow(a.page, conversationId).count()).toBe(0);
    await a.page.getByTestId('list-filter').selectOption('archived');
    await conversationRow(a.page, conversationId).click();
    await a.page.getByTestId('conversation-menu').locator('summary').click();
    await a.page.getByTestId('unarchive').click();
    await a.page.getByTestId('list-filter').selectOption('inbox');
    await expect.poll(() => conversationRow(a.page, conversationId).count()).toBe(1);
  });

  it('makes a conversation deleted for everyone vanish on the other side', async () => {
    const groupId = await startGroup(a.page, 'Staff à supprimer', [{ query: 'benali', name: 'Dr Karim Benali' }]);
    expect(groupId).not.toBe(conversationId);
    await sendFromComposer(a.page, 'Ordre du jour');
    await expect.poll(() => conversationRow(b.page, groupId).count(), { timeout: 20_000 }).toBe(1);
    await a.page.getByTestId('conversation-menu').locator('summary').click();
    await a.page.getByTestId('delete-everyone').click();
    // Confirmed in the page (tests/e2e/dialogs-and-viewer.test.ts covers the dialog itself).
    await a.page.getByRole('alertdialog').getByTestId('confirm-accept').click();
    await expect.poll(() => conversationRow(b.page, groupId).count(), { timeout: 20_000 }).toBe(0);
    await expect.poll(() => conversationRow(a.page, groupId).count()).toBe(0);
  });

  it('uploads an image attached offline after reconnection, byte for byte', async () => {
    const image = pngImage(16, 16);
    await openConversation(a.page, conversationId);
    await a.goOffline();
    await a.page.getByTestId('composer-file').setInputFiles({ name: 'radio.png', mimeType: 'image/png', buffer: image });
    await a.page.getByTestId('composer-files').waitFor();
    await a.page.getByTestId('composer-send').click();
    await expect.poll(() => messagesWithStatus(a.page, 'pending').getByTestId('attachment').count()).toBe(1);
    await a.goOnline();
    const link = b.page.locator('[data-testid="message"] [data-testid="attachment"]').last();
    await expect.poll(() => link.getAttribute('href'), { timeout: 30_000 }).toMatch(/^\/api\/attachments\//);
    const href = (await link.getAttribute('href')) as string;
    const received = await b.page.evaluate(async (url) => Array.from(new Uint8Array(await (await fetch(url)).arrayBuffer())), href);
    expect(createHash('sha256').update(Buffer.from(received)).digest('hex')).toBe(createHash('sha256').update(image).digest('hex'));
    await expect.poll(() => messagesWithStatus(a.page, 'pending').count(), { timeout: 20_000 }).toBe(0);
  });

  it('shows in a group header each participant going online, then offline with the time last seen, and nobody while I am offline', async () => {
    const groupId = await startGroup(a.page, 'Staff de soins', [
      { query: 'benali', name: 'Dr Karim Benali' },
      { query: 'dubois', name: 'Claire Dubois' },
    ]);
    expect(groupId).not.toBe(conversationId);
    const summary = a.page.getByTestId('group-presence-summary');
    const onlineCount = async (): Promise<number> => Number(/^(\d+) en ligne sur 2$/.exec((await summary.textContent()) ?? '')?.[1] ?? NaN);
    // Opened from the keyboard: the detail list of the others' presence.
    await summary.focus();
    await summary.press('Enter');
    const claire = a.page.locator('[data-testid="group-presence-item"]').filter({ hasText: 'Claire Dubois' });
    await expect.poll(() => claire.getAttribute('data-state')).toBe('offline');
    expect(await claire.getByTestId('group-presence-state').textContent()).toBe('Hors ligne');
    const before = await onlineCount();
    expect(before).toBeLessThan(2);

    const c = await e2e.openDevice('inf.dubois');
    await expect.poll(() => claire.getAttribute('data-state'), { timeout: 20_000 }).toBe('online');
    expect(await claire.getByTestId('group-presence-state').textContent()).toBe('En ligne');
    await expect.poll(onlineCount).toBe(before + 1);

    // My own connection cut: nobody's presence is known any more ("En ligne" would be a guess).
    await a.goOffline();
    await expect.poll(() => summary.textContent(), { timeout: 20_000 }).toBe('Présence inconnue');
    expect(await claire.getAttribute('data-state')).toBe('unknown');
    // Claire leaves while I am cut off: no frame can tell me; back online, everyone seen is asked again.
    await c.close();
    await a.goOnline();
    await expect.poll(() => claire.getAttribute('data-state'), { timeout: 20_000 }).toBe('offline');
    expect(await claire.getByTestId('group-presence-state').textContent()).toMatch(/^Hors ligne · vu à \d{2}:\d{2}$/);
    await expect.poll(onlineCount).toBe(before);
    await a.page.keyboard.press('Escape');
    expect(await a.page.getByTestId('group-presence-list').count()).toBe(0);
    expect(await summary.getAttribute('aria-expanded')).toBe('false');
  });
});
