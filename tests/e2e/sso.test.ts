import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSignInConfig } from '../../src/server/auth/sso/sso-config.ts';
import { DEMO_PASSWORD } from '../../src/server/demo-seed.ts';
import { ROOT } from '../integration/helpers.ts';
import { ssoEnv, TEST_PEOPLE } from '../sso/accounts.ts';
import { freePort, startProvider, type ProviderProcess } from '../sso/provider-process.ts';
import { useE2eStack } from './fixture.ts';
import { measureLayout } from './layout-steps.ts';
import { conversationRow, messagesWithStatus, openConversation, sendFromComposer, shownBodies, startConversationWith } from './page-steps.ts';
import { swRequest } from './sw-steps.ts';

/** The Redis DB index this file owns. */
const DB = 31;
const SHOTS = '/tmp/shots-sso';

/*
 * Single sign-on through the browser: the app's "Se connecter avec Pro Santé Connect" button, the
 * provider's login page (tests/sso/provider.ts, a real oidc-provider in its own process), back into
 * the app signed in — the service worker holding the session and sending a message — then sign-out
 * at the provider too (RP-initiated logout). An admin links an account to an RPPS in the console;
 * its owner signs in with it, locks the tablet and unlocks it through the provider again.
 */
let provider: ProviderProcess | undefined;
let port = 0;
beforeAll(async () => {
  port = await freePort();
  provider = await startProvider(`http://127.0.0.1:${port}`);
});
afterAll(async () => {
  await provider?.stop();
});

/** Signs in as `login` on the provider's own login page, once the browser is there. */
async function signInAtProvider(page: Page, login: string): Promise<void> {
  await page.waitForURL((url) => url.origin === provider!.issuer, { timeout: 30_000 });
  await page.locator('input[name="login"]').fill(login);
  await page.locator('button[type="submit"]').click();
}

const AXE = resolve(ROOT, 'node_modules/axe-core/axe.min.js');

/** axe-core's violations on the screen as it stands (the rules tests/e2e/accessibility.test.ts runs; the context bypasses the CSP). */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: unknown): Promise<AxeResults> } }).axe;
    const results = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  });
}

/**
 * Screenshots of the screen at a phone's and a tablet's size (`show` scrolled into view), each
 * measured: no sideways overflow, every target ≥ 44 px, axe-clean.
 */
