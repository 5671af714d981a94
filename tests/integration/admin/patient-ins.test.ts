import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Role, UserSummary } from '../../../src/shared/model.ts';
import { DEFAULT_RATE_LIMITS } from '../../../src/server/abuse/rate-limits.ts';
import { AUDIT_KEYS } from '../../../src/server/audit/audit-log.ts';
import { KEYS } from '../../../src/server/store/keys.ts';
import { addUser, ApiClient, runAccountTool, startGateway } from '../helpers.ts';
import { useGateway } from '../fixture.ts';

/**
 * A patient account's INS (`PATCH /api/admin/users/:id` `{ins}`, `npm run user:add -- --ins`): unique
 * across accounts, audited, never in the directory; and `GET /api/patients/care-team?ins=`, the
 * staff assigned to the patient who carries it, for staff only.
 */

const DB = 18;
const started = useGateway({ db: DB });

type Person = { api: ApiClient; user: { id: string; username: string } };

/** A fresh INS-like number (15 digits), so the tests do not depend on each other. */
function newIns(): string {
  return `1${String(randomBytes(6).readUIntBE(0, 6)).padStart(14, '0')}`.slice(0, 15);
}

async function person(role: Role, displayName = `Test ${randomBytes(3).toString('hex')}`): Promise<Person> {
  const account = await addUser(started.redis, { role, displayName });
  const api = new ApiClient(started.url);
  return { api, user: await api.login(account.username, account.password) };
}

function setIns(admin: Person, id: string, change: Record<string, unknown>) {
  return admin.api.request('PATCH', `/api/admin/users/${id}`, { body: change });
}

async function careTeamOf(api: ApiClient, ins: string) {
  return api.request('GET', `/api/patients/care-team?ins=${encodeURIComponent(ins)}`);
}

async function audited(): Promise<{ action: string; actor: string; target?: string; patientId?: string; detail?: string }[]> {
  const entries = await started.redis.xrange(AUDIT_KEYS.log, '-', '+');
  return entries.map(([, fields]) => JSON.parse(fields[fields.indexOf('body') + 1] ?? '{}') as { action: string; actor: string });
}

