import { mkdirSync } from 'node:fs';
import { pngImage } from './png.ts';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { useE2eStack, type Device } from './fixture.ts';
import { measureLayout, type LayoutReport } from './layout-steps.ts';
import { conversationRow, messagesWithStatus, openConversation, openSignedInPage, sendFromComposer, shownBodies, startGroup } from './page-steps.ts';
import { directConversation } from './server-steps.ts';
import { swRequest } from './sw-steps.ts';
import { DEMO_PASSWORD } from '../../src/server/demo-seed.ts';

/** The Redis DB index this file owns. */
const DB = 28;
const SHOTS = '/tmp/shots-dialogs';

const PHONE = { width: 390, height: 844 };
const PORTRAIT = { width: 820, height: 1180 };
const LANDSCAPE = { width: 1180, height: 820 };
const SIZES = [PHONE, PORTRAIT, LANDSCAPE];
const shotName = (what: string, size: { width: number; height: number }) => `${SHOTS}/${what}-${size.width}x${size.height}.png`;
const shoot = (size: { width: number; height: number }) => size !== PORTRAIT;


/** A one-page PDF that says something (the gateway sniffs `%PDF-`; Chromium's viewer draws it). */
function pdfDocument(): Buffer {
  const stream = 'BT /F1 24 Tf 40 140 Td (Compte rendu) Tj ET';
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(body.length);
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

function expectFit(report: LayoutReport, where: string): void {
  expect(report.overflow, `${where}: horizontal overflow`).toBeLessThanOrEqual(0);
  expect(report.outside, `${where}: controls out of the screen`).toEqual([]);
  expect(report.small, `${where}: targets under 44×44`).toEqual([]);
}

/** The test id of what has the focus. */
const focusedTestId = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? null);

/** The text of the elements an attribute (aria-labelledby, aria-describedby) of `locator` names. */
function referencedText(locator: Locator, attribute: string): Promise<string> {
  return locator.evaluate((element, name) => {
    const ids = (element.getAttribute(name) ?? '').split(/\s+/).filter(Boolean);
    return ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
  }, attribute);
}

/** The rendered box of the viewer's image (transforms included). */
async function imageBox(page: Page): Promise<{ width: number; height: number; x: number }> {
  const box = await page.getByTestId('viewer-image').boundingBox();
  if (!box) throw new Error('no image in the viewer');
  return box;
}

/**
 * Confirmations, the file viewer, the group dialog and the statistics, as a clinician meets them:
 * everything inside the page (never the browser's confirm(), alert() or a new tab), usable by touch
 * and keyboard on a phone and on a tablet held either way.
 */
