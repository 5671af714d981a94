import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import type { Availability, Presence, Role, UserSummary } from '../../../src/shared/model.ts';
import { AUDIT_KEYS } from '../../../src/server/audit/audit-log.ts';
import { KEYS } from '../../../src/server/store/keys.ts';
import { addUser, ApiClient } from '../helpers.ts';
import { useGateway } from '../fixture.ts';

/**
 * Availability statuses (`PUT`/`DELETE /api/me/status`: who sees them, when they end, live to the
 * contacts) and care-team assignment by an admin (`/api/admin/users/:id/care-team`: admin only, the
 * patient's directory and whom they may write to).
 */

const DB = 28;
const started = useGateway({ db: DB });

type Person = { api: ApiClient; user: { id: string } };

function tag(): string {
  return `t${randomBytes(4).toString('hex')}`;
}

async function person(role: Role, displayName: string): Promise<Person> {
  const account = await addUser(started.redis, { role, displayName });
  const api = new ApiClient(started.url);
  return { api, user: await api.login(account.username, account.password) };
}

async function directory(api: ApiClient, q: string): Promise<UserSummary[]> {
  const reply = await api.get(`/api/users?q=${encodeURIComponent(q)}`);
  expect(reply.status).toBe(200);
  return (reply.body as { users: UserSummary[] }).users;
}

async function presenceOf(api: ApiClient, ids: string[]): Promise<Presence[]> {
  const reply = await api.get(`/api/presence?ids=${ids.join(',')}`);
  expect(reply.status).toBe(200);
  return (reply.body as { presence: Presence[] }).presence;
}

async function direct(by: Person, other: Person): Promise<{ ok: boolean; error?: { code: string } }> {
  const [result] = await by.api.push([{ id: newId(), kind: 'conversation.create', args: { conversationId: newId(), participantIds: [other.user.id] } }]);
  return result as { ok: boolean; error?: { code: string } };
}

const setStatus = (api: ApiClient, body: unknown) => api.request('PUT', '/api/me/status', { body });