describe('a patient account’s INS', () => {
  it('is set by an admin, listed for the admins, audited as the patient’s identifier, and never in the directory', async () => {
    const admin = await person('admin');
    const doctor = await person('doctor');
    const patient = await person('patient', 'Mme Ins Lefèvre');
    const ins = newIns();

    const set = await setIns(admin, patient.user.id, { ins });
    expect(set.status).toBe(200);
    expect((set.body as { user: { ins?: string } }).user.ins).toBe(ins);
    const listed = (await admin.api.request('GET', '/api/admin/users')).body as { users: { id: string; ins?: string }[] };
    expect(listed.users.find((u) => u.id === patient.user.id)?.ins).toBe(ins);
    expect(await started.redis.hget(KEYS.insIndex, ins)).toBe(patient.user.id);

    // Staff find the patient by name as before; the entry carries no INS (nor does the patient's own view of staff).
    const found = await doctor.api.request('GET', '/api/users?q=Lef%C3%A8vre');
    expect((found.body as { users: UserSummary[] }).users.map((u) => u.id)).toEqual([patient.user.id]);
    expect(JSON.stringify(found.body)).not.toContain(ins);
    expect(await started.redis.hget(KEYS.directory, patient.user.id)).not.toContain(ins);

    const entry = (await audited()).find((e) => e.action === 'admin.user_updated' && e.target === patient.user.id);
    expect(entry).toMatchObject({ actor: admin.user.id, detail: 'ins', patientId: ins });
  });

  it('is unique: another account’s INS is refused with ins_taken and nothing changes', async () => {
    const admin = await person('admin');
    const first = await person('patient');
    const second = await person('patient');
    const ins = newIns();
    expect((await setIns(admin, first.user.id, { ins })).status).toBe(200);

    const refused = await setIns(admin, second.user.id, { ins, displayName: 'Nouveau nom' });
    expect(refused.status).toBe(409);
    expect((refused.body as { error: { code: string } }).error.code).toBe('ins_taken');
    expect(await started.redis.hget(KEYS.insIndex, ins)).toBe(first.user.id);
    expect(await started.redis.hget(KEYS.user(second.user.id), 'ins')).toBeNull();
    expect(await started.redis.hget(KEYS.user(second.user.id), 'displayName')).not.toBe('Nouveau nom');
    // Setting the same INS again on its own account is no change.
    expect((await setIns(admin, first.user.id, { ins })).status).toBe(200);
  });

  it('frees the previous INS when changed or cleared, so another account may take it', async () => {
    const admin = await person('admin');
    const first = await person('patient');
    const second = await person('patient');
    const [a, b] = [newIns(), newIns()];
    expect((await setIns(admin, first.user.id, { ins: a })).status).toBe(200);
    expect((await setIns(admin, first.user.id, { ins: b })).status).toBe(200);
    expect(await started.redis.hget(KEYS.insIndex, a)).toBeNull();
    expect((await setIns(admin, second.user.id, { ins: a })).status).toBe(200);

    const cleared = await setIns(admin, first.user.id, { ins: '' });
    expect(cleared.status).toBe(200);
    expect((cleared.body as { user: { ins?: string } }).user.ins).toBeUndefined();
    expect(await started.redis.hget(KEYS.insIndex, b)).toBeNull();
    const entry = (await audited()).filter((e) => e.action === 'admin.user_updated' && e.target === first.user.id).at(-1);
    // Removing it is recorded with the INS that was removed.
    expect(entry).toMatchObject({ detail: 'ins', patientId: b });
  });

  it('belongs to a patient: refused on staff, removed when the account stops being a patient, freed when it is deleted', async () => {
    const admin = await person('admin');
    const nurse = await person('nurse');
    const refused = await setIns(admin, nurse.user.id, { ins: newIns() });
    expect(refused.status).toBe(400);
    expect((refused.body as { error: { code: string } }).error.code).toBe('bad_request');

    const patient = await person('patient');
    const ins = newIns();
    expect((await setIns(admin, patient.user.id, { ins })).status).toBe(200);
    const moved = await setIns(admin, patient.user.id, { role: 'secretary' });
    expect(moved.status).toBe(200);
    expect((moved.body as { user: { ins?: string } }).user.ins).toBeUndefined();
    expect(await started.redis.hget(KEYS.insIndex, ins)).toBeNull();

    const other = await person('patient');
    expect((await setIns(admin, other.user.id, { ins })).status).toBe(200);
    expect((await admin.api.request('DELETE', `/api/admin/users/${other.user.id}`)).status).toBe(204);
    expect(await started.redis.hget(KEYS.insIndex, ins)).toBeNull();
  });

  it('is set at creation by npm run user:add --ins, and a second account with it is refused with exit code 4', async () => {
    const ins = newIns();
    const username = `patient.${randomBytes(3).toString('hex')}`;
    const created = await runAccountTool('user-add.ts', ['--username', username, '--name', 'Jean Outil', '--role', 'patient', '--ins', ins], 'un-mot-de-passe\n', DB);
    expect(created.code).toBe(0);
    const id = await started.redis.hget(KEYS.usernames, username);
    expect(id).not.toBeNull();
    expect(await started.redis.hget(KEYS.insIndex, ins)).toBe(id);

    const again = await runAccountTool('user-add.ts', ['--username', `${username}.bis`, '--name', 'Jean Bis', '--role', 'patient', '--ins', ins], 'un-mot-de-passe\n', DB);
    expect(again.code).toBe(4);
    expect(again.output).toMatch(/INS/);
    expect(await started.redis.hget(KEYS.usernames, `${username}.bis`)).toBeNull();

    const staff = await runAccountTool('user-add.ts', ['--username', `${username}.dr`, '--name', 'Dr X', '--role', 'doctor', '--ins', newIns()], 'un-mot-de-passe\n', DB);
    expect(staff.code).toBe(2);
  });
});

