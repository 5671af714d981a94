import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_KEYS, fieldOf } from '../../../src/server/audit/audit-log.ts';
import { loadSignInConfig } from '../../../src/server/auth/sso/sso-config.ts';
import { SESSION_COOKIE } from '../../../src/server/auth/sessions.ts';
import { KEYS } from '../../../src/server/store/keys.ts';
import { linkAccount } from '../../../src/server/store/sso-links.ts';
import { ssoEnv, TEST_PEOPLE } from '../../sso/accounts.ts';
import { freePort, startProvider, type ProviderProcess } from '../../sso/provider-process.ts';
import { CookieJar, signInAtProvider, visitCallback } from '../../sso/sso-steps.ts';
import { addUser, ApiClient, connectTestRedis, flushTestDb, runAccountTool, signedInClient, startGateway, type StartedGateway } from '../helpers.ts';

/*
 * Single sign-on against a real OpenID Connect provider (tests/sso/provider.ts, the oidc-provider
 * package in its own process), configured like Pro Santé Connect. Four gateways on DB 31, one
 * after the other: `create` provisioning, `link-only` with password sign-in off, and `link-only`
 * with the links an admin makes (console route and command line).
 */
const DB = 31;
const redis = connectTestRedis(DB);

/** A gateway on a port chosen first (the provider must know its callback URL) and its provider. */
async function startSso(provisioning: 'create' | 'link-only', extra: NodeJS.ProcessEnv = {}): Promise<{ gateway: StartedGateway; provider: ProviderProcess; url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const provider = await startProvider(url);
  const gateway = await startGateway({ db: DB, port, signIn: loadSignInConfig({ ...ssoEnv(provider.issuer, url, provisioning), ...extra }) });
  return { gateway, provider, url };
}

/** A full sign-in as `login`: the gateway's answer to the callback, and the browser's cookies. */
async function signIn(url: string, login: string, options: { acr?: string; jar?: CookieJar } = {}): Promise<{ location: string; jar: CookieJar }> {
  const jar = options.jar ?? new CookieJar();
  const { callback } = await signInAtProvider(url, jar, login, options);
  return { location: await visitCallback(jar, callback), jar };
}

type AuditBody = { action: string; actor: string | null; target?: string; detail?: string };

/** The audit trail's entries (chained, or still in its inbox for a few milliseconds), as stored. */
async function auditBodies(): Promise<{ text: string; body: AuditBody }[]> {
  const entries = [...(await redis.xrange(AUDIT_KEYS.log, '-', '+')), ...(await redis.xrange(AUDIT_KEYS.inbox, '-', '+'))];
  return entries.map(([, fields]) => {
    const text = fieldOf(fields, 'body') ?? '{}';
    return { text, body: JSON.parse(text) as AuditBody };
  });
}

/** The actions in the audit trail. */
async function auditActions(): Promise<string[]> {
  return (await auditBodies()).map((entry) => entry.body.action);
}

afterAll(() => redis.disconnect());

