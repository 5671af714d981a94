import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useE2eStack } from './fixture.ts';
import { signIn } from './page-steps.ts';
import { measureLayout, type LayoutReport } from './layout-steps.ts';

/** The Redis DB index this file owns. */
const DB = 26;
const SHOTS = '/tmp/shots-shell';

const PHONE = { width: 390, height: 844 };
const SIZES = [PHONE, { width: 820, height: 1180 }, { width: 1180, height: 820 }];

function expectFit(report: LayoutReport, where: string): void {
  expect(report.overflow, `${where}: horizontal overflow`).toBeLessThanOrEqual(0);
  expect(report.outside, `${where}: controls out of the screen`).toEqual([]);
  expect(report.small, `${where}: targets under 44×44`).toEqual([]);
}

/** The app bar: one row, at most 64 px tall, with who is signed in. */
async function expectOneRowBar(page: Page, where: string, who: { name: string; role: string }): Promise<void> {
  const bar = await page.locator('.app-header').boundingBox();
  expect(bar?.height, `${where}: app bar height`).toBeLessThanOrEqual(64);
  expect(await page.getByTestId('identity-name').textContent()).toBe(who.name);
  expect(await page.getByTestId('identity-role').textContent()).toContain(who.role);
  expect(await page.getByTestId('identity').isVisible()).toBe(true);
}

/** Opens the settings from the bar (through the menu below 1024 px). */
async function openSettings(page: Page): Promise<void> {
  if (await page.getByTestId('open-menu').isVisible()) await page.getByTestId('open-menu').click();
  await page.getByTestId('open-settings').click();
  await page.getByTestId('settings-panel').waitFor();
}

/**
 * One responsive app from a 360-px phone to a 1366-px tablet: who is signed in always in a one-row bar,
 * the secondary actions behind "Menu" on narrow screens, list and conversation side by side from 900 px
 * and one at a time below, no sideways overflow, every target of the shell's screens ≥ 44×44.
 */
