import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/server/demo-seed.ts';
import { useE2eStack } from './fixture.ts';
import { signIn } from './page-steps.ts';
import { swRequest } from './sw-steps.ts';

/** The Redis DB index this file owns. */
const DB = 18;

/**
 * "Mon compte" in the settings, as a nurse uses it on a tablet: she sees where she is signed in,
 * signs the forgotten desktop out (it falls back to the sign-in screen at its next contact), and
 * changes her password, after which only the new one opens the account, on the server and on this
 * tablet's lock screen.
 */
describe('my account, in Chromium', () => {
  const e2e = useE2eStack({ db: DB });

  it('signs out another device from the settings, then changes the password', async () => {
    const desktop = await (await e2e.newContext()).newPage();
    await desktop.goto('/');
    await signIn(desktop, 'inf.dubois');
    const tablet = await (await e2e.newContext({ viewport: { width: 1180, height: 820 } })).newPage();
    await tablet.goto('/');
    await signIn(tablet, 'inf.dubois');

    await tablet.getByTestId('open-settings').click();
    const rows = tablet.getByTestId('device-row');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.filter({ hasText: 'cet appareil' }).count()).toBe(1);
    // On a phone: nothing wider than the dialog, and buttons a finger can hit (44 px).
    await tablet.setViewportSize({ width: 390, height: 844 });
    const layout = await tablet.getByTestId('settings-panel').evaluate((dialog) => ({
      overflow: dialog.scrollWidth - dialog.clientWidth,
      buttons: [...dialog.querySelectorAll('.account-section button')].map((b) => Math.round(b.getBoundingClientRect().height)),
    }));
    expect(layout.overflow).toBeLessThanOrEqual(0);
    expect(Math.min(...layout.buttons)).toBeGreaterThanOrEqual(44);
    await tablet.setViewportSize({ width: 1180, height: 820 });
    await tablet.getByTestId('device-sign-out').click();
    await expect.poll(() => rows.count()).toBe(1);
    // The desktop's session is over: its next contact with the server brings the sign-in screen back.
    await desktop.getByTestId('login-username').waitFor({ timeout: 20_000 });
    // It was told why, and erased what it kept of her (remote wipe).
    expect(await desktop.getByTestId('login-wiped').textContent()).toContain('déconnecté à distance');
    expect(await desktop.getByTestId('login-username').inputValue()).toBe('');
    await desktop.reload();
    await desktop.getByTestId('login-username').waitFor({ timeout: 20_000 });

    await tablet.getByTestId('password-current').fill(DEMO_PASSWORD);
    await tablet.getByTestId('password-new').fill('infirmiere-2026');
    await tablet.getByTestId('password-again').fill('infirmiere-2026');
    await tablet.getByTestId('password-submit').click();
    await expect.poll(() => tablet.getByTestId('password-status').textContent()).toContain('Mot de passe changé');
    // Still signed in here; the old password no longer opens the account, the new one does.
    expect(((await swRequest<{ user: { username: string } | null }>(tablet, 'session.get')).user)?.username).toBe('inf.dubois');
    const login = async (password: string) =>
      (await fetch(`${e2e.stack.baseURL}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: e2e.stack.baseURL }, body: JSON.stringify({ username: 'inf.dubois', password }) })).status;
    expect(await login(DEMO_PASSWORD)).toBe(401);
    expect(await login('infirmiere-2026')).toBe(200);
  });
});
