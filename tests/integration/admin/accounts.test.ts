import { describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import { AUDIT_KEYS, fieldOf } from '../../../src/server/audit/audit-log.ts';
import { addUser, ApiClient, TEST_PASSWORD } from '../helpers.ts';
import { useGateway } from '../fixture.ts';

/**
 * Accounts an admin controls over HTTP: the list, disable (every session and socket of the person
 * ends at once, sign-in answers `account_disabled` to the right password only) and enable; nobody
 * but an admin may.
 */

const DB = 24;
const started = useGateway({ db: DB });

const codeOf = (reply: { body: unknown }): string | undefined => (reply.body as { error?: { code: string } } | null)?.error?.code;

describe('accounts, for the admins', () => {
  it('refuses everyone but an admin, with role_forbidden', async () => {
    const doctor = await started.signIn('doctor');
    const patient = await started.signIn('patient');
    for (const who of [doctor, patient]) {
      expect(codeOf(await who.api.get('/api/admin/users'))).toBe('role_forbidden');
      const refused = await who.api.request('POST', `/api/admin/users/${doctor.user.id}/disable`);
      expect([refused.status, codeOf(refused)]).toEqual([403, 'role_forbidden']);
    }
    expect((await doctor.api.get('/api/me')).status).toBe(200);
  });

  it('disables a signed-in nurse: her socket closes, her session ends, only her right password learns why; enabling lets her back in', async () => {
    const admin = await started.signIn('admin');
    const nurse = await addUser(started.redis, { role: 'nurse' });
    const tablet = new ApiClient(started.url);
    await tablet.login(nurse.username);
    const socket = await started.live(tablet);

    expect((await admin.api.request('POST', `/api/admin/users/${nurse.id}/disable`)).status).toBe(204);
    expect(await socket.closedByServer(2_000)).toBeGreaterThan(0);
    // The tablet learns why at its next request, and wipes her store (remote wipe).
    const after = await tablet.get('/api/me');
    expect([after.status, codeOf(after)]).toEqual([401, 'account_closed']);
    const listed = (await admin.api.get('/api/admin/users')).body as { users: { id: string; disabled: boolean }[] };
    expect(listed.users.find((u) => u.id === nurse.id)?.disabled).toBe(true);

    const login = (password: string) => new ApiClient(started.url).request('POST', '/api/auth/login', { body: { username: nurse.username, password } });
    const right = await login(TEST_PASSWORD);
    expect([right.status, codeOf(right)]).toEqual([403, 'account_disabled']);
    const wrong = await login('pas-le-bon-mot');
    expect([wrong.status, codeOf(wrong)]).toEqual([401, 'invalid_credentials']);

    expect((await admin.api.request('POST', `/api/admin/users/${nurse.id}/enable`)).status).toBe(204);
    expect((await login(TEST_PASSWORD)).status).toBe(200);

    const actions = (await started.redis.xrange(AUDIT_KEYS.log, '-', '+'))
      .map(([, fields]) => JSON.parse(fieldOf(fields, 'body') ?? '{}') as { action: string; actor: string; target?: string })
      .filter((e) => e.target === nurse.id);
    expect(actions.map((e) => [e.action, e.actor])).toEqual([
      ['admin.user_disabled', admin.user.id],
      ['admin.user_enabled', admin.user.id],
    ]);
  });

  it('answers user_not_found for an unknown or malformed id, and forbidden for the admin’s own account', async () => {
    const admin = await started.signIn('admin');
    for (const id of [newId(), 'pas-un-id']) {
      const reply = await admin.api.request('POST', `/api/admin/users/${id}/disable`);
      expect([reply.status, codeOf(reply)]).toEqual([404, 'user_not_found']);
    }
    const self = await admin.api.request('POST', `/api/admin/users/${admin.user.id}/disable`);
    expect([self.status, codeOf(self)]).toEqual([403, 'forbidden']);
    expect((await admin.api.get('/api/me')).status).toBe(200);
  });
});

describe('new accounts and password resets', () => {
  const activate = (body: Record<string, unknown>) => new ApiClient(started.url).request('POST', '/api/auth/activate', { body });

  it('creates a nurse whose account opens only once she activated it with her one-time code', async () => {
    const admin = await started.signIn('admin');
    const username = `ide.${newId().slice(-8)}`;
    const created = await admin.api.request('POST', '/api/admin/users', { body: { username, displayName: 'Claire Roux', role: 'nurse' } });
    expect(created.status).toBe(201);
    const { user, code } = created.body as { user: { id: string; role: string }; code: string };
    expect(user.role).toBe('nurse');
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    // Not before activation, whatever is tried.
    const early = await new ApiClient(started.url).request('POST', '/api/auth/login', { body: { username, password: 'nimporte-quoi' } });
    expect(codeOf(early)).toBe('invalid_credentials');
    expect(codeOf(await activate({ username, code: 'ABCD-EFGH-JKMN', password: 'mon-mot-de-passe' }))).toBe('invalid_credentials');

    expect((await activate({ username, code: code.toLowerCase(), password: 'mon-mot-de-passe' })).status).toBe(204);
    // Once: the code is spent.
    expect(codeOf(await activate({ username, code, password: 'un-autre-mot' }))).toBe('invalid_credentials');
    expect((await new ApiClient(started.url).login(username, 'mon-mot-de-passe')).id).toBe(user.id);
    const taken = await admin.api.request('POST', '/api/admin/users', { body: { username: username.toUpperCase(), displayName: 'Autre', role: 'doctor' } });
    expect([taken.status, codeOf(taken)]).toEqual([409, 'username_taken']);
  });

  it('resets a password: the old one stops working, every session ends, a new code opens the account again', async () => {
    const admin = await started.signIn('admin');
    const doctor = await addUser(started.redis);
    const tablet = new ApiClient(started.url);
    await tablet.login(doctor.username);
    const reset = await admin.api.request('POST', `/api/admin/users/${doctor.id}/reset`);
    expect(reset.status).toBe(200);
    expect((await tablet.get('/api/me')).status).toBe(401);
    const old = await new ApiClient(started.url).request('POST', '/api/auth/login', { body: { username: doctor.username, password: TEST_PASSWORD } });
    expect(codeOf(old)).toBe('invalid_credentials');
    const { code } = reset.body as { code: string };
    expect((await activate({ username: doctor.username, code, password: 'nouveau-depart' })).status).toBe(204);
    await new ApiClient(started.url).login(doctor.username, 'nouveau-depart');
  });
});

describe('the audit trail, for the admins', () => {
  it('filters by actor, action and time, exports CSV with formulas defused, and records the export', async () => {
    const admin = await started.signIn('admin');
    const since = Date.now();
    const nurse = await addUser(started.redis, { role: 'nurse' });
    await new ApiClient(started.url).login(nurse.username);
    await new ApiClient(started.url).request('POST', '/api/auth/login', { body: { username: '=HYPERLINK("x")', password: 'pas-le-bon' } });

    const json = await admin.api.get(`/api/admin/audit?actor=${nurse.id}&since=${since}`);
    expect(json.status).toBe(200);
    expect((json.body as { entries: { action: string; actor: string }[]; truncated: boolean }).entries.map((e) => [e.action, e.actor])).toEqual([['auth.login', nurse.id]]);
    const failed = (await admin.api.get(`/api/admin/audit?action=auth.login_failed&since=${since}`)).body as { entries: { target: string }[] };
    expect(failed.entries.map((e) => e.target)).toEqual(['=hyperlink("x")']);

    const csv = await admin.api.get(`/api/admin/audit?action=auth.login_failed&since=${since}&format=csv`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = String(csv.body).trim().split('\r\n');
    expect(lines[0]).toBe('id,at,action,actor,target,conversationId,patientId,ip,userIds,detail');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`,auth.login_failed,,"'=hyperlink(""x"")",,,127.0.0.1,`);

    const exported = (await admin.api.get(`/api/admin/audit?action=audit.exported&actor=${admin.user.id}`)).body as { entries: { target: string }[] };
    expect(exported.entries.map((e) => e.target)).toContain(`action=auth.login_failed&since=${since}&format=csv`);
    const refused = await admin.api.get('/api/admin/audit?since=hier');
    expect([refused.status, codeOf(refused)]).toEqual([400, 'bad_request']);
  });
});
