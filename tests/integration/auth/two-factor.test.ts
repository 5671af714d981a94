import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import type { User } from '../../../src/shared/model.ts';
import { AUDIT_KEYS, fieldOf } from '../../../src/server/audit/audit-log.ts';
import { KEYS } from '../../../src/server/store/keys.ts';
import { addUser, ApiClient, startGateway, TEST_PASSWORD } from '../helpers.ts';
import { useGateway } from '../fixture.ts';

/**
 * Two-factor sign-in over HTTP: enrolment (setup, enable with a code, recovery codes shown once),
 * sign-in with a code (required, refused when wrong or replayed, counted by the login slowdown),
 * recovery codes (single use), the screen unlock of a signed-in device without a code, turning it
 * off, admins held back until enrolled (but on a demo store), an admin's reset clearing it.
 */

const DB = 27;
const started = useGateway({ db: DB, adminTwoFactor: 'required' });

type Reply = { status: number; body: unknown; headers: Headers };
const codeOf = (reply: { body: unknown }): string | undefined => (reply.body as { error?: { code: string } } | null)?.error?.code;
const nowSeconds = (): number => Math.floor(Date.now() / 1000);
/** The TOTP code of `secret` at `offsetSteps` 30 s steps from now. */
const totp = (secret: string, offsetSteps = 0): Promise<string> => generate({ secret, epoch: nowSeconds() + offsetSteps * 30 });

async function auditEntries(): Promise<{ action: string; actor: string | null; target?: string }[]> {
  return (await started.redis.xrange(AUDIT_KEYS.log, '-', '+')).map(([, fields]) => JSON.parse(fieldOf(fields, 'body') ?? '{}'));
}

/** A new signed-in account that enrolled: its client, secret and recovery codes. */
async function enrolled(
  role: 'doctor' | 'admin' = 'doctor',
): Promise<{ api: ApiClient; user: User & { password: string }; secret: string; recoveryCodes: string[]; enrolmentCode: string }> {
  const user = await addUser(started.redis, { role });
  const api = new ApiClient(started.url);
  await api.login(user.username);
  const setup = await api.request('POST', '/api/me/2fa/setup');
  expect(setup.status).toBe(200);
  const { secret } = setup.body as { secret: string };
  const enrolmentCode = await totp(secret);
  const enabled = await api.request('POST', '/api/me/2fa/enable', { body: { code: enrolmentCode } });
  expect(enabled.status).toBe(200);
  return { api, user, secret, recoveryCodes: (enabled.body as { recoveryCodes: string[] }).recoveryCodes, enrolmentCode };
}

function login(username: string, password: string, otp?: string): Promise<Reply> {
  return new ApiClient(started.url).request('POST', '/api/auth/login', { body: { username, password, ...(otp === undefined ? {} : { otp }) } });
}

describe('two-factor enrolment', () => {
  it('offers a secret with its QR code, turns on with a code from the app, and answers 10 recovery codes once', async () => {
    const doctor = await started.signIn('doctor');
    expect(((await doctor.api.get('/api/me')).body as { twoFactor: unknown }).twoFactor).toEqual({ enabled: false, required: false });

    const setup = await doctor.api.request('POST', '/api/me/2fa/setup');
    const { secret, otpauthUrl, qrSvg } = setup.body as { secret: string; otpauthUrl: string; qrSvg: string };
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUrl).toBe(`otpauth://totp/Relais:${doctor.user.username}?secret=${secret}&issuer=Relais`);
    expect(qrSvg).toMatch(/^<svg[^>]*>.*<\/svg>\s*$/s);
    expect(setup.headers.get('cache-control')).toBe('no-store');
    expect(await started.redis.ttl(KEYS.userTwoFactorPending(doctor.user.id))).toBeGreaterThan(590);

    const wrong = await doctor.api.request('POST', '/api/me/2fa/enable', { body: { code: '000000' === (await totp(secret)) ? '111111' : '000000' } });
    expect([wrong.status, codeOf(wrong)]).toEqual([401, 'otp_invalid']);
    const enabled = await doctor.api.request('POST', '/api/me/2fa/enable', { body: { code: await totp(secret) } });
    expect(enabled.status).toBe(200);
    const { recoveryCodes } = enabled.body as { recoveryCodes: string[] };
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
    // Only their hashes are kept, and the pending offer is spent.
    const stored = await started.redis.smembers(KEYS.userRecoveryCodes(doctor.user.id));
    expect(stored).toHaveLength(10);
    expect(stored.some((hash) => recoveryCodes.includes(hash))).toBe(false);
    expect(await started.redis.exists(KEYS.userTwoFactorPending(doctor.user.id))).toBe(0);

    expect(((await doctor.api.get('/api/me')).body as { twoFactor: unknown }).twoFactor).toEqual({ enabled: true, required: false });
    // Another app is enrolled only once this one is off; a second enable finds nothing pending.
    const again = await doctor.api.request('POST', '/api/me/2fa/setup');
    expect([again.status, codeOf(again)]).toEqual([409, 'two_factor_enabled']);

    const audit = await auditEntries();
    expect(audit.filter((e) => e.action === 'auth.2fa_enabled').map((e) => e.actor)).toContain(doctor.user.id);
    expect(JSON.stringify(audit)).not.toContain(secret);
  });

  it('refuses setup and enable without a session, and enable with nothing pending', async () => {
    const anonymous = new ApiClient(started.url);
    expect((await anonymous.request('POST', '/api/me/2fa/setup')).status).toBe(401);
    const nurse = await started.signIn('nurse');
    const nothing = await nurse.api.request('POST', '/api/me/2fa/enable', { body: { code: '123456' } });
    expect([nothing.status, codeOf(nothing)]).toEqual([401, 'otp_invalid']);
    expect(await started.redis.exists(KEYS.userTwoFactor(nurse.user.id))).toBe(0);
  });
});

