import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCoreConfig } from '../../../src/server/core/core-config.ts';
import { rawRequest, startGateway, upgradeStatus, type StartedGateway } from '../helpers.ts';
import { useGateway } from '../fixture.ts';

const started = useGateway();
/** The same store behind a gateway that also serves a clinic's names, and one behind a trusted local proxy. */
let named: StartedGateway;
let proxied: StartedGateway;

beforeAll(async () => {
  named = await startGateway({ allowedHosts: loadCoreConfig({ ALLOWED_HOSTS: 'relais.clinique.lan,*.relais.test', ALLOWED_ORIGINS: 'https://public.example' }).allowedHosts });
  proxied = await startGateway({ trustProxy: loadCoreConfig({ TRUST_PROXY: 'loopback' }).trustProxy });
});

afterAll(async () => {
  await named?.close();
  await proxied?.close();
});

const codeOf = (body: unknown): unknown => (body as { error?: { code?: unknown } } | null)?.error?.code;

describe('the Host allowlist (DNS rebinding)', () => {
  it('refuses a page of another site rebound to the gateway: 421 host_forbidden on every path and on the WebSocket', async () => {
    const { api } = await started.signIn();
    const port = new URL(started.url).port;
    // What a rebinding page sends: its own name as Host and as Origin, the victim's cookie (none needed here).
    const attacker = { host: `evil.example:${port}`, origin: `http://evil.example:${port}`, cookie: api.cookie };
    for (const [method, path] of [['GET', '/api/me'], ['GET', '/healthz'], ['GET', '/'], ['POST', '/api/auth/logout']] as const) {
      const reply = await rawRequest(started.url, path, { method, headers: attacker });
      expect(reply.status, path).toBe(421);
      expect(codeOf(reply.body), path).toBe('host_forbidden');
    }
    const login = await rawRequest(started.url, '/api/auth/login', { method: 'POST', headers: attacker, body: { username: 'x', password: 'y' } });
    expect(login.status).toBe(421);
    expect(await upgradeStatus(started.url, attacker)).toBe(421);
    // The same requests under the gateway's own name pass.
    expect((await rawRequest(started.url, '/api/me', { headers: { cookie: api.cookie } })).status).toBe(200);
    expect(await upgradeStatus(started.url, { origin: started.url, cookie: api.cookie })).toBe(101);
  });

  it('serves localhost, *.localhost names, ALLOWED_HOSTS (with wildcards) and the hosts of ALLOWED_ORIGINS', async () => {
    for (const host of ['localhost', 'tab-1.localhost', '[::1]', 'relais.clinique.lan', 'a.relais.test', 'public.example']) {
      expect((await rawRequest(named.url, '/healthz', { headers: { host } })).status, host).toBe(200);
    }
    for (const host of ['relais.test', 'relais.clinique.lan.evil.example', 'tab-1.localhost.evil.example']) {
      expect((await rawRequest(named.url, '/healthz', { headers: { host } })).status, host).toBe(421);
    }
    expect((await rawRequest(started.url, '/healthz', { headers: { host: 'relais.clinique.lan' } })).status).toBe(421);
  });
});

describe('TRUST_PROXY', () => {
  const forwarded = { host: '127.0.0.1', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };

  it('believes X-Forwarded-Host from a listed proxy address, and ignores it from any other peer', async () => {
    expect((await rawRequest(proxied.url, '/healthz', { headers: forwarded })).status).toBe(421);
    expect((await rawRequest(proxied.url, '/healthz', { headers: { ...forwarded, 'x-forwarded-host': 'relais.localhost' } })).status).toBe(200);
    expect((await rawRequest(started.url, '/healthz', { headers: forwarded })).status).toBe(200);
    const elsewhere = await startGateway({ trustProxy: loadCoreConfig({ TRUST_PROXY: '10.0.0.0/8' }).trustProxy });
    try {
      expect((await rawRequest(elsewhere.url, '/healthz', { headers: forwarded })).status).toBe(200);
    } finally {
      await elsewhere.close();
    }
  });

  it('checks the Origin of a state-changing request against the forwarded scheme and host of a trusted proxy', async () => {
    const { api } = await started.signIn();
    const behindProxy = { host: '127.0.0.1', 'x-forwarded-host': 'relais.localhost', 'x-forwarded-proto': 'https', cookie: api.cookie };
    const fromProxy = await rawRequest(proxied.url, '/api/auth/logout', { method: 'POST', headers: { ...behindProxy, origin: 'https://relais.localhost' } });
    expect(fromProxy.status).toBe(204);
    const direct = await rawRequest(started.url, '/api/auth/logout', { method: 'POST', headers: { ...behindProxy, origin: 'https://relais.localhost' } });
    expect(codeOf(direct.body)).toBe('origin_forbidden');
  });
});

describe('HSTS', () => {
  it('is sent only over https: a TLS-terminating proxy that is trusted, never over plain http', async () => {
    const overHttps = await rawRequest(proxied.url, '/healthz', { headers: { 'x-forwarded-proto': 'https' } });
    expect(overHttps.headers['strict-transport-security']).toBe('max-age=31536000');
    expect((await rawRequest(proxied.url, '/', { headers: { 'x-forwarded-proto': 'https' } })).headers['strict-transport-security']).toBe('max-age=31536000');
    expect((await rawRequest(proxied.url, '/healthz')).headers['strict-transport-security']).toBeUndefined();
    // Anybody may claim https to a gateway that trusts no proxy: it is plain http.
    expect((await rawRequest(started.url, '/healthz', { headers: { 'x-forwarded-proto': 'https' } })).headers['strict-transport-security']).toBeUndefined();
  });
});