describe('single sign-on, accounts created at first sign-in (create)', () => {
  let sso: Awaited<ReturnType<typeof startSso>>;
  beforeAll(async () => {
    await flushTestDb(DB);
    sso = await startSso('create');
  });
  afterAll(async () => {
    await sso.gateway.close();
    await sso.provider.stop();
  });

  it('says what is enabled on GET /api/auth/methods', async () => {
    const reply = await fetch(`${sso.url}/api/auth/methods`);
    expect(await reply.json()).toEqual({ password: true, sso: { name: 'Pro Santé Connect' } });
  });

  it('creates the account at the first sign-in, from the RPPS and the profession, and opens a session', async () => {
    const { location, jar } = await signIn(sso.url, 'dr.ana');
    expect(location).toBe('/?sso=1');
    expect(jar.cookies.get(SESSION_COOKIE)).toBeTruthy();
    const me = await jar.get(`${sso.url}/api/me`);
    const body = (await me.json()) as { user: { username: string; displayName: string; role: string }; password: boolean };
    expect(body.user).toMatchObject({ username: TEST_PEOPLE['dr.ana']!.rpps, displayName: 'Ana Lopes', role: 'doctor' });
    // No password of its own: the provider keeps it (the settings offer no form for one).
    expect(body.password).toBe(false);
    expect(await redis.hget(KEYS.ssoLinks, TEST_PEOPLE['dr.ana']!.rpps)).toBe((body.user as unknown as { id: string }).id);
    // The device adopts it once (its service worker), then never again with the same session.
    const adopt = () => jar.get(`${sso.url}/api/auth/oidc/session`, { method: 'POST', headers: { origin: sso.url } });
    expect((await adopt()).status).toBe(200);
    expect((await adopt()).status).toBe(401);
  });

  it('reuses the account at the second sign-in', async () => {
    const before = await redis.hlen(KEYS.directory);
    const { location, jar } = await signIn(sso.url, 'dr.ana');
    expect(location).toBe('/?sso=1');
    expect(await redis.hlen(KEYS.directory)).toBe(before);
    const me = (await (await jar.get(`${sso.url}/api/me`)).json()) as { user: { id: string } };
    expect(me.user.id).toBe(await redis.hget(KEYS.ssoLinks, TEST_PEOPLE['dr.ana']!.rpps));
  });

  it('maps a nurse and refuses a profession the role map does not name', async () => {
    expect((await signIn(sso.url, 'inf.ines')).location).toBe('/?sso=1');
    const refused = await signIn(sso.url, 'ph.paul');
    expect(refused.location).toBe('/?sso_error=sso_role_unmapped');
    expect(refused.jar.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(await redis.hget(KEYS.ssoLinks, TEST_PEOPLE['ph.paul']!.rpps)).toBeNull();
  });

  it('refuses a sign-in below the required level (acr)', async () => {
    const { location, jar } = await signIn(sso.url, 'dr.ana', { acr: 'eidas0' });
    expect(location).toBe('/?sso_error=sso_acr_insufficient');
    expect(jar.cookies.has(SESSION_COOKIE)).toBe(false);
  });

  it('refuses a replayed callback, an unknown state, a tampered state and a callback from another browser', async () => {
    const jar = new CookieJar();
    const { callback } = await signInAtProvider(sso.url, jar, 'dr.ana');
    const binding = new Map(jar.cookies);
    expect(await visitCallback(jar, callback)).toBe('/?sso=1');
    // The same URL again (same state, same code), with the same browser's binding cookie.
    for (const [name, value] of binding) jar.cookies.set(name, value);
    expect(await visitCallback(jar, callback)).toBe('/?sso_error=sso_state_invalid');

    const other = new CookieJar();
    const second = await signInAtProvider(sso.url, other, 'dr.ana');
    const tampered = new URL(second.callback);
    tampered.searchParams.set('state', `${tampered.searchParams.get('state')}x`);
    // Another browser (no binding cookie) visiting a genuine callback URL: login CSRF, refused.
    expect(await visitCallback(new CookieJar(), second.callback)).toBe('/?sso_error=sso_state_invalid');
    expect(await visitCallback(other, tampered.href)).toBe('/?sso_error=sso_state_invalid');
    expect(await visitCallback(other, `${sso.url}/api/auth/oidc/callback?code=x&state=unknown`)).toBe('/?sso_error=sso_state_invalid');
    expect(await visitCallback(other, `${sso.url}/api/auth/oidc/callback`)).toBe('/?sso_error=sso_state_invalid');
    expect(await auditActions()).toContain('auth.sso_failed');
  });

  it('refuses a callback whose code was changed (the provider refuses the exchange)', async () => {
    const jar = new CookieJar();
    const { callback } = await signInAtProvider(sso.url, jar, 'dr.ana');
    const changed = new URL(callback);
    changed.searchParams.set('code', 'forged-code');
    expect(await visitCallback(jar, changed.href)).toBe('/?sso_error=sso_failed');
    expect(jar.cookies.has(SESSION_COOKIE)).toBe(false);
  });

  it('signs out: the session ends, and the provider’s end-session URL carries the ID token hint', async () => {
    const { jar } = await signIn(sso.url, 'dr.ana');
    const endSession = (await (await jar.get(`${sso.url}/api/auth/oidc/end-session`)).json()) as { url: string };
    const url = new URL(endSession.url);
    expect(url.origin).toBe(sso.provider.issuer);
    expect(url.searchParams.get('id_token_hint')).toMatch(/^ey/);
    expect(url.searchParams.get('post_logout_redirect_uri')).toBe(`${sso.url}/`);
    // The provider accepts it: its logout confirmation page, not an error.
    const atProvider = await fetch(url, { redirect: 'manual' });
    expect(atProvider.status).toBe(200);
    expect(await atProvider.text()).toContain('logout');
    const logout = await jar.get(`${sso.url}/api/auth/logout`, { method: 'POST', headers: { origin: sso.url } });
    expect(logout.status).toBe(204);
    expect((await jar.get(`${sso.url}/api/me`)).status).toBe(401);
    expect(await auditActions()).toEqual(expect.arrayContaining(['auth.sso_login', 'auth.logout']));
  });

  it('answers a null end-session URL to a password session', async () => {
    const user = await addUser(redis, { username: 'pw.only' });
    const jar = new CookieJar();
    const login = await jar.get(`${sso.url}/api/auth/login`, {
      method: 'POST',
      headers: { origin: sso.url, 'content-type': 'application/json' },
      body: JSON.stringify({ username: user.username, password: user.password }),
    });
    expect(login.status).toBe(200);
    expect(await (await jar.get(`${sso.url}/api/auth/oidc/end-session`)).json()).toEqual({ url: null });
  });
});

describe('single sign-on, linked accounts only (link-only), password sign-in off', () => {
  let sso: Awaited<ReturnType<typeof startSso>>;
  beforeAll(async () => {
    await flushTestDb(DB);
    sso = await startSso('link-only', { RELAIS_PASSWORD_LOGIN: 'off' });
  });
  afterAll(async () => {
    await sso.gateway.close();
    await sso.provider.stop();
  });

  it('signs in the account an admin linked to the RPPS', async () => {
    const user = await addUser(redis, { username: 'lea.morel', displayName: 'Dr Léa Morel' });
    expect(await linkAccount(redis, user.id, TEST_PEOPLE['dr.linked']!.rpps)).toBe(true);
    const { location, jar } = await signIn(sso.url, 'dr.linked');
    expect(location).toBe('/?sso=1');
    const me = (await (await jar.get(`${sso.url}/api/me`)).json()) as { user: { id: string; username: string } };
    expect(me.user).toMatchObject({ id: user.id, username: 'lea.morel' });
  });

  it('refuses a person no account is linked to, and creates nothing', async () => {
    const before = await redis.hlen(KEYS.directory);
    const { location, jar } = await signIn(sso.url, 'dr.stranger');
    expect(location).toBe('/?sso_error=sso_unknown_account');
    expect(jar.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(await redis.hlen(KEYS.directory)).toBe(before);
  });

  it('refuses a disabled linked account', async () => {
    const user = await addUser(redis, { username: 'ines.roux' });
    await linkAccount(redis, user.id, TEST_PEOPLE['inf.ines']!.rpps);
    await redis.hset(KEYS.user(user.id), 'disabled', '1');
    expect((await signIn(sso.url, 'inf.ines')).location).toBe('/?sso_error=account_disabled');
  });

  it('answers password_login_disabled to password sign-in and activation, and says so on /api/auth/methods', async () => {
    const user = await addUser(redis, { username: 'pw.user' });
    const post = (path: string, body: unknown) =>
      fetch(`${sso.url}${path}`, { method: 'POST', headers: { origin: sso.url, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const login = await post('/api/auth/login', { username: user.username, password: user.password });
    expect(login.status).toBe(403);
    expect(((await login.json()) as { error: { code: string } }).error.code).toBe('password_login_disabled');
    const activate = await post('/api/auth/activate', { username: user.username, code: 'ABCDE', password: 'another-long-password' });
    expect(((await activate.json()) as { error: { code: string } }).error.code).toBe('password_login_disabled');
    expect(await (await fetch(`${sso.url}/api/auth/methods`)).json()).toEqual({ password: false, sso: { name: 'Pro Santé Connect' } });
  });
});

describe('single sign-on, links an admin makes (link-only)', () => {
  let sso: Awaited<ReturnType<typeof startSso>>;
  let admin: { api: ApiClient; user: { id: string } };
  const linkOf = (userId: string) => `/api/admin/users/${userId}/sso-link`;
  const codeOf = (reply: { body: unknown }) => (reply.body as { error?: { code: string } }).error?.code;
  beforeAll(async () => {
    await flushTestDb(DB);
    sso = await startSso('link-only');
    admin = await signedInClient(redis, sso.url, 'admin');
  });
  afterAll(async () => {
    await sso.gateway.close();
    await sso.provider.stop();
  });

  it('links an account in the admin console, which then signs in through the provider, and refuses the RPPS to a second account', async () => {
    const rpps = TEST_PEOPLE['dr.linked']!.rpps;
    const lea = await addUser(redis, { username: 'lea.morel', displayName: 'Dr Léa Morel' });
    expect((await signIn(sso.url, 'dr.linked')).location).toBe('/?sso_error=sso_unknown_account');
    expect((await admin.api.get(linkOf(lea.id))).body).toEqual({ identifier: null });

    const linked = await admin.api.request('PUT', linkOf(lea.id), { body: { identifier: rpps } });
    expect([linked.status, linked.body]).toEqual([200, { identifier: rpps }]);
    expect((await admin.api.get(linkOf(lea.id))).body).toEqual({ identifier: rpps });
    const { location, jar } = await signIn(sso.url, 'dr.linked');
    expect(location).toBe('/?sso=1');
    expect(((await (await jar.get(`${sso.url}/api/me`)).json()) as { user: { id: string } }).user.id).toBe(lea.id);

    // The same RPPS for another account: refused, and the first link stays.
    const other = await addUser(redis, { username: 'autre.medecin' });
    const taken = await admin.api.request('PUT', linkOf(other.id), { body: { identifier: rpps } });
    expect([taken.status, codeOf(taken)]).toEqual([409, 'sso_identifier_taken']);
    expect(await redis.hget(KEYS.ssoLinks, rpps)).toBe(lea.id);
    expect(await redis.hget(KEYS.user(other.id), 'ssoId')).toBeNull();
    // A malformed identifier and a patient's account are refused with a stable code.
    const patient = await addUser(redis, { role: 'patient' });
    for (const [userId, identifier] of [[other.id, 'avec espace'], [other.id, ''], [patient.id, '810001000099']] as const) {
      const refused = await admin.api.request('PUT', linkOf(userId), { body: { identifier } });
      expect([refused.status, codeOf(refused)]).toEqual([400, 'bad_request']);
    }

    // Audited: the admin as actor, the account as target, never the identifier itself.
    const entries = (await auditBodies()).filter((entry) => entry.body.action === 'account.sso_linked');
    expect(entries.map((entry) => entry.body)).toEqual([expect.objectContaining({ actor: admin.user.id, target: lea.id })]);
    expect(entries[0]!.text).not.toContain(rpps);
  });

  it('unlinks: the session the provider opened ends, a password session stays, and the next sign-in with that RPPS is refused', async () => {
    const rpps = TEST_PEOPLE['inf.ines']!.rpps;
    const ines = await addUser(redis, { username: 'ines.roux', role: 'nurse' });
    expect((await admin.api.request('PUT', linkOf(ines.id), { body: { identifier: rpps } })).status).toBe(200);
    const viaProvider = await signIn(sso.url, 'inf.ines');
    expect(viaProvider.location).toBe('/?sso=1');
    const withPassword = new ApiClient(sso.url);
    await withPassword.login(ines.username);

    const unlinked = await admin.api.request('DELETE', linkOf(ines.id));
    expect([unlinked.status, unlinked.body]).toEqual([200, { identifier: null }]);
    expect((await viaProvider.jar.get(`${sso.url}/api/me`)).status).toBe(401);
    expect((await withPassword.get('/api/me')).status).toBe(200);
    const again = await signIn(sso.url, 'inf.ines');
    expect(again.location).toBe('/?sso_error=sso_unknown_account');
    expect(again.jar.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(await redis.hget(KEYS.ssoLinks, rpps)).toBeNull();
    expect(await redis.hget(KEYS.user(ines.id), 'ssoId')).toBeNull();
    const entries = (await auditBodies()).filter((entry) => entry.body.action === 'account.sso_unlinked');
    expect(entries.map((entry) => entry.body)).toEqual([expect.objectContaining({ actor: admin.user.id, target: ines.id })]);
    // The RPPS is free: another account may be linked to it now.
    const other = await addUser(redis, { role: 'nurse' });
    expect((await admin.api.request('PUT', linkOf(other.id), { body: { identifier: rpps } })).status).toBe(200);
  });

  it('links and unlinks from the command line, with stable exit codes and French messages', async () => {
    const rpps = TEST_PEOPLE['dr.stranger']!.rpps;
    const tom = await addUser(redis, { username: 'tom.vidal' });
    const tool = (...args: string[]) => runAccountTool('user-link-sso.ts', args, '', DB);

    const linked = await tool('tom.vidal', rpps);
    expect(linked.code).toBe(0);
    expect(linked.output).toContain('Compte lié');
    const { location, jar } = await signIn(sso.url, 'dr.stranger');
    expect(location).toBe('/?sso=1');
    expect(((await (await jar.get(`${sso.url}/api/me`)).json()) as { user: { id: string } }).user.id).toBe(tom.id);

    await addUser(redis, { username: 'autre.compte' });
    const taken = await tool('autre.compte', rpps);
    expect(taken.code).toBe(5);
    expect(taken.output).toContain('déjà lié à un autre compte');
    expect((await tool('personne', rpps)).code).toBe(4);
    expect((await tool('tom.vidal')).code).toBe(2);
    expect((await tool('tom.vidal', 'deux mots')).code).toBe(2);
    expect((await tool('--unlink', 'tom.vidal', rpps)).code).toBe(2);

    const unlinked = await tool('--unlink', 'tom.vidal');
    expect(unlinked.code).toBe(0);
    expect(unlinked.output).toContain('Lien supprimé');
    expect((await jar.get(`${sso.url}/api/me`)).status).toBe(401);
    expect((await signIn(sso.url, 'dr.stranger')).location).toBe('/?sso_error=sso_unknown_account');
    const entries = (await auditBodies()).filter((entry) => entry.body.target === tom.id).map((entry) => entry.body);
    expect(entries).toEqual([
      expect.objectContaining({ action: 'account.sso_linked', actor: null, detail: 'cli' }),
      expect.objectContaining({ action: 'account.sso_unlinked', actor: null, detail: 'cli' }),
    ]);
  });

  it('frees the RPPS of a deleted account for another one', async () => {
    const rpps = TEST_PEOPLE['dr.ana']!.rpps;
    const [leaving, next] = [await addUser(redis), await addUser(redis)];
    expect((await admin.api.request('PUT', linkOf(leaving.id), { body: { identifier: rpps } })).status).toBe(200);
    expect((await admin.api.request('DELETE', `/api/admin/users/${leaving.id}`)).status).toBe(204);
    expect(await redis.hget(KEYS.ssoLinks, rpps)).toBeNull();
    expect((await admin.api.request('PUT', linkOf(next.id), { body: { identifier: rpps } })).status).toBe(200);
    const { location, jar } = await signIn(sso.url, 'dr.ana');
    expect(location).toBe('/?sso=1');
    expect(((await (await jar.get(`${sso.url}/api/me`)).json()) as { user: { id: string } }).user.id).toBe(next.id);
  });
});

describe('sign-in configuration', () => {
  it('refuses password sign-in off without single sign-on, and a role map to patient', () => {
    expect(() => loadSignInConfig({ RELAIS_PASSWORD_LOGIN: 'off' })).toThrow(/RELAIS_OIDC_ISSUER/);
    expect(() => loadSignInConfig({ ...ssoEnv('https://psc.example', 'https://relais.example', 'create'), RELAIS_OIDC_ROLE_MAP: '10=patient' })).toThrow(/ROLE_MAP/);
  });
});