describe('GET /api/patients/care-team', () => {
  it('answers staff with the patient’s assigned staff as directory entries and the patient’s name', async () => {
    const admin = await person('admin');
    const asking = await person('doctor');
    const doctor = await person('doctor', 'Dr Aline Bernard');
    const nurse = await person('nurse', 'IDE Chloé Marchand');
    const patient = await person('patient', 'M. Paul Girard');
    const ins = newIns();
    expect((await setIns(admin, patient.user.id, { ins })).status).toBe(200);
    expect((await admin.api.request('PUT', `/api/admin/users/${patient.user.id}/care-team`, { body: { staffIds: [nurse.user.id, doctor.user.id] } })).status).toBe(200);

    const answer = await careTeamOf(asking.api, ins);
    expect(answer.status).toBe(200);
    const body = answer.body as { patient: { displayName: string }; staff: UserSummary[] };
    expect(body.patient).toEqual({ displayName: 'M. Paul Girard' });
    expect(body.staff.map((s) => [s.id, s.displayName, s.role])).toEqual([
      [doctor.user.id, 'Dr Aline Bernard', 'doctor'],
      [nurse.user.id, 'IDE Chloé Marchand', 'nurse'],
    ]);
    // The same entries the directory gives (no username, no INS).
    const directory = (await asking.api.request('GET', '/api/users?q=Aline')).body as { users: UserSummary[] };
    expect(body.staff[0]).toEqual(directory.users.find((u) => u.id === doctor.user.id));
    expect(JSON.stringify(body)).not.toContain(ins);
    expect(JSON.stringify(body)).not.toContain(doctor.user.username);
  });

  it('answers the same shape with nobody for an INS no patient carries', async () => {
    const asking = await person('nurse');
    const answer = await careTeamOf(asking.api, newIns());
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ patient: null, staff: [] });
  });

  it('answers a patient with nobody assigned with the patient’s name and no staff', async () => {
    const admin = await person('admin');
    const asking = await person('secretary');
    const patient = await person('patient', 'Mme Seule');
    const ins = newIns();
    expect((await setIns(admin, patient.user.id, { ins })).status).toBe(200);
    expect((await careTeamOf(asking.api, ins)).body).toEqual({ patient: { displayName: 'Mme Seule' }, staff: [] });
  });

  it('refuses patients and admins with role_forbidden, even for a known INS, and a malformed INS with bad_request', async () => {
    const admin = await person('admin');
    const patient = await person('patient');
    const doctor = await person('doctor');
    const ins = newIns();
    expect((await setIns(admin, patient.user.id, { ins })).status).toBe(200);
    for (const api of [patient.api, admin.api]) {
      const refused = await careTeamOf(api, ins);
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ error: { code: 'role_forbidden' } });
    }
    for (const path of ['/api/patients/care-team', `/api/patients/care-team?ins=${'1'.repeat(33)}`, `/api/patients/care-team?ins=${ins}&x=1`]) {
      const bad = await doctor.api.request('GET', path);
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ error: { code: 'bad_request' } });
    }
  });

  it('is counted by the abuse limits: past the allowance, 429 rate_limited with Retry-After', async () => {
    const limited = await startGateway({ db: DB, rateLimits: { ...DEFAULT_RATE_LIMITS, careTeamLookup: { user: { points: 2, seconds: 60 } } } });
    try {
      const account = await addUser(started.redis, { role: 'doctor' });
      const api = new ApiClient(limited.url);
      await api.login(account.username, account.password);
      expect((await careTeamOf(api, newIns())).status).toBe(200);
      expect((await careTeamOf(api, newIns())).status).toBe(200);
      const over = await careTeamOf(api, newIns());
      expect(over.status).toBe(429);
      expect(over.body).toMatchObject({ error: { code: 'rate_limited' } });
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});
