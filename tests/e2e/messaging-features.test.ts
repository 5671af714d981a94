import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { NetSwitch } from './net-switch.ts';
import { startStack, type Stack } from './stack.ts';

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
  let stack: Stack;
  let browser: Browser;
  let blobDir: string;
  let conversationPath = '';
  type Device = { context: BrowserContext; page: Page; net: NetSwitch };
  const devices: Device[] = [];
  let a: Device;
  let b: Device;

  async function openDevice(username: string): Promise<Device> {
    const net = new NetSwitch({ host: '127.0.0.1', port: stack.port });
    const port = await net.start();
    const context = await browser.newContext({ baseURL: `http://127.0.0.1:${port}`, locale: 'fr-FR' });
    const page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto('/');
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(stack.demoPassword);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('conversation-list').waitFor();
    const device = { context, page, net };
    devices.push(device);
    return device;
  }

  const bodies = (page: Page) => page.getByTestId('message-body').allTextContents();
  const row = (page: Page, path: string) => page.locator(`[data-testid="conversation-row"][data-conversation-id="${path.slice(3)}"]`);

  async function send(device: Device, text: string): Promise<void> {
    await device.page.getByTestId('composer-input').fill(text);
    await device.page.getByTestId('composer-input').press('Enter');
  }

  async function setOffline(device: Device, offline: boolean): Promise<void> {
    if (offline) device.net.goOffline();
    else device.net.restore();
    await device.context.setOffline(offline);
  }

  beforeAll(async () => {
    blobDir = await mkdtemp(join(tmpdir(), 'relais-e2e-blobs-'));
    stack = await startStack({ db: DB, config: { blobDir } });
    browser = await launchChromium();
    a = await openDevice('dr.martin');
    b = await openDevice('dr.benali');
    await a.page.getByTestId('new-conversation').click();
    await a.page.getByTestId('user-search').fill('benali');
    await a.page.getByTestId('user-result').first().click();
    await a.page.getByTestId('create-conversation').click();
    await a.page.getByTestId('chat-window').waitFor();
    conversationPath = new URL(a.page.url()).pathname;
  });

  afterAll(async () => {
    for (const device of devices) {
      await device.context.close();
      await device.net.stop();
    }
    await browser?.close();
    await stack?.stop();
    if (blobDir) await rm(blobDir, { recursive: true, force: true });
  });

  it('shows "Distribué" to the sender, then "Lu" once the recipient opens the conversation', async () => {
    await send(a, 'Pouvez-vous relire le compte rendu ?');
    const receipt = a.page.getByTestId('receipt').last();
    await expect.poll(() => receipt.textContent()).toBe('Distribué');
    await b.page.goto(conversationPath);
    await b.page.getByTestId('chat-window').waitFor();
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
    await send(a, 'Échographie abdominale prévue demain à 9 h');
    await expect.poll(() => bodies(b.page)).toContain('Échographie abdominale prévue demain à 9 h');
    await setOffline(b, true);
    await b.page.getByTestId('open-search').click();
    await b.page.getByTestId('search-input').fill('echo');
    const hit = b.page.getByTestId('search-hit').first();
    await hit.waitFor();
    expect(await hit.locator('mark').textContent()).toBe('Écho');
    const messageId = await hit.getAttribute('data-message-id');
    await hit.click();
    await expect.poll(() => b.page.locator(`[data-message-id="${messageId}"]`).getAttribute('class')).toContain('message--focus');
    await setOffline(b, false);
  });

  it('archives a conversation out of the inbox, then unarchives it back', async () => {
    await a.page.goto(conversationPath);
    await a.page.getByTestId('conversation-menu').locator('summary').click();
    await a.page.getByTestId('archive').click();
    await expect.poll(() => row(a.page, conversationPath).count()).toBe(0);
    await a.page.getByTestId('list-filter').selectOption('archived');
    await row(a.page, conversationPath).click();
    await a.page.getByTestId('conversation-menu').locator('summary').click();
    await a.page.getByTestId('unarchive').click();
    await a.page.getByTestId('list-filter').selectOption('inbox');
    await expect.poll(() => row(a.page, conversationPath).count()).toBe(1);
  });

  it('makes a conversation deleted for everyone vanish on the other side', async () => {
    await a.page.getByTestId('new-conversation').click();
    await a.page.getByTestId('user-search').fill('benali');
    await a.page.getByTestId('user-result').first().click();
    await a.page.getByTestId('conversation-title').fill('Staff à supprimer');
    await a.page.getByTestId('create-conversation').click();
    await a.page.waitForURL((url) => url.pathname.startsWith('/c/') && url.pathname !== conversationPath);
    const groupPath = new URL(a.page.url()).pathname;
    expect(groupPath).not.toBe(conversationPath);
    await send(a, 'Ordre du jour');
    await expect.poll(() => row(b.page, groupPath).count(), { timeout: 20_000 }).toBe(1);
    await a.page.getByTestId('conversation-menu').locator('summary').click();
    await a.page.getByTestId('delete-everyone').click();
    await expect.poll(() => row(b.page, groupPath).count(), { timeout: 20_000 }).toBe(0);
    await expect.poll(() => row(a.page, groupPath).count()).toBe(0);
  });

  it('uploads an image attached offline after reconnection, byte for byte', async () => {
    const image = pngImage();
    await a.page.goto(conversationPath);
    await a.page.getByTestId('chat-window').waitFor();
    await setOffline(a, true);
    await a.page.getByTestId('composer-file').setInputFiles({ name: 'radio.png', mimeType: 'image/png', buffer: image });
    await a.page.getByTestId('composer-files').waitFor();
    await a.page.getByTestId('composer-send').click();
    await expect.poll(() => a.page.locator('[data-testid="message"][data-status="pending"] [data-testid="attachment"]').count()).toBe(1);
    await setOffline(a, false);
    const link = b.page.locator('[data-testid="message"] [data-testid="attachment"]').last();
    await expect.poll(() => link.getAttribute('href'), { timeout: 30_000 }).toMatch(/^\/api\/attachments\//);
    const href = (await link.getAttribute('href')) as string;
    const received = await b.page.evaluate(async (url) => Array.from(new Uint8Array(await (await fetch(url)).arrayBuffer())), href);
    expect(createHash('sha256').update(Buffer.from(received)).digest('hex')).toBe(createHash('sha256').update(image).digest('hex'));
    await expect.poll(() => a.page.locator('[data-testid="message"][data-status="pending"]').count(), { timeout: 20_000 }).toBe(0);
  });

  it('shows in a group header each participant going online, then offline with the time last seen', async () => {
    await a.page.getByTestId('new-conversation').click();
    for (const [query, name] of [['benali', 'Dr Karim Benali'], ['dubois', 'Claire Dubois']] as const) {
      await a.page.getByTestId('user-search').fill(query);
      await a.page.getByTestId('user-result').filter({ hasText: name }).click();
    }
    await a.page.getByTestId('conversation-title').fill('Staff de soins');
    await a.page.getByTestId('create-conversation').click();
    await a.page.waitForURL((url) => url.pathname.startsWith('/c/') && url.pathname !== conversationPath);
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

    const c = await openDevice('inf.dubois');
    await expect.poll(() => claire.getAttribute('data-state'), { timeout: 20_000 }).toBe('online');
    expect(await claire.getByTestId('group-presence-state').textContent()).toBe('En ligne');
    await expect.poll(onlineCount).toBe(before + 1);

    devices.splice(devices.indexOf(c), 1);
    await c.context.close();
    await c.net.stop();
    await expect.poll(() => claire.getAttribute('data-state'), { timeout: 20_000 }).toBe('offline');
    expect(await claire.getByTestId('group-presence-state').textContent()).toMatch(/^Hors ligne · vu à \d{2}:\d{2}$/);
    await expect.poll(onlineCount).toBe(before);
    await a.page.keyboard.press('Escape');
    expect(await a.page.getByTestId('group-presence-list').count()).toBe(0);
    expect(await summary.getAttribute('aria-expanded')).toBe('false');
  });
});