describe('the app shell on phones and tablets, in Chromium', () => {
  const e2e = useE2eStack({ db: DB });

  for (const person of [
    { username: 'dr.martin', name: 'Dr Anne Martin', role: 'Médecin', row: 'Moreau' },
    { username: 'patient.moreau', name: 'Thérèse Moreau', role: 'Patient·e', row: 'Anne Martin' },
  ]) {
    it(`fits sign-in, list, conversation and settings for ${person.username} at 390, 820 and 1180 px`, async () => {
      const page = await (await e2e.newContext({ viewport: PHONE })).newPage();
      await page.goto('/');
      await page.getByTestId('login-username').waitFor();
      for (const size of SIZES) {
        await page.setViewportSize(size);
        expectFit(await measureLayout(page), `sign-in ${size.width}`);
      }
      await signIn(page, person.username);
      for (const size of SIZES) {
        const at = `${person.username} ${size.width}x${size.height}`;
        await page.setViewportSize(size);
        await page.goto('/');
        await page.getByTestId('conversation-list').waitFor();
        await page.getByTestId('conversation-row').first().waitFor();
        await page.screenshot({ path: `${SHOTS}/${person.username}-list-${size.width}x${size.height}.png` });
        await expectOneRowBar(page, `list ${at}`, person);
        // The notification offer: a one-line strip on a phone, not a third of the screen.
        const offer = await page.getByTestId('notification-prompt').boundingBox();
        expect(offer, `notification offer shown at ${at}`).not.toBeNull();
        if (size.width < 600) expect(offer?.height, `notification offer height at ${at}`).toBeLessThanOrEqual(64);
        expectFit(await measureLayout(page), `list ${at}`);

        await page.getByTestId('conversation-row').filter({ hasText: person.row }).first().click();
        await page.getByTestId('chat-window').waitFor();
        await page.getByTestId('composer-input').waitFor();
        await page.screenshot({ path: `${SHOTS}/${person.username}-conversation-${size.width}x${size.height}.png` });
        // Side by side from 900 px; below, the conversation alone with its back button.
        expect(await page.getByTestId('conversation-list').isVisible(), `list beside the conversation at ${at}`).toBe(size.width >= 900);
        expect(await page.locator('.chat-header__back').isVisible(), `back button at ${at}`).toBe(size.width < 900);
        const title = await page.locator('#chat-title').boundingBox();
        expect(title?.width, `conversation title width at ${at}`).toBeGreaterThanOrEqual(100);
        await expectOneRowBar(page, `conversation ${at}`, person);
        expectFit(await measureLayout(page), `conversation ${at}`);
        // Replying to a message (its "Répondre", then the quote above the composer with its cancel).
        await page.getByTestId('reply-button').first().click();
        await page.getByTestId('composer-reply').waitFor();
        expectFit(await measureLayout(page), `conversation replying ${at}`);
        // The "Actions" menu open, each of its items.
        await page.getByTestId('conversation-menu').locator('summary').click();
        await page.locator('.menu__items').waitFor();
        expectFit(await measureLayout(page), `actions menu ${at}`);
        await page.getByTestId('conversation-menu').locator('summary').click();

        // The notification centre, its preferences unfolded (checkbox rows, quiet hours).
        await page.getByTestId('notifications-button').click();
        await page.getByTestId('notification-center').waitFor();
        await page.getByTestId('notification-center').locator('details > summary').click();
        await page.getByTestId('prefs-quiet').check();
        await page.locator('.notification-settings input[type="time"]').first().waitFor();
        expectFit(await measureLayout(page), `notifications ${at}`);
        await page.keyboard.press('Escape');
        await page.getByTestId('notification-center').waitFor({ state: 'hidden' });

        await openSettings(page);
        expectFit(await measureLayout(page), `settings ${at}`);
        await page.keyboard.press('Escape');
        await page.getByTestId('settings-panel').waitFor({ state: 'detached' });
      }
    });
  }

  it('keeps the bar on one row at 360 and 1366 px, and the list beside the conversation at 1366', async () => {
    const page = await (await e2e.newContext({ viewport: { width: 360, height: 740 } })).newPage();
    await page.goto('/');
    await signIn(page, 'dr.martin');
    await expectOneRowBar(page, '360', { name: 'Dr Anne Martin', role: 'Médecin' });
    expectFit(await measureLayout(page), 'list 360');
    await page.screenshot({ path: `${SHOTS}/dr.martin-list-360x740.png` });
    // The conversation alone on the narrowest phone: back, title (ellipsis), call buttons and Actions in one header.
    await page.getByTestId('conversation-row').filter({ hasText: 'Moreau' }).click();
    await page.getByTestId('composer-input').waitFor();
    expect((await page.locator('#chat-title').boundingBox())?.width).toBeGreaterThanOrEqual(80);
    expect((await page.locator('.chat-header').boundingBox())?.height).toBeLessThanOrEqual(72);
    expectFit(await measureLayout(page), 'conversation 360');
    await page.screenshot({ path: `${SHOTS}/dr.martin-conversation-360x740.png` });
    await page.setViewportSize({ width: 1366, height: 1024 });
    expect(await page.getByTestId('conversation-list').isVisible()).toBe(true);
    expect(await page.getByTestId('chat-window').isVisible()).toBe(true);
    await expectOneRowBar(page, '1366', { name: 'Dr Anne Martin', role: 'Médecin' });
    // Everything sits in the bar: no menu button.
    expect(await page.getByTestId('open-menu').isVisible()).toBe(false);
    expect(await page.getByTestId('logout').isVisible()).toBe(true);
    expectFit(await measureLayout(page), 'list 1366');
  });

  it('puts the secondary actions behind one menu on a phone, usable from the keyboard, and changes user', async () => {
    const page = await (await e2e.newContext({ viewport: PHONE })).newPage();
    await page.goto('/');
    await signIn(page, 'inf.dubois');
    const toggle = page.getByTestId('open-menu');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    for (const action of ['open-settings', 'logout', 'switch-user', 'open-status']) {
      expect(await page.getByTestId(action).isVisible(), `${action} folded away`).toBe(false);
    }
    await toggle.focus();
    await page.keyboard.press('Enter');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    for (const action of ['open-settings', 'logout', 'switch-user', 'open-status']) {
      expect(await page.getByTestId(action).isVisible(), `${action} in the menu`).toBe(true);
    }
    const menu = await measureLayout(page);
    expectFit(menu, 'open menu 390');
    await page.screenshot({ path: `${SHOTS}/menu-open-390x844.png` });
    // Tab reaches the menu's actions; Escape folds it and gives the focus back to the button.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('#app-menu') !== null)).toBe(true);
    await page.keyboard.press('Escape');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('open-menu');

    // A tap outside folds it too.
    await toggle.click();
    await page.locator('#main').click({ position: { x: 200, y: 400 } });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');

    // The status is set from the menu, then read in words in the bar, next to the name.
    await toggle.click();
    await page.getByTestId('open-status').click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await page.getByTestId('status-dialog').waitFor();
    await page.getByLabel('En consultation').check();
    await page.getByTestId('status-save').click();
    await expect.poll(() => page.getByTestId('status-feedback').textContent()).toBe('Statut enregistré.');
    await page.getByTestId('status-close').click();
    await expect.poll(() => page.getByTestId('identity-role').textContent()).toBe('Infirmier·e · En consultation');
    await expectOneRowBar(page, 'status set 390', { name: 'Claire Dubois', role: 'Infirmier·e' });
    await page.screenshot({ path: `${SHOTS}/status-in-bar-390x844.png` });

    // The next person on the shared tablet: an empty sign-in form, ready to type into.
    await toggle.click();
    await page.getByTestId('switch-user').click();
    const username = page.getByTestId('login-username');
    await username.waitFor();
    expect(await username.inputValue()).toBe('');
    // The field takes the focus once mounted (an effect), so this waits for it.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('login-username');
    await page.screenshot({ path: `${SHOTS}/switch-user-390x844.png` });
  });
});