describe('in-app dialogs and the file viewer, in Chromium', () => {
  const e2e = useE2eStack({ db: DB });
  /** Every browser dialog (confirm, alert, prompt, beforeunload) any page of the file raised. */
  const browserDialogs: string[] = [];
  const watch = (page: Page): Page => {
    page.on('dialog', (dialog) => {
      browserDialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    return page;
  };

  /**
   * Inès's tablet at `viewport` on a conversation where her message `text` waits in the outbox: the
   * gateway refuses pushes from here on (the caller sets `stack.push.refuse` back to false).
   */
  async function tabletWithPendingMessage(viewport: { width: number; height: number }, text: string) {
    const { stack } = e2e;
    const tablet = await e2e.openTablet({ viewport });
    const conversationId = await directConversation(stack, 'inf.dubois', 'martin');
    const page = watch(await openSignedInPage(tablet.context, 'inf.dubois'));
    await openConversation(page, conversationId);
    stack.push.refuse = true;
    await sendFromComposer(page, text);
    await expect.poll(() => messagesWithStatus(page, 'pending').count()).toBe(1);
    return { tablet, page };
  }
  let a: Device;
  let b: Device;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    a = await e2e.openDevice('dr.martin');
    b = await e2e.openDevice('dr.benali');
    watch(a.page);
    watch(b.page);
  });

  afterEach(() => {
    expect(browserDialogs, 'a browser dialog was raised').toEqual([]);
  });

  it('asks in the page before "Supprimer pour tous": Cancel and Escape keep it, Confirm deletes it for both sides', async () => {
    await a.page.setViewportSize(LANDSCAPE);
    const groupId = await startGroup(a.page, 'Staff à supprimer', [{ query: 'benali', name: 'Dr Karim Benali' }]);
    await sendFromComposer(a.page, 'Ordre du jour du staff');
    await expect.poll(() => conversationRow(b.page, groupId).count(), { timeout: 20_000 }).toBe(1);

    const menu = a.page.getByTestId('conversation-menu');
    await menu.locator('summary').click();
    await a.page.getByTestId('delete-everyone').click();
    const dialog = a.page.getByRole('alertdialog');
    await dialog.waitFor();
    expect(await dialog.evaluate((element) => element.matches('dialog:modal'))).toBe(true);
    expect(await referencedText(dialog, 'aria-labelledby')).toBe('Supprimer cette conversation pour tous ?');
    expect(await referencedText(dialog, 'aria-describedby')).toContain('définitive');
    // The safe button has the focus; the destructive one is drawn as such.
    expect(await focusedTestId(a.page)).toBe('confirm-cancel');
    expect(await dialog.getByTestId('confirm-accept').textContent()).toBe('Supprimer pour tous');
    expect(await dialog.getByTestId('confirm-accept').getAttribute('class')).toContain('button--danger-solid');
    expectFit(await measureLayout(a.page), 'delete confirmation 1180');
    await a.page.screenshot({ path: shotName('confirm-delete', LANDSCAPE) });

    await dialog.getByTestId('confirm-cancel').click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => focusedTestId(a.page)).toBe('delete-everyone');
    // Escape is a cancel too.
    await a.page.getByTestId('delete-everyone').click();
    await dialog.waitFor();
    await a.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => focusedTestId(a.page)).toBe('delete-everyone');
    expect(await shownBodies(a.page)).toContain('Ordre du jour du staff');
    expect(await conversationRow(a.page, groupId).count()).toBe(1);
    expect(await conversationRow(b.page, groupId).count()).toBe(1);

    // On a phone the dialog fits too.
    await a.page.setViewportSize(PHONE);
    await a.page.getByTestId('delete-everyone').click();
    await dialog.waitFor();
    expectFit(await measureLayout(a.page), 'delete confirmation 390');
    await a.page.screenshot({ path: shotName('confirm-delete', PHONE) });
    await dialog.getByTestId('confirm-accept').click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => conversationRow(b.page, groupId).count(), { timeout: 20_000 }).toBe(0);
    await expect.poll(() => conversationRow(a.page, groupId).count()).toBe(0);
  });

  it('warns in the page before signing out with a message still waiting, from the phone menu', async () => {
    const { stack } = e2e;
    try {
      const { tablet, page } = await tabletWithPendingMessage(PHONE, 'Pas encore parti : tension de 14 h');
      await page.getByTestId('open-menu').click();
      await page.getByTestId('logout').click();
      const dialog = page.getByRole('alertdialog');
      await dialog.waitFor();
      // Drawn (not inside the folded menu) and on top of everything.
      expect(await dialog.isVisible()).toBe(true);
      expect(await referencedText(dialog, 'aria-labelledby')).toBe('Se déconnecter ?');
      // One message waiting, counted as one (the opening's read mark also waits, and is not a message).
      expect(await referencedText(dialog, 'aria-describedby')).toBe('Un message n’est pas encore parti. Se déconnecter le supprimera de cet appareil.');
      expect(await focusedTestId(page)).toBe('confirm-cancel');
      expectFit(await measureLayout(page), 'sign-out warning 390');
      await page.screenshot({ path: shotName('logout-warning', PHONE) });

      // Cancel: still signed in, the message still waiting, the focus on the menu button that held "Se déconnecter".
      await dialog.getByTestId('confirm-cancel').click();
      await dialog.waitFor({ state: 'detached' });
      await expect.poll(() => focusedTestId(page)).toBe('open-menu');
      expect(await messagesWithStatus(page, 'pending').count()).toBe(1);
      expect(await page.getByTestId('login-username').count()).toBe(0);

      await page.setViewportSize(LANDSCAPE);
      await page.getByTestId('logout').click();
      await dialog.waitFor();
      expectFit(await measureLayout(page), 'sign-out warning 1180');
      await page.screenshot({ path: shotName('logout-warning', LANDSCAPE) });
      await dialog.getByTestId('confirm-accept').click();
      await page.getByTestId('login-username').waitFor();
      expect(await page.getByRole('alertdialog').count()).toBe(0);
      await tablet.close();
    } finally {
      stack.push.refuse = false;
    }
  });

  it('drops the sign-out warning when the tablet locks under it, and shows it to nobody after the unlock', async () => {
    const { stack } = e2e;
    try {
      const { tablet, page } = await tabletWithPendingMessage(LANDSCAPE, 'Toujours en attente : pansement');
      await page.getByTestId('logout').click();
      await page.getByRole('alertdialog').waitFor();

      // Locked while the warning is open: the lock screen stands alone.
      await swRequest(page, 'auth.lock');
      await page.getByTestId('lock-screen').waitFor();
      expect(await page.getByRole('alertdialog').count()).toBe(0);

      await page.getByTestId('lock-password').fill(DEMO_PASSWORD);
      await page.getByTestId('lock-submit').click();
      await page.getByTestId('conversation-list').waitFor();
      expect(await page.getByTestId('logout-confirm').count()).toBe(0);
      // Still signed in, the message still waiting (the conversation's pane comes back after the list).
      await expect.poll(() => messagesWithStatus(page, 'pending').count()).toBe(1);
      await tablet.close();
    } finally {
      stack.push.refuse = false;
    }
  });

  it('opens an image in the in-app viewer: fitted, zoomed by buttons, keys and wheel, moved, closed with Escape, no new tab', async () => {
    const conversationId = await directConversation(e2e.stack, 'dr.martin', 'benali');
    await openConversation(a.page, conversationId);
    await a.page.getByTestId('composer-file').setInputFiles({ name: 'radio-thorax.png', mimeType: 'image/png', buffer: pngImage(600, 400) });
    await a.page.getByTestId('composer-files').waitFor();
    await a.page.getByTestId('composer-send').click();
    await openConversation(b.page, conversationId);
    const attachment = b.page.locator('[data-testid="message"] [data-testid="attachment"]').last();
    await expect.poll(() => attachment.getAttribute('href'), { timeout: 30_000 }).toMatch(/^\/api\/attachments\//);

    const pagesBefore = b.context.pages().length;
    const opened: string[] = [];
    b.context.on('page', (page) => opened.push(page.url()));
    for (const size of SIZES) {
      const at = `image viewer ${size.width}x${size.height}`;
      await b.page.setViewportSize(size);
      await attachment.click();
      const viewer = b.page.getByTestId('file-viewer');
      await viewer.waitFor();
      expect(await viewer.evaluate((element) => element.matches('dialog:modal'))).toBe(true);
      expect(await referencedText(viewer, 'aria-labelledby')).toContain('radio-thorax.png');
      expect(await focusedTestId(b.page)).toBe('viewer-close');
      // The gateway's file, decoded whole, fitted inside the screen.
      await expect.poll(() => b.page.getByTestId('viewer-image').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(600);
      const fitted = await imageBox(b.page);
      expect(fitted.width).toBeLessThanOrEqual(size.width);
      expect(await b.page.getByTestId('viewer-download').getAttribute('download')).toBe('radio-thorax.png');
      expect(await b.page.getByTestId('viewer-download').getAttribute('href')).toMatch(/^blob:/);
      expectFit(await measureLayout(b.page), at);
      if (shoot(size)) await b.page.screenshot({ path: shotName('image-viewer', size) });

      // "+": 150 %, half as large again on screen; "Ajuster" fits it back.
      await b.page.getByTestId('viewer-zoom-in').click();
      await expect.poll(async () => (await imageBox(b.page)).width).toBeCloseTo(fitted.width * 1.5, 0);
      expect(await b.page.getByTestId('viewer-zoom').textContent()).toMatch(/^150\s?%$/);
      if (shoot(size)) await b.page.screenshot({ path: shotName('image-viewer-zoomed', size) });
      await b.page.getByTestId('viewer-fit').click();
      await expect.poll(async () => (await imageBox(b.page)).width).toBeCloseTo(fitted.width, 0);
      await b.page.keyboard.press('Escape');
      await viewer.waitFor({ state: 'detached' });
      await expect.poll(() => focusedTestId(b.page)).toBe('attachment');
    }

    // From the keyboard, on a phone: Enter opens it, "+" zooms, an arrow moves the zoomed image, "0" fits.
    await b.page.setViewportSize(PHONE);
    await attachment.focus();
    await b.page.keyboard.press('Enter');
    await b.page.getByTestId('viewer-image').waitFor();
    await expect.poll(() => b.page.getByTestId('viewer-image').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(600);
    const fitted = await imageBox(b.page);
    await b.page.keyboard.press('+');
    await b.page.keyboard.press('+');
    await expect.poll(async () => (await imageBox(b.page)).width).toBeCloseTo(fitted.width * 2.25, 0);
    const zoomed = await imageBox(b.page);
    await b.page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await imageBox(b.page)).x).toBeLessThan(zoomed.x);
    await b.page.keyboard.press('0');
    await expect.poll(async () => (await imageBox(b.page)).width).toBeCloseTo(fitted.width, 0);
    // The wheel zooms about the pointer; a drag moves the zoomed image.
    const stage = await b.page.getByTestId('viewer-stage').boundingBox();
    if (!stage) throw new Error('no stage');
    await b.page.mouse.move(stage.x + stage.width / 2, stage.y + stage.height / 2);
    await b.page.mouse.wheel(0, -400);
    await expect.poll(async () => (await imageBox(b.page)).width).toBeGreaterThan(fitted.width * 1.5);
    const beforeDrag = await imageBox(b.page);
    await b.page.mouse.down();
    await b.page.mouse.move(stage.x + stage.width / 2 - 80, stage.y + stage.height / 2, { steps: 4 });
    await b.page.mouse.up();
    await expect.poll(async () => (await imageBox(b.page)).x).toBeLessThan(beforeDrag.x - 40);
    await b.page.getByTestId('viewer-close').click();
    await b.page.getByTestId('file-viewer').waitFor({ state: 'detached' });

    expect(opened).toEqual([]);
    expect(b.context.pages()).toHaveLength(pagesBefore);
  });

  it('opens a file attached offline, not yet sent, from the device’s own copy', async () => {
    const conversationId = await directConversation(e2e.stack, 'dr.martin', 'benali');
    await openConversation(a.page, conversationId);
    await a.page.setViewportSize(PHONE);
    await a.goOffline();
    try {
      await a.page.getByTestId('composer-file').setInputFiles({ name: 'plaie-j3.png', mimeType: 'image/png', buffer: pngImage(480, 640) });
      await a.page.getByTestId('composer-files').waitFor();
      await a.page.getByTestId('composer-send').click();
      const pending = messagesWithStatus(a.page, 'pending').getByTestId('attachment');
      await expect.poll(() => pending.count()).toBe(1);
      await pending.click();
      await a.page.getByTestId('file-viewer').waitFor();
      await expect.poll(() => a.page.getByTestId('viewer-image').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(480);
      expect(await a.page.getByTestId('viewer-image').getAttribute('src')).toMatch(/^blob:/);
      await a.page.screenshot({ path: shotName('image-viewer-offline', PHONE) });
      await a.page.keyboard.press('Escape');
      await a.page.getByTestId('file-viewer').waitFor({ state: 'detached' });
    } finally {
      await a.goOnline();
    }
    await expect.poll(() => messagesWithStatus(a.page, 'pending').count(), { timeout: 30_000 }).toBe(0);
  });

  it('opens a PDF in the same viewer, drawn by the browser from the file’s object URL, with a download button', async () => {
    const conversationId = await directConversation(e2e.stack, 'dr.martin', 'benali');
    await openConversation(a.page, conversationId);
    await a.page.getByTestId('composer-file').setInputFiles({ name: 'compte-rendu.pdf', mimeType: 'application/pdf', buffer: pdfDocument() });
    await a.page.getByTestId('composer-files').waitFor();
    await a.page.getByTestId('composer-send').click();
    await openConversation(b.page, conversationId);
    // By its name: the image of an earlier test is in the same conversation, and `.last()` may be it
    // until the PDF's message arrives.
    const attachment = b.page.locator('[data-testid="message"] [data-testid="attachment"]').filter({ hasText: 'compte-rendu.pdf' });
    await expect.poll(() => attachment.getAttribute('href'), { timeout: 30_000 }).toMatch(/^\/api\/attachments\//);
    const pagesBefore = b.context.pages().length;

    for (const size of [PHONE, LANDSCAPE]) {
      await b.page.setViewportSize(size);
      await attachment.click();
      const viewer = b.page.getByTestId('file-viewer');
      await viewer.waitFor();
      expect(await viewer.getAttribute('data-kind')).toBe('pdf');
      expect(await referencedText(viewer, 'aria-labelledby')).toContain('compte-rendu.pdf');
      const frame = b.page.getByTestId('viewer-pdf');
      await frame.waitFor();
      const src = (await frame.getAttribute('src')) ?? '';
      expect(src).toMatch(/^blob:/);
      // The frame holds the document, handed to Chromium's own PDF viewer.
      await expect.poll(() => b.page.frames().some((f) => f.url() === src)).toBe(true);
      await expect.poll(() => b.page.frames().some((f) => f.url().startsWith('chrome-extension://')), { timeout: 10_000 }).toBe(true);
      expect(await b.page.getByTestId('viewer-download').getAttribute('download')).toBe('compte-rendu.pdf');
      expect(await b.page.getByTestId('viewer-zoom-in').count()).toBe(0);
      expectFit(await measureLayout(b.page), `pdf viewer ${size.width}`);
      await b.page.screenshot({ path: shotName('pdf-viewer', size) });
      await b.page.getByTestId('viewer-close').click();
      await viewer.waitFor({ state: 'detached' });
    }
    expect(b.context.pages()).toHaveLength(pagesBefore);
  });

  it('shows the group dialog in the app’s frame: no overflow, ≥ 44 px targets, a remove button named per person', async () => {
    await a.page.setViewportSize(LANDSCAPE);
    await a.page.goto('/');
    await a.page.getByTestId('conversation-list').waitFor();
    await startGroup(a.page, 'Staff de cardiologie du mardi matin', [
      { query: 'benali', name: 'Dr Karim Benali' },
      { query: 'dubois', name: 'Claire Dubois' },
    ]);
    for (const size of SIZES) {
      const at = `group dialog ${size.width}x${size.height}`;
      await a.page.setViewportSize(size);
      await a.page.getByTestId('conversation-menu').locator('summary').click();
      await a.page.getByTestId('manage-group').click();
      const panel = a.page.getByTestId('group-panel');
      await panel.waitFor();
      await expect.poll(() => panel.getByTestId('group-member').count()).toBe(3);
      expect(await panel.getByRole('button', { name: 'Retirer Dr Karim Benali' }).count()).toBe(1);
      expect(await panel.getByRole('button', { name: 'Retirer Claire Dubois' }).count()).toBe(1);
      // No "remove" for oneself.
      expect(await panel.getByTestId('group-remove').count()).toBe(2);
      expectFit(await measureLayout(a.page), at);
      if (shoot(size)) await a.page.screenshot({ path: shotName('group-dialog', size) });
      await a.page.keyboard.press('Escape');
      await panel.waitFor({ state: 'detached' });
      await a.page.locator('.menu[open] > summary').click();
    }
    // The remove button does what it says.
    await a.page.getByTestId('conversation-menu').locator('summary').click();
    await a.page.getByTestId('manage-group').click();
    const panel = a.page.getByTestId('group-panel');
    await panel.getByRole('button', { name: 'Retirer Claire Dubois' }).click();
    await expect.poll(() => panel.getByTestId('group-member').count(), { timeout: 20_000 }).toBe(2);
    expect(await panel.getByTestId('group-members').textContent()).not.toContain('Claire Dubois');
    await panel.getByTestId('group-close').click();
    await panel.waitFor({ state: 'detached' });
  });

  it('shows the statistics in their own dialog, leaving the conversation list whole, at 390, 820 and 1180 px', async () => {
    const page = a.page;
    await page.goto('/');
    await page.getByTestId('conversation-row').first().waitFor();
    for (const size of SIZES) {
      const at = `statistics ${size.width}x${size.height}`;
      await page.setViewportSize(size);
      const list = page.locator('.list-pane');
      const before = await list.boundingBox();
      await page.getByTestId('open-stats').click();
      const stats = page.getByTestId('stats-panel');
      await stats.waitFor();
      expect(await stats.evaluate((element) => element.matches('dialog:modal'))).toBe(true);
      await expect.poll(() => stats.getByTestId('stat-row').count()).toBeGreaterThanOrEqual(6);
      // The list keeps its place and size under the dialog.
      expect(await list.boundingBox()).toEqual(before);
      expect(await page.getByTestId('conversation-row').first().isVisible()).toBe(true);
      expectFit(await measureLayout(page), at);
      if (shoot(size)) await page.screenshot({ path: shotName('stats-dialog', size) });
      await page.keyboard.press('Escape');
      await stats.waitFor({ state: 'detached' });
      await expect.poll(() => focusedTestId(page)).toBe('open-stats');
    }
  });
});
