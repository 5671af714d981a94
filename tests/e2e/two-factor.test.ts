import { mkdirSync } from 'node:fs';
import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/server/demo-seed.ts';
import { useE2eStack } from './fixture.ts';
import { signIn } from './page-steps.ts';
import { revokeAllSessions } from './server-steps.ts';
import { swRequest } from './sw-steps.ts';

/** The Redis DB index this file owns. */
const DB = 21;
const SHOTS = '/tmp/shots-totp';
const PHONE = { width: 390, height: 844 };
const TABLET = { width: 1180, height: 820 };

/** Nothing wider than the screen, and every button of `selector` a finger can hit (44 px). */
async function layoutOf(page: Page, selector: string): Promise<{ overflow: number; smallest: number }> {
  return page.evaluate((sel) => {
    const buttons = [...document.querySelectorAll(`${sel} button`)].filter((b) => (b as HTMLElement).offsetParent !== null);
    // In the settings: the dialog (what lies behind it is another screen's); else the page.
    const dialog = document.querySelector('dialog[open]');
    return {
      overflow: dialog ? dialog.scrollWidth - dialog.clientWidth : document.documentElement.scrollWidth - window.innerWidth,
      smallest: Math.min(...buttons.map((b) => Math.round(b.getBoundingClientRect().height))),
    };
  }, selector);
}

/** Screenshots at the phone and the tablet size, each checked for overflow and touch targets. */
async function atBothSizes(page: Page, name: string, selector: string): Promise<void> {
  for (const size of [PHONE, TABLET]) {
    await page.setViewportSize(size);
    await page.locator(selector).evaluate((element) => element.scrollIntoView({ block: 'start' }));
    const layout = await layoutOf(page, selector);
    expect(layout.overflow, `${name} at ${size.width}`).toBeLessThanOrEqual(0);
    expect(layout.smallest, `${name} at ${size.width}`).toBeGreaterThanOrEqual(44);
    await page.screenshot({ path: `${SHOTS}/${name}-${size.width}x${size.height}.png` });
  }
}

/**
 * Two-step verification as a doctor uses it: she turns it on from Réglages (scans the QR code —
 * here, the test reads the key shown on the page and computes the code with otplib), keeps her
 * recovery codes, signs out, and signs in again with her password and a code. Her tablet, locked,
 * still opens with the password alone: offline against its local hash, online against the server.
 */
describe('two-step verification, in Chromium', () => {
  const e2e = useE2eStack({ db: DB });

  it('enrols from the settings, then signs in with password and code; the locked tablet unlocks with the password only, and asks the code once its session has ended', async () => {
    mkdirSync(SHOTS, { recursive: true });
    const tablet = await e2e.openTablet({ viewport: TABLET });
    const page = await tablet.context.newPage();
    await page.goto('/');
    await signIn(page, 'dr.martin');

    await page.getByTestId('open-settings').click();
    const section = page.getByTestId('two-factor-section');
    await expect.poll(() => section.getByTestId('two-factor-state').textContent()).toContain('Désactivée');
    await section.getByTestId('two-factor-enable').click();
    await section.getByTestId('two-factor-qr').locator('svg').waitFor();
    const secret = ((await section.getByTestId('two-factor-secret').textContent()) ?? '').replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await atBothSizes(page, 'enrol-qr', '[data-testid="two-factor-section"]');

    // A wrong code first: said in French, nothing turned on.
    await section.getByTestId('two-factor-code').fill('000000' === (await generate({ secret })) ? '111111' : '000000');
    await section.getByTestId('two-factor-confirm').click();
    await expect.poll(() => section.getByTestId('two-factor-status').textContent()).toContain('Code de vérification incorrect');
    await section.getByTestId('two-factor-code').fill(await generate({ secret }));
    await section.getByTestId('two-factor-confirm').click();
    const codes = section.getByTestId('recovery-codes').locator('li');
    await expect.poll(() => codes.count()).toBe(10);
    const recoveryCodes = await codes.allTextContents();
    for (const code of recoveryCodes) expect(code).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
    expect(await section.getByRole('alert').textContent()).toContain('ne seront plus affichés');
    await atBothSizes(page, 'enrol-codes', '[data-testid="two-factor-section"]');
    await section.getByTestId('recovery-done').click();
    await expect.poll(() => section.getByTestId('two-factor-state').textContent()).toContain('Activée');
    await page.keyboard.press('Escape');
    await page.getByTestId('settings-panel').waitFor({ state: 'detached' });

    // Signed out, the password alone is not enough any more: the code field appears.
    await page.getByTestId('logout').click();
    await page.getByTestId('login-username').fill('dr.martin');
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-otp').waitFor();
    expect(await page.getByTestId('login-error').textContent()).toContain('code de vérification');
    expect(await page.getByTestId('login-password').inputValue()).toBe(DEMO_PASSWORD);
    expect(await page.getByTestId('login-otp').getAttribute('autocomplete')).toBe('one-time-code');
    expect(await page.getByTestId('login-otp').getAttribute('inputmode')).toBe('numeric');
    await atBothSizes(page, 'login-code', 'form.login');
    // The code that turned it on is spent: the next step's code signs in.
    await page.getByTestId('login-otp').fill(await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
    await page.getByTestId('login-submit').click();
    await page.getByTestId('conversation-list').waitFor();

    // Locked, the tablet opens with the password only: online (the server confirms it within the
    // session this device holds), then offline (the SW's local hash).
    for (const network of ['online', 'offline'] as const) {
      await swRequest(page, 'auth.lock');
      await page.getByTestId('lock-screen').waitFor();
      if (network === 'offline') tablet.net.goOffline();
      await page.getByTestId('lock-password').fill(DEMO_PASSWORD);
      await page.getByTestId('lock-submit').click();
      await page.getByTestId('conversation-list').waitFor();
      expect(await page.getByTestId('lock-screen').count()).toBe(0);
    }
    tablet.net.restore();

    // The session behind the lock ends on the server while the tablet is locked and quiet: the
    // password alone is not enough any more, and the lock screen asks for the code too.
    await swRequest(page, 'auth.lock');
    await page.getByTestId('lock-screen').waitFor();
    await revokeAllSessions(e2e.stack);
    await page.getByTestId('lock-password').fill(DEMO_PASSWORD);
    await page.getByTestId('lock-submit').click();
    await page.getByTestId('lock-otp').waitFor();
    expect(await page.getByTestId('lock-error').textContent()).toContain('code de vérification');
    expect(await page.getByTestId('lock-password').inputValue()).toBe(DEMO_PASSWORD);
    await atBothSizes(page, 'lock-code', 'form.login');
    // The codes of this 30-second step are spent: one of the recovery codes.
    await page.getByTestId('lock-otp-kind').click();
    await page.getByTestId('lock-otp').fill(recoveryCodes[0] ?? '');
    await page.getByTestId('lock-submit').click();
    await page.getByTestId('conversation-list').waitFor();
    expect(await page.getByTestId('lock-screen').count()).toBe(0);
    await tablet.close();
  });
});