describe('PUT /api/me/status', () => {
  it('sets a status with a message and an end, returned by /api/me and the directory, cleared by DELETE', async () => {
    const t = tag();
    const doctor = await person('doctor', `Dr ${t} Martin`);
    const nurse = await person('nurse', `IDE ${t} Roux`);
    const until = Date.now() + 3_600_000;
    const set = await setStatus(doctor.api, { state: 'in_consultation', message: '  Consultations jusqu’à 15 h ', until });
    expect(set.status).toBe(200);
    const expected: Availability = { state: 'in_consultation', message: 'Consultations jusqu’à 15 h', until };
    expect((set.body as { status: Availability }).status).toEqual(expected);
    expect(((await doctor.api.get('/api/me')).body as { user: { status?: Availability } }).user.status).toEqual(expected);
    const found = (await directory(nurse.api, t)).find((u) => u.id === doctor.user.id);
    expect(found?.status).toEqual(expected);
    expect((await doctor.api.request('DELETE', '/api/me/status')).status).toBe(204);
    expect(((await doctor.api.get('/api/me')).body as { user: { status?: Availability } }).user.status).toBeUndefined();
    expect((await directory(nurse.api, t)).find((u) => u.id === doctor.user.id)?.status).toBeUndefined();
  });

  it('refuses bad input with bad_request and keeps the previous status', async () => {
    const doctor = await person('doctor', `Dr ${tag()}`);
    expect((await setStatus(doctor.api, { state: 'busy' })).status).toBe(200);
    const bad: unknown[] = [
      {},
      { state: 'sleeping' },
      { state: 'busy', until: Date.now() - 1_000 },
      { state: 'busy', until: Date.now() + 8 * 24 * 3_600_000 },
      { state: 'busy', until: 1.5 },
      { state: 'busy', message: 'x'.repeat(141) },
      { state: 'busy', message: '   ' },
      { state: 'busy', extra: true },
      ['busy'],
      null,
    ];
    for (const body of bad) {
      const reply = await setStatus(doctor.api, body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect((reply.body as { error: { code: string } }).error.code).toBe('bad_request');
    }
    expect(((await doctor.api.get('/api/me')).body as { user: { status?: Availability } }).user.status).toEqual({ state: 'busy' });
  });

  it('is gone once its end has passed: from Redis and from every answer', async () => {
    const t = tag();
    const doctor = await person('doctor', `Dr ${t}`);
    const nurse = await person('nurse', `IDE ${t}`);
    expect((await setStatus(doctor.api, { state: 'away', until: Date.now() + 300 })).status).toBe(200);
    expect(await started.redis.pttl(KEYS.userStatus(doctor.user.id))).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await started.redis.exists(KEYS.userStatus(doctor.user.id))).toBe(0);
    expect(((await doctor.api.get('/api/me')).body as { user: { status?: Availability } }).user.status).toBeUndefined();
    expect((await directory(nurse.api, t)).find((u) => u.id === doctor.user.id)?.status).toBeUndefined();
  });

  it('is a staff tool: a patient and an admin get role_forbidden', async () => {
    for (const role of ['patient', 'admin'] as const) {
      const someone = await person(role, `${role} ${tag()}`);
      const reply = await setStatus(someone.api, { state: 'busy' });
      expect(reply.status).toBe(403);
      expect((reply.body as { error: { code: string } }).error.code).toBe('role_forbidden');
      expect((await someone.api.request('DELETE', '/api/me/status')).status).toBe(403);
    }
  });

  it('is shown only to whoever may see the person: never to a patient outside their care team', async () => {
    const t = tag();
    const doctor = await person('doctor', `Dr ${t} Martin`);
    const patient = await person('patient', `Mme ${t} Moreau`);
    expect((await setStatus(doctor.api, { state: 'on_call', message: 'Bip 412' })).status).toBe(200);
    // Not in the patient's care team yet: not in their directory, and presence tells nothing.
    expect(await directory(patient.api, t)).toEqual([]);
    expect(await presenceOf(patient.api, [doctor.user.id])).toEqual([{ userId: doctor.user.id, state: 'offline', lastSeen: null }]);
    expect((await direct(doctor, patient)).ok).toBe(true);
    expect((await directory(patient.api, t)).map((u) => [u.id, u.status])).toEqual([[doctor.user.id, { state: 'on_call', message: 'Bip 412' }]]);
    expect((await presenceOf(patient.api, [doctor.user.id]))[0]?.status).toEqual({ state: 'on_call', message: 'Bip 412' });
  });

  it('reaches a contact live, on their socket, set and cleared; someone outside the circle gets nothing', async () => {
    const t = tag();
    const doctor = await person('doctor', `Dr ${t}`);
    const nurse = await person('nurse', `IDE ${t}`);
    const stranger = await person('nurse', `IDE ${t} B`);
    expect((await direct(doctor, nurse)).ok).toBe(true);
    const nurseLive = await started.live(nurse.api);
    const strangerLive = await started.live(stranger.api);
    await setStatus(doctor.api, { state: 'busy', message: 'Au bloc' });
    const frame = await nurseLive.next((f) => (f.type as string) === 'status');
    expect(frame).toEqual({ type: 'status', userId: doctor.user.id, status: { state: 'busy', message: 'Au bloc' } });
    await doctor.api.request('DELETE', '/api/me/status');
    expect(await nurseLive.next((f) => (f.type as string) === 'status')).toEqual({ type: 'status', userId: doctor.user.id, status: null });
    // The stranger's socket is open and heard nothing of it (a frame of its own proves it is live).
    await setStatus(stranger.api, { state: 'available' });
    await strangerLive.next((f) => (f.type as string) === 'status');
    expect(strangerLive.frames.filter((f) => (f.type as string) === 'status')).toEqual([]);
  });
});

