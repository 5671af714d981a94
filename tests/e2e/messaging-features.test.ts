import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
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

/** A real 16×16 PNG (so the page can decode it and make a thumbnail). */
function pngImage(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const b of bytes) c = (crcTable[(c ^ b) & 0xff] as number) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const tail = Buffer.alloc(4);
    tail.writeUInt32BE(crc(body));
    return Buffer.concat([head, body, tail]);
  };
  const size = 16;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc(size * (1 + size * 3));
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) rows.set([x * 16, y * 16, 128], y * (1 + size * 3) + 1 + x * 3);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

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
    const image = pngImage();
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
