import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/server/demo-seed.ts';
import { loadCoreConfig } from '../../src/server/core/core-config.ts';
import { useE2eStack } from './fixture.ts';
import { openSignedInPage } from './page-steps.ts';

const DB = 16;

/**
 * The session cookie is `__Host-` and Secure. Chromium treats loopback as a secure context and keeps
 * it from plain http there (how `npm start` is used); any other name over plain http gets no cookie,
 * as it gets no service worker: Relais needs HTTPS there (docs/DEPLOYMENT.md).
 */
describe('the session cookie in Chromium', () => {
  const e2e = useE2eStack({
    db: DB,
    config: { allowedHosts: loadCoreConfig({ ALLOWED_HOSTS: 'relais.test' }).allowedHosts },
    chromiumArgs: ['--host-resolver-rules=MAP relais.test 127.0.0.1'],
  });

  for (const host of ['127.0.0.1', 'localhost']) {
    it(`is kept on http://${host}, HttpOnly, Secure, SameSite=Strict, host-only, and the app works signed in`, async () => {
      const context = await e2e.newContext({ baseURL: `http://${host}:${e2e.stack.port}` });
      const page = await openSignedInPage(context, 'dr.martin');
      const cookies = await context.cookies();
      expect(cookies.map((c) => c.name)).toEqual(['__Host-relais_session']);
      expect(cookies[0]).toMatchObject({ domain: host, path: '/', secure: true, httpOnly: true, sameSite: 'Strict' });
      expect(await page.evaluate(async () => (await fetch('/api/me')).status)).toBe(200);
    });
  }

  it('is dropped over plain http on another name: signed in by the server, no session in the browser', async () => {
    const context = await e2e.newContext({ baseURL: `http://relais.test:${e2e.stack.port}` });
    const page = await context.newPage();
    await page.goto('/');
    expect(await page.evaluate(() => window.isSecureContext)).toBe(false);
    const statuses = await page.evaluate(async (password) => {
      const login = await fetch('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'dr.martin', password }),
      });
      return [login.status, (await fetch('/api/me')).status];
    }, DEMO_PASSWORD);
    expect(statuses).toEqual([200, 401]);
    expect(await context.cookies()).toEqual([]);
  });
});
