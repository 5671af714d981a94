import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_PATIENT_INS } from '../../src/server/demo-seed.ts';
import { useE2eStack } from './fixture.ts';
import { apiAs } from './server-steps.ts';

/** The Redis DB index this file owns. */
const DB = 20;
const ONCALL_SHOTS = '/tmp/shots-oncall';
const SHOTS = '/tmp/shots-admin';

/**
 * The admin console at `/admin`, as a clinic's administrator uses it: she signs in and lands on it,
 * creates a nurse's account and reads the one-time code off the screen; the nurse activates her
 * account with it on her own phone and signs in; the admin sees her device, disables the account (the
 * nurse's screen falls back to sign-in), then deletes it behind the in-app confirmation. On a phone
 * and on a tablet, nothing is wider than the screen and every button takes a finger.
 */
describe('the admin console, in Chromium', () => {
  const e2e = useE2eStack({ db: DB });

  /** Horizontal overflow of the page and the smallest visible button (px). */
  async function layoutOf(page: Page): Promise<{ overflow: number; smallest: number; small: string[] }> {
    return page.evaluate(() => {
      const buttons = [...document.querySelectorAll<HTMLElement>('button, a.button, select, input')].filter((b) => b.offsetParent !== null || b.closest('dialog[open]'));
      const heights = buttons.map((b) => ({ h: Math.round(b.getBoundingClientRect().height), text: b.textContent?.trim() || b.getAttribute('name') || b.tagName }));
      const visible = heights.filter((b) => b.h > 0);
      return {
        overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        smallest: Math.min(...visible.map((b) => b.h)),
        small: visible.filter((b) => b.h < 44).map((b) => `${b.text}:${b.h}`),
      };
    });
  }

  async function checkLayout(page: Page, name: string, shots = SHOTS): Promise<void> {
    for (const [width, height] of [[390, 844], [1180, 820]] as const) {
      await page.setViewportSize({ width, height });
      const layout = await layoutOf(page);
      await page.screenshot({ path: `${shots}/${name}-${width}.png`, fullPage: shots === ONCALL_SHOTS });
      expect(layout.overflow, `${name} at ${width}`).toBeLessThanOrEqual(0);
      expect(layout.small, `${name} at ${width}`).toEqual([]);
    }
  }

  it('creates a nurse who activates her account with the code shown, then disables and deletes her', async () => {
    mkdirSync(SHOTS, { recursive: true });
    const admin = await (await e2e.newContext({ viewport: { width: 1180, height: 820 } })).newPage();
    await admin.goto('/');
    await admin.getByTestId('login-username').fill('admin');
    await admin.getByTestId('login-password').fill(DEMO_PASSWORD);
    await admin.getByTestId('login-submit').click();
    await admin.getByTestId('admin-console').waitFor({ timeout: 30_000 });
    // The console puts /admin in the address bar once it has rendered (an effect).
    await expect.poll(() => new URL(admin.url()).pathname).toBe('/admin');
    expect(await admin.getByTestId('conversation-list').count()).toBe(0);
    await expect.poll(() => admin.getByTestId('admin-user-row').count()).toBeGreaterThanOrEqual(6);
    await checkLayout(admin, 'users');

    await admin.getByTestId('admin-new-account').click();
    const form = admin.getByTestId('admin-create-form');
    await form.locator('input[name=displayName]').fill('Claire Roux');
    await form.locator('input[name=username]').fill('inf.roux');
    await form.locator('select[name=role]').selectOption('nurse');
    await form.locator('input[name=service]').fill('Cardiologie');
    await form.locator('input[name=jobTitle]').fill('Infirmière de coordination');
    await checkLayout(admin, 'create-form');
    await admin.getByTestId('admin-create-submit').click();
    const code = (await admin.getByTestId('activation-code').textContent())?.trim() ?? '';
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(await admin.getByTestId('activation-code-block').textContent()).toContain('inf.roux');
    await checkLayout(admin, 'code');
    await admin.getByTestId('activation-code-done').click();

    // The nurse, on her phone: "J'ai un code d'activation", then sign-in with the password she chose.
    const nurse = await (await e2e.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await nurse.goto('/');
    await nurse.getByTestId('login-activate').click();
    await nurse.getByTestId('activate-username').fill('inf.roux');
    await nurse.getByTestId('activate-code').fill(code.toLowerCase());
    await nurse.getByTestId('activate-password').fill('claire-roux-2026');
    await nurse.getByTestId('activate-again').fill('claire-roux-2026');
    expect((await layoutOf(nurse)).overflow).toBeLessThanOrEqual(0);
    await nurse.screenshot({ path: `${SHOTS}/activation-390.png` });
    await nurse.getByTestId('activate-submit').click();
    await nurse.getByText('Compte activé').waitFor();
    expect(await nurse.getByTestId('login-username').inputValue()).toBe('inf.roux');
    await nurse.getByTestId('login-password').fill('claire-roux-2026');
    await nurse.getByTestId('login-submit').click();
    await nurse.getByTestId('conversation-list').waitFor({ timeout: 30_000 });
    // Not an admin: /admin is the ordinary app.
    await nurse.goto('/admin');
    await nurse.getByTestId('conversation-list').waitFor({ timeout: 30_000 });
    expect(await nurse.getByTestId('admin-console').count()).toBe(0);

    // The admin finds her, sees her phone, and disables the account: the phone is signed out.
    await admin.getByTestId('admin-user-search').fill('roux');
    await expect.poll(() => admin.getByTestId('admin-user-row').count()).toBe(1);
    expect(await admin.getByTestId('admin-user-row').textContent()).toContain('Cardiologie');
    await admin.getByTestId('admin-user-open').click();
    await expect.poll(() => admin.getByTestId('admin-device-row').count()).toBe(1);
    await checkLayout(admin, 'account-panel');
    await admin.getByTestId('admin-account-disable').click();
    await expect.poll(() => admin.getByTestId('admin-account-status').textContent()).toContain('Compte désactivé');
    await nurse.getByTestId('login-username').waitFor({ timeout: 20_000 });
    await nurse.screenshot({ path: `${SHOTS}/nurse-signed-out-390.png` });
    await expect.poll(() => admin.getByTestId('admin-device-row').count()).toBe(0);

    // Deleting goes through the in-app confirmation.
    await admin.getByTestId('admin-account-delete').click();
    await admin.getByTestId('admin-delete-dialog').waitFor();
    await checkLayout(admin, 'delete-dialog');
    await admin.getByTestId('admin-delete-dialog').getByTestId('confirm-accept').click();
    await expect.poll(() => admin.getByTestId('admin-user-row').count()).toBe(0);
    const login = await fetch(`${e2e.stack.baseURL}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: e2e.stack.baseURL },
      body: JSON.stringify({ username: 'inf.roux', password: 'claire-roux-2026' }),
    });
    expect(login.status).toBe(401);
  });

  it('searches the audit log, offers the same query as CSV, and changes the clinic settings', async () => {
    const admin = await (await e2e.newContext({ viewport: { width: 1180, height: 820 } })).newPage();
    await admin.goto('/admin');
    await admin.getByTestId('login-username').fill('admin');
    await admin.getByTestId('login-password').fill(DEMO_PASSWORD);
    await admin.getByTestId('login-submit').click();
    await admin.getByTestId('admin-tab-audit').click();
    const filters = admin.getByTestId('audit-filters');
    await filters.locator('input[name=action]').fill('admin.user_created');
    await admin.getByTestId('audit-search').click();
    const rows = admin.getByTestId('audit-results').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('admin.user_created');
    // The log keeps ids; the console names the accounts it knows.
    await expect.poll(() => rows.first().textContent()).toContain('Administrateur (admin)');
    const href = (await admin.getByTestId('audit-export').getAttribute('href')) ?? '';
    expect(href).toBe('/api/admin/audit?action=admin.user_created&format=csv');
    const csv = await admin.evaluate(async (url) => (await fetch(url)).text(), href);
    expect(csv.split('\r\n')[1]).toContain('admin.user_created');
    await checkLayout(admin, 'audit');

    // Réglages de la clinique: the reminder interval changes, and the server answers the new value.
    await admin.getByTestId('admin-tab-settings').click();
    const settings = admin.getByTestId('clinic-settings-form');
    await settings.locator('input[name=urgentReminderMinutes]').fill('3');
    await settings.locator('select[name=patientConversations]').selectOption('clinicians');
    await admin.getByTestId('clinic-settings-save').click();
    await expect.poll(() => admin.getByTestId('clinic-settings-status').textContent()).toContain('Réglages enregistrés');
    const stored = await admin.evaluate(async () => (await fetch('/api/admin/settings')).json());
    expect(stored).toMatchObject({ settings: { urgentReminderMinutes: 3, patientConversations: 'clinicians' } });
    await checkLayout(admin, 'clinic-settings');
  });

  it('shows a patient’s INS in her account panel, sets another patient’s, and says so when another account carries it', async () => {
    // A second patient, made through the admins' API (the demo has one, Thérèse Moreau, whose INS the seed set).
    const api = await apiAs(e2e.stack, 'admin');
    expect((await api.request('POST', '/api/admin/users', { body: { username: 'patient.petit', displayName: 'Louise Petit', role: 'patient' } })).status).toBe(201);
    const admin = await (await e2e.newContext({ viewport: { width: 1180, height: 820 } })).newPage();
    await admin.goto('/admin');
    await admin.getByTestId('login-username').fill('admin');
    await admin.getByTestId('login-password').fill(DEMO_PASSWORD);
    await admin.getByTestId('login-submit').click();
    await admin.getByTestId('admin-user-search').fill('Moreau');
    await expect.poll(() => admin.getByTestId('admin-user-row').count()).toBe(1);
    await admin.getByTestId('admin-user-open').click();
    const panel = admin.getByTestId('admin-account-panel');
    expect(await panel.locator('input[name=ins]').inputValue()).toBe(DEMO_PATIENT_INS);
    await panel.getByTestId('admin-account-close').click();

    await admin.getByTestId('admin-user-search').fill('Petit');
    await expect.poll(() => admin.getByTestId('admin-user-row').count()).toBe(1);
    await admin.getByTestId('admin-user-open').click();
    const ins = panel.locator('input[name=ins]');
    await ins.fill(DEMO_PATIENT_INS);
    await panel.getByTestId('admin-account-save').click();
    await expect.poll(() => panel.getByTestId('admin-account-status').textContent()).toBe('Cet INS est déjà celui d’un autre compte.');
    await checkLayout(admin, 'account-panel-ins');
    await ins.fill('290117512345642');
    await panel.getByTestId('admin-account-save').click();
    await expect.poll(() => panel.getByTestId('admin-account-status').textContent()).toBe('Modifications enregistrées.');
    const listed = (await api.request('GET', '/api/admin/users')).body as { users: { username: string; ins?: string }[] };
    expect(listed.users.find((user) => user.username === 'patient.petit')?.ins).toBe('290117512345642');
    // A member of staff has no INS field.
    await panel.getByTestId('admin-account-close').click();
    await admin.getByTestId('admin-user-search').fill('Benali');
    await admin.getByTestId('admin-user-open').click();
    await panel.waitFor();
    expect(await panel.locator('input[name=ins]').count()).toBe(0);
  });

  it('defines “Médecin de garde — Cardiologie”, puts Dr Martin on today’s slot, and lists her as holding it now', async () => {
    mkdirSync(ONCALL_SHOTS, { recursive: true });
    const admin = await (await e2e.newContext({ viewport: { width: 1180, height: 820 } })).newPage();
    await admin.goto('/admin');
    await admin.getByTestId('login-username').fill('admin');
    await admin.getByTestId('login-password').fill(DEMO_PASSWORD);
    await admin.getByTestId('login-submit').click();
    await admin.getByTestId('admin-tab-oncall').click();
    // The demo's function is there, held by someone at every hour.
    const seeded = admin.locator('[data-testid=oncall-row][data-name="Médecin de garde — Médecine"]');
    await expect.poll(() => seeded.getByTestId('oncall-holder').textContent()).toMatch(/^De garde : Dr (Karim Benali|Anne Martin), jusqu’au /);
    await checkLayout(admin, 'list', ONCALL_SHOTS);

    await admin.getByTestId('oncall-new').click();
    const form = admin.getByTestId('oncall-create-form');
    await form.locator('input[name=name]').fill('Médecin de garde — Cardiologie');
    await form.locator('input[name=service]').fill('Cardiologie');
    expect(await form.getByTestId('oncall-role-doctor').getAttribute('aria-pressed')).toBe('true');
    await checkLayout(admin, 'create-form', ONCALL_SHOTS);
    await admin.getByTestId('oncall-create-submit').click();
    await expect.poll(() => admin.getByTestId('oncall-editor-holder').textContent()).toBe('Personne n’est de garde');

    // Today's slot, whole day (Paris time, as the rota counts): Dr Martin.
    const parisDay = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', weekday: 'short' }).format(Date.now());
    const today = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parisDay) + 1;
    await admin.getByTestId(`oncall-add-slot-${today}`).click();
    const slot = admin.getByTestId(`oncall-day-${today}`).getByTestId('oncall-slot');
    await slot.locator('input[name=start]').fill('00:00');
    await slot.locator('input[name=end]').fill('00:00');
    await slot.locator('select[name=userId]').selectOption({ label: 'Dr Anne Martin · Cardiologie' });
    await checkLayout(admin, 'editor', ONCALL_SHOTS);
    // The slot's row on a phone, inside the console's own scrolling area (which the page's width does not see).
    await admin.setViewportSize({ width: 390, height: 844 });
    await slot.scrollIntoViewIfNeeded();
    await admin.screenshot({ path: `${ONCALL_SHOTS}/editor-slot-390.png` });
    expect(await admin.locator('.admin-main').evaluate((main) => main.scrollWidth - main.clientWidth)).toBeLessThanOrEqual(0);
    await admin.setViewportSize({ width: 1180, height: 820 });
    await admin.getByTestId('oncall-save-pattern').click();
    await expect.poll(() => admin.getByTestId('oncall-editor-status').textContent()).toBe('Tableau enregistré.');
    expect(await admin.getByTestId('oncall-editor-holder').textContent()).toMatch(/^De garde : Dr Anne Martin, jusqu’au /);

    await admin.getByTestId('oncall-back').click();
    const cardio = admin.locator('[data-testid=oncall-row][data-name="Médecin de garde — Cardiologie"]');
    await expect.poll(() => cardio.getByTestId('oncall-holder').textContent()).toMatch(/^De garde : Dr Anne Martin, jusqu’au /);
    // The staff's directory says the same: Dr Martin, by her account id.
    const functions = await admin.evaluate(async () => (await fetch('/api/admin/functions')).json());
    const held = (functions as { functions: { name: string; holder: { displayName: string } | null }[] }).functions.find((f) => f.name === 'Médecin de garde — Cardiologie');
    expect(held?.holder?.displayName).toBe('Dr Anne Martin');
    await checkLayout(admin, 'list-after', ONCALL_SHOTS);
  });
});