async function checkScreen(page: Page, name: string, show?: string): Promise<void> {
  for (const [width, height] of [[390, 844], [1180, 820]] as const) {
    await page.setViewportSize({ width, height });
    if (show) await page.getByTestId(show).evaluate((element) => element.scrollIntoView({ block: 'end' }));
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    const layout = await measureLayout(page);
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png` });
    expect(layout, `${name} at ${width}`).toMatchObject({ small: [], outside: [] });
    expect(layout.overflow, `${name} at ${width}`).toBeLessThanOrEqual(0);
    expect(await axeViolations(page), `${name} at ${width}`).toEqual([]);
  }
}

describe('single sign-on in Chromium', () => {
  const e2e = useE2eStack({
    db: DB,
    config: () => ({ port, signIn: loadSignInConfig(ssoEnv(provider!.issuer, `http://127.0.0.1:${port}`, 'create')) }),
  });

  it('signs in through the provider, sends a message through the service worker, and signs out at the provider too', async () => {
    mkdirSync(SHOTS, { recursive: true });
    const context = await e2e.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto('/');
    const button = page.getByTestId('login-sso');
    await button.waitFor({ timeout: 90_000 });
    expect(await button.textContent()).toBe('Se connecter avec Pro Santé Connect');
    const box = await button.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(44);
    await page.screenshot({ path: `${SHOTS}/login-390.png` });
    await page.setViewportSize({ width: 1180, height: 820 });
    await page.screenshot({ path: `${SHOTS}/login-1180.png` });

    await button.click();
    // The provider's own login page.
    await page.waitForURL((url) => url.origin === provider!.issuer);
    await page.locator('input[name="login"]').fill('dr.e2e');
    await page.locator('button[type="submit"]').click();
    await page.getByTestId('conversation-list').waitFor({ timeout: 60_000 });
    expect(new URL(page.url()).search).toBe('');
    const me = await page.evaluate(() => fetch('/api/me').then((reply) => reply.json() as Promise<{ user: { displayName: string; role: string } }>));
    expect(me.user).toMatchObject({ displayName: 'Élise Garnier', role: 'doctor' });

    // The service worker signed this user in: a message goes through its outbox to the gateway.
    await startConversationWith(page, 'martin');
    await sendFromComposer(page, 'Bonjour, patiente de la chambre 12 vue ce matin.');
    await expect.poll(() => page.locator('[data-testid="message"][data-status="sent"]').count(), { timeout: 30_000 }).toBe(1);

    // No password of her own in Relais: the settings say where it is kept, and offer no form for it.
    await page.setViewportSize({ width: 1180, height: 820 });
    await page.getByTestId('open-settings').first().click();
    await expect.poll(() => page.getByTestId('sso-only').textContent(), { timeout: 20_000 }).toBe(
      'Vous vous connectez avec Pro Santé Connect : votre mot de passe et la vérification en deux étapes se gèrent chez lui, pas dans Relais.',
    );
    expect(await page.getByTestId('password-current').count()).toBe(0);
    await page.getByTestId('settings-panel').getByRole('button', { name: 'Fermer' }).click();
    await page.getByTestId('settings-panel').waitFor({ state: 'hidden' });

    await page.getByTestId('logout').first().click();
    // RP-initiated logout: the provider's end-session page, with the ID token hint Relais kept.
    await page.waitForURL((url) => url.origin === provider!.issuer, { timeout: 30_000 });
    expect(await page.content()).toContain('logout');
    expect((await context.request.get(`${e2e.stack.baseURL}/api/me`)).status()).toBe(401);
  });

  it('shows why a sign-in was refused, in French, on the sign-in screen', async () => {
    const context = await e2e.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto('/');
    await page.getByTestId('login-sso').click();
    await page.waitForURL((url) => url.origin === provider!.issuer);
    // A pharmacist: Relais's role map names doctors and nurses only.
    await page.locator('input[name="login"]').fill('ph.paul');
    await page.locator('button[type="submit"]').click();
    const error = page.getByTestId('login-sso-error');
    await error.waitFor({ timeout: 60_000 });
    expect(await error.textContent()).toContain('Votre profession n’ouvre pas de compte Relais');
    expect(new URL(page.url()).search).toBe('');
    await page.screenshot({ path: `${SHOTS}/refused-390.png` });
  });

  it('links an account to an RPPS in the admin console, and refuses the same RPPS to another account', async () => {
    mkdirSync(SHOTS, { recursive: true });
    const admin = await (await e2e.newContext({ viewport: { width: 1180, height: 820 }, bypassCSP: true })).newPage();
    await admin.goto('/');
    await admin.getByTestId('login-username').waitFor({ timeout: 90_000 });
    await admin.getByTestId('login-username').fill('admin');
    await admin.getByTestId('login-password').fill(DEMO_PASSWORD);
    await admin.getByTestId('login-submit').click();
    await admin.getByTestId('admin-console').waitFor({ timeout: 30_000 });
    const openAccount = async (query: string) => {
      await admin.getByTestId('admin-user-search').fill(query);
      await expect.poll(() => admin.getByTestId('admin-user-row').count()).toBe(1);
      await admin.getByTestId('admin-user-open').click();
      await admin.getByTestId('admin-sso-section').waitFor();
    };
    const rpps = TEST_PEOPLE['dr.linked']!.rpps;

    await openAccount('benali');
    expect(await admin.getByTestId('admin-sso-current').textContent()).toContain('Aucun identifiant lié');
    expect(await admin.getByTestId('admin-sso-section').getByRole('textbox', { name: 'Identifiant RPPS / Pro Santé Connect' }).count()).toBe(1);
    await admin.getByTestId('admin-sso-identifier').fill(` ${rpps} `);
    await admin.getByTestId('admin-sso-link').click();
    await expect.poll(() => admin.getByTestId('admin-sso-status').textContent()).toContain('Compte lié');
    expect(await admin.getByTestId('admin-sso-current').textContent()).toContain(rpps);
    await admin.getByTestId('admin-sso-unlink').waitFor();
    await checkScreen(admin, 'admin-sso-linked', 'admin-sso-section');
    await admin.getByTestId('admin-account-close').click();

    // Dr Martin cannot take the same RPPS: the console says why, in French.
    await openAccount('martin');
    await admin.getByTestId('admin-sso-identifier').fill(rpps);
    await admin.getByTestId('admin-sso-link').click();
    await expect.poll(() => admin.getByTestId('admin-sso-status').textContent()).toContain('déjà lié à un autre compte');
    expect(await admin.getByTestId('admin-sso-current').textContent()).toContain('Aucun identifiant lié');
  });

  // Dr Benali's account was linked to the RPPS of the provider's `dr.linked` by the test above.
  it('locks the tablet of a doctor signed in through the provider, and unlocks it through the provider as her again, her conversation still there', async () => {
    const context = await e2e.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true });
    const page = await context.newPage();
    await page.goto('/');
    await page.getByTestId('login-sso').waitFor({ timeout: 90_000 });
    await page.getByTestId('login-sso').click();
    await signInAtProvider(page, 'dr.linked');
    await page.getByTestId('conversation-list').waitFor({ timeout: 60_000 });
    const benali = (await swRequest<{ user: { id: string; username: string } }>(page, 'session.get')).user;
    expect(benali.username).toBe('dr.benali');

    // Her conversation with Dr Martin (the demo's), and what she writes in it now.
    const withMartin = page.getByTestId('conversation-row').filter({ hasText: 'Anne Martin' });
    const conversationId = (await withMartin.getAttribute('data-conversation-id')) as string;
    await openConversation(page, conversationId);
    await sendFromComposer(page, 'ECG de la chambre 4 fait : normal.');
    await expect.poll(() => messagesWithStatus(page, 'sent').count(), { timeout: 30_000 }).toBeGreaterThan(0);

    // The tablet locks (as after 10 minutes without activity): nothing of hers shows behind the lock.
    await swRequest(page, 'auth.lock');
    await page.getByTestId('lock-screen').waitFor();
    expect(await page.getByTestId('message-body').count()).toBe(0);
    // Signed in here through the provider: no password to type on this tablet, the provider only, and why.
    expect(await page.getByTestId('lock-password').count()).toBe(0);
    expect(await page.getByTestId('lock-screen').textContent()).toContain('Dr Karim Benali, reconnectez-vous auprès de votre fournisseur d’identité pour reprendre (réseau nécessaire).');
    const unlockButton = page.getByTestId('lock-sso');
    expect(await unlockButton.textContent()).toBe('Déverrouiller avec Pro Santé Connect');
    await checkScreen(page, 'lock-sso');
    // At a phone's width the label takes two even lines, the provider's name whole on the second
    // (not "… Santé / Connect"), and nothing of it is cut.
    await page.setViewportSize({ width: 390, height: 844 });
    const lines = await unlockButton.evaluate((button) => {
      const text = button.firstChild as Text;
      const byLine = new Map<number, string[]>();
      for (const match of (text.data.matchAll(/\S+/g))) {
        const range = document.createRange();
        range.setStart(text, match.index);
        range.setEnd(text, match.index + match[0].length);
        const top = Math.round(range.getBoundingClientRect().top);
        byLine.set(top, [...(byLine.get(top) ?? []), match[0]]);
      }
      return { lines: [...byLine.values()].map((words) => words.join(' ')), clipped: button.scrollWidth > button.clientWidth };
    });
    expect(lines).toEqual({ lines: ['Déverrouiller avec', 'Pro Santé Connect'], clipped: false });

    // The provider asks who holds the tablet (prompt=login), even though its own session is fresh.
    await unlockButton.click();
    await signInAtProvider(page, 'dr.linked');
    await page.getByTestId('conversation-list').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('lock-screen').count()).toBe(0);
    const unlocked = await swRequest<{ user: { id: string }; locked?: boolean }>(page, 'session.get');
    expect([unlocked.user.id, unlocked.locked]).toEqual([benali.id, undefined]);
    await openConversation(page, conversationId);
    await expect.poll(() => shownBodies(page)).toContain('ECG de la chambre 4 fait : normal.');
  });

  it('does not unlock a doctor’s tablet as her for someone else at the provider: refused, it stays locked; another doctor signs in as herself', async () => {
    const context = await e2e.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto('/');
    await page.getByTestId('login-sso').waitFor({ timeout: 90_000 });
    await page.getByTestId('login-sso').click();
    await signInAtProvider(page, 'dr.linked');
    await page.getByTestId('conversation-list').waitFor({ timeout: 60_000 });
    const benali = (await swRequest<{ user: { id: string } }>(page, 'session.get')).user;
    const withMartin = page.getByTestId('conversation-row').filter({ hasText: 'Anne Martin' });
    const conversationId = (await withMartin.getAttribute('data-conversation-id')) as string;

    await swRequest(page, 'auth.lock');
    await page.getByTestId('lock-screen').waitFor();
    // A pharmacist (whom the role map does not name) is refused: the tablet stays locked, and says why.
    await page.getByTestId('lock-sso').click();
    await signInAtProvider(page, 'ph.paul');
    await page.getByTestId('lock-screen').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId('lock-screen').getByRole('alert').textContent()).toContain('Votre profession n’ouvre pas de compte Relais');
    expect(await swRequest<{ user: { id: string }; locked?: boolean }>(page, 'session.get')).toMatchObject({ user: { id: benali.id }, locked: true });
    // Another doctor picks up the tablet and signs in at the provider as herself.
    await page.getByTestId('lock-sso').click();
    await signInAtProvider(page, 'dr.ana');
    await page.getByTestId('conversation-list').waitFor({ timeout: 60_000 });
    // She is signed in as herself (as after "Changer d'utilisateur"): Dr Benali's store is closed,
    // her conversation is not listed, and the gateway's session is the newcomer's.
    const now = await swRequest<{ user: { id: string; displayName: string } }>(page, 'session.get');
    expect(now.user.id).not.toBe(benali.id);
    expect(now.user.displayName).toBe('Ana Lopes');
    expect(await conversationRow(page, conversationId).count()).toBe(0);
    const listed = await swRequest<{ conversations: { id: string }[] }>(page, 'conversations.list');
    expect(listed.conversations.map((conversation) => conversation.id)).not.toContain(conversationId);
    const me = (await (await context.request.get(`${e2e.stack.baseURL}/api/me`)).json()) as { user: { id: string } };
    expect(me.user.id).toBe(now.user.id);
  });
});
