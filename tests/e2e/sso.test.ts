import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSignInConfig } from '../../src/server/auth/sso/sso-config.ts';
import { ssoEnv } from '../sso/accounts.ts';
import { freePort, startProvider, type ProviderProcess } from '../sso/provider-process.ts';
import { useE2eStack } from './fixture.ts';
import { sendFromComposer, startConversationWith } from './page-steps.ts';

/** The Redis DB index this file owns. */
const DB = 31;
const SHOTS = '/tmp/shots-sso';

/*
 * Single sign-on through the browser: the app's "Se connecter avec Pro Santé Connect" button, the
 * provider's login page (tests/sso/provider.ts, a real oidc-provider in its own process), back into
 * the app signed in — the service worker holding the session and sending a message — then sign-out
 * at the provider too (RP-initiated logout).
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
});