describe('care-team assignment', () => {
  const careTeam = (api: ApiClient, patientId: string, body?: unknown) =>
    body === undefined ? api.get(`/api/admin/users/${patientId}/care-team`) : api.request('PUT', `/api/admin/users/${patientId}/care-team`, { body });

  it('is for admins only: staff and patients get role_forbidden', async () => {
    const patient = await person('patient', `M. ${tag()}`);
    const doctor = await person('doctor', `Dr ${tag()}`);
    for (const someone of [doctor, patient]) {
      for (const reply of [await careTeam(someone.api, patient.user.id), await careTeam(someone.api, patient.user.id, { staffIds: [doctor.user.id] })]) {
        expect(reply.status).toBe(403);
        expect((reply.body as { error: { code: string } }).error.code).toBe('role_forbidden');
      }
    }
    expect(await started.redis.exists(KEYS.userCareTeam(patient.user.id))).toBe(0);
  });

  it('puts the assigned staff in the patient’s directory, lets the patient write to them, and is audited', async () => {
    const t = tag();
    const admin = await person('admin', `Admin ${t}`);
    const doctor = await person('doctor', `Dr ${t} Martin`);
    const nurse = await person('nurse', `IDE ${t} Roux`);
    const patient = await person('patient', `Mme ${t} Moreau`);
    expect(await directory(patient.api, t)).toEqual([]);
    expect((await direct(patient, doctor)).error?.code).toBe('user_not_found');

    const put = await careTeam(admin.api, patient.user.id, { staffIds: [doctor.user.id, nurse.user.id, doctor.user.id] });
    expect(put.status).toBe(200);
    expect((put.body as { staff: UserSummary[] }).staff.map((s) => s.id)).toEqual([doctor.user.id, nurse.user.id]);
    expect(((await careTeam(admin.api, patient.user.id)).body as { staff: UserSummary[] }).staff.map((s) => s.id)).toEqual([doctor.user.id, nurse.user.id]);
    expect((await directory(patient.api, t)).map((u) => u.id)).toEqual([doctor.user.id, nurse.user.id]);
    expect((await direct(patient, doctor)).ok).toBe(true);

    const entries = await started.redis.xrange(AUDIT_KEYS.log, '-', '+');
    const audited = entries.map(([, fields]) => JSON.parse(fields[fields.indexOf('body') + 1] ?? '{}') as { action: string; actor: string; target: string; userIds?: string[] });
    expect(audited.find((e) => e.action === 'admin.care_team_changed' && e.target === patient.user.id)).toMatchObject({ actor: admin.user.id, userIds: [doctor.user.id, nurse.user.id] });

    // The nurse unassigned and sharing no conversation: out of the team again; the doctor stays (conversation).
    expect((await careTeam(admin.api, patient.user.id, { staffIds: [] })).status).toBe(200);
    expect((await directory(patient.api, t)).map((u) => u.id)).toEqual([doctor.user.id]);
    expect((await direct(patient, nurse)).error?.code).toBe('user_not_found');
  });

  it('lets the patient and their assigned staff see each other’s status and get it live before any conversation', async () => {
    const t = tag();
    const admin = await person('admin', `Admin ${t}`);
    const doctor = await person('doctor', `Dr ${t}`);
    const patient = await person('patient', `Mme ${t}`);
    await careTeam(admin.api, patient.user.id, { staffIds: [doctor.user.id] });
    const patientLive = await started.live(patient.api);
    await setStatus(doctor.api, { state: 'in_consultation' });
    expect(await patientLive.next((f) => (f.type as string) === 'status')).toMatchObject({ userId: doctor.user.id, status: { state: 'in_consultation' } });
    expect((await presenceOf(patient.api, [doctor.user.id]))[0]?.status).toEqual({ state: 'in_consultation' });
    // Their presence too: the doctor's first socket tells the patient she is online.
    await started.live(doctor.api);
    expect(await patientLive.next((f) => f.type === 'presence' && f.userId === doctor.user.id)).toMatchObject({ state: 'online' });
  });

  it('refuses a target that is not a patient, a staff id that is not staff, and bad bodies — changing nothing', async () => {
    const admin = await person('admin', `Admin ${tag()}`);
    const doctor = await person('doctor', `Dr ${tag()}`);
    const patient = await person('patient', `M. ${tag()}`);
    const other = await person('patient', `Mme ${tag()}`);
    const code = (reply: { body: unknown }) => (reply.body as { error: { code: string } }).error.code;
    expect(code(await careTeam(admin.api, doctor.user.id, { staffIds: [] }))).toBe('care_team_invalid');
    expect(code(await careTeam(admin.api, patient.user.id, { staffIds: [other.user.id] }))).toBe('care_team_invalid');
    expect(code(await careTeam(admin.api, patient.user.id, { staffIds: [admin.user.id] }))).toBe('care_team_invalid');
    expect(code(await careTeam(admin.api, patient.user.id, { staffIds: [newId()] }))).toBe('care_team_invalid');
    expect(code(await careTeam(admin.api, newId(), { staffIds: [] }))).toBe('user_not_found');
    expect(code(await careTeam(admin.api, 'nope'))).toBe('user_not_found');
    for (const body of [{}, { staffIds: 'x' }, { staffIds: ['x'] }, { staffIds: [], more: 1 }, { staffIds: Array.from({ length: 51 }, () => newId()) }]) {
      expect(code(await careTeam(admin.api, patient.user.id, body))).toBe('bad_request');
    }
    expect(await started.redis.exists(KEYS.userCareTeam(patient.user.id))).toBe(0);
  });
});