describe('sign-in with a second factor', () => {
  it('asks for the code only after the right password, refuses a wrong one, and accepts a code once', async () => {
    const { user, secret, enrolmentCode } = await enrolled();
    const wrongPassword = await login(user.username, 'pas-le-bon-mot', await totp(secret, 1));
    expect([wrongPassword.status, codeOf(wrongPassword)]).toEqual([401, 'invalid_credentials']);
    const noCode = await login(user.username, TEST_PASSWORD);
    expect([noCode.status, codeOf(noCode)]).toEqual([401, 'otp_required']);
    expect(noCode.headers.getSetCookie()).toEqual([]);
    const wrongCode = await login(user.username, TEST_PASSWORD, '12345');
    expect([wrongCode.status, codeOf(wrongCode)]).toEqual([401, 'otp_invalid']);

    // The code that confirmed enrolment was used: its step is spent (the very code, not one made now:
    // a 30 s step may have begun since).
    const replayedEnrolment = await login(user.username, TEST_PASSWORD, enrolmentCode);
    expect([replayedEnrolment.status, codeOf(replayedEnrolment)]).toEqual([401, 'otp_invalid']);
    const next = await totp(secret, 1);
    const signedIn = await login(user.username, TEST_PASSWORD, ` ${next.slice(0, 3)} ${next.slice(3)} `);
    expect(signedIn.status).toBe(200);
    expect((signedIn.body as { user: User }).user.id).toBe(user.id);
    const replayed = await login(user.username, TEST_PASSWORD, next);
    expect([replayed.status, codeOf(replayed)]).toEqual([401, 'otp_invalid']);

    const failures = (await auditEntries()).filter((e) => e.action === 'auth.login_failed' && e.actor === user.id);
    expect(failures.map((e) => e.target)).toEqual(['otp_invalid', 'otp_invalid', 'otp_invalid']);
  });

  it('takes each recovery code once, in any case, with or without its dash', async () => {
    const { user, recoveryCodes } = await enrolled();
    const [first, second] = recoveryCodes as [string, string];
    expect((await login(user.username, TEST_PASSWORD, first)).status).toBe(200);
    const reused = await login(user.username, TEST_PASSWORD, first);
    expect([reused.status, codeOf(reused)]).toEqual([401, 'otp_invalid']);
    expect((await login(user.username, TEST_PASSWORD, second.replace('-', '').toLowerCase())).status).toBe(200);
    expect(await started.redis.scard(KEYS.userRecoveryCodes(user.id))).toBe(8);
    const used = (await auditEntries()).filter((e) => e.action === 'auth.recovery_code_used' && e.actor === user.id);
    expect(used).toHaveLength(2);
  });

  it('lets a signed-in device confirm the password without a code (screen unlock), keeping its session', async () => {
    const { api, user } = await enrolled();
    const before = api.cookie;
    const unlock = await api.request('POST', '/api/auth/login', { body: { username: user.username, password: TEST_PASSWORD } });
    expect(unlock.status).toBe(200);
    expect(unlock.headers.getSetCookie()).toEqual([]);
    expect(api.cookie).toBe(before);
    expect((await api.get('/api/me')).status).toBe(200);
    const wrong = await api.request('POST', '/api/auth/login', { body: { username: user.username, password: 'pas-le-bon-mot' } });
    expect(codeOf(wrong)).toBe('invalid_credentials');
    // Another account's session is no proof for this one.
    const other = await started.signIn('nurse');
    const foreign = await other.api.request('POST', '/api/auth/login', { body: { username: user.username, password: TEST_PASSWORD } });
    expect(codeOf(foreign)).toBe('otp_required');
    // Once signed out, the device needs the code again.
    await api.request('POST', '/api/auth/logout');
    expect(codeOf(await login(user.username, TEST_PASSWORD))).toBe('otp_required');
  });

  it('counts wrong codes in the login slowdown: the 7th attempt in a row waits, right code or not', async () => {
    const { user, secret } = await enrolled();
    for (let attempt = 1; attempt <= 6; attempt += 1) expect(codeOf(await login(user.username, TEST_PASSWORD, '000000'))).toBe('otp_invalid');
    const slowed = await login(user.username, TEST_PASSWORD, await totp(secret, 1));
    expect([slowed.status, codeOf(slowed)]).toEqual([429, 'rate_limited']);
    expect(Number(slowed.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('turning two-factor sign-in off', () => {
  it('needs the password and a code (or a recovery code); then the password alone signs in', async () => {
    const { api, user, secret, recoveryCodes } = await enrolled();
    const wrongPassword = await api.request('POST', '/api/me/2fa/disable', { body: { password: 'pas-le-bon-mot', code: await totp(secret, 1) } });
    expect(codeOf(wrongPassword)).toBe('invalid_credentials');
    const wrongCode = await api.request('POST', '/api/me/2fa/disable', { body: { password: TEST_PASSWORD, code: 'AAAAA-AAAAA' } });
    expect([wrongCode.status, codeOf(wrongCode)]).toEqual([401, 'otp_invalid']);
    expect(await started.redis.hexists(KEYS.userTwoFactor(user.id), 'secret')).toBe(1);
    const off = await api.request('POST', '/api/me/2fa/disable', { body: { password: TEST_PASSWORD, code: recoveryCodes[3] } });
    expect(off.status).toBe(204);
    for (const key of [KEYS.userTwoFactor(user.id), KEYS.userRecoveryCodes(user.id)]) expect(await started.redis.exists(key)).toBe(0);
    expect((await login(user.username, TEST_PASSWORD)).status).toBe(200);
    const actions = (await auditEntries()).filter((e) => e.actor === user.id).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['auth.recovery_code_used', 'auth.2fa_disabled']));
  });
});

describe('admins and two-factor sign-in', () => {
  it('holds an admin without it to two_factor_required on every admin route until enrolled; others keep role_forbidden', async () => {
    const admin = await started.signIn('admin');
    const me = (await admin.api.get('/api/me')).body as { twoFactor: unknown };
    expect(me.twoFactor).toEqual({ enabled: false, required: true });
    for (const [method, path] of [
      ['GET', '/api/admin/users'],
      ['GET', '/api/admin/audit'],
      ['POST', `/api/admin/users/${admin.user.id}/reset`],
    ] as const) {
      const refused = await admin.api.request(method, path);
      expect([refused.status, codeOf(refused)]).toEqual([403, 'two_factor_required']);
    }
    const doctor = await started.signIn('doctor');
    expect(codeOf(await doctor.api.get('/api/admin/users'))).toBe('role_forbidden');

    const setup = (await admin.api.request('POST', '/api/me/2fa/setup')).body as { secret: string };
    expect((await admin.api.request('POST', '/api/me/2fa/enable', { body: { code: await totp(setup.secret) } })).status).toBe(200);
    expect((await admin.api.get('/api/admin/users')).status).toBe(200);
  });

  it('waives it on a demo store (a gateway that may run the demo, on a store the demo seed filled)', async () => {
    const demo = await startGateway({ db: DB, demo: true, adminTwoFactor: 'required' });
    try {
      const account = await addUser(started.redis, { role: 'admin' });
      const api = new ApiClient(demo.url);
      await api.login(account.username);
      expect(codeOf(await api.get('/api/admin/users'))).toBe('two_factor_required');
      await started.redis.set(KEYS.demoSeed, String(Date.now()));
      expect((await api.get('/api/admin/users')).status).toBe(200);
      expect(((await api.get('/api/me')).body as { twoFactor: unknown }).twoFactor).toEqual({ enabled: false, required: false });
      // The same store behind a gateway that may not run the demo (production, a LAN): required.
      const strict = new ApiClient(started.url);
      await strict.login(account.username);
      expect(codeOf(await strict.get('/api/admin/users'))).toBe('two_factor_required');
    } finally {
      await started.redis.del(KEYS.demoSeed);
      await demo.close();
    }
  });

  it("clears a person's two-factor sign-in when an admin resets their password", async () => {
    const admin = await enrolled('admin');
    const { user } = await enrolled();
    const reset = await admin.api.request('POST', `/api/admin/users/${user.id}/reset`);
    expect(reset.status).toBe(200);
    for (const key of [KEYS.userTwoFactor(user.id), KEYS.userRecoveryCodes(user.id)]) expect(await started.redis.exists(key)).toBe(0);
    const { code } = reset.body as { code: string };
    const fresh = 'un-nouveau-mot-de-passe';
    expect((await new ApiClient(started.url).request('POST', '/api/auth/activate', { body: { username: user.username, code, password: fresh } })).status).toBe(204);
    const signedIn = await login(user.username, fresh);
    expect(signedIn.status).toBe(200);
  });
});
