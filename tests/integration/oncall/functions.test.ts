import { beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import type { Role } from '../../../src/shared/model.ts';
import type { FunctionDetailReply, FunctionEntry, RotaSlot } from '../../../src/shared/oncall.ts';
import { KEYS } from '../../../src/server/store/keys.ts';
import { useGateway } from '../fixture.ts';
import type { ApiClient } from '../helpers.ts';
import type { ServerFrame } from '../../../src/shared/realtime.ts';

/**
 * Function roles and the on-call rota on a real gateway whose clock the test holds (the gateway's
 * `oncall.now` option): the admins' CRUD, who holds a function now and after a slot boundary, an
 * override winning over the pattern, a handover, and the refusals.
 */

const DB = 13;
/** Monday 7 December 2026, 10:30 in Paris (winter time, UTC+1). */
const MONDAY_MORNING = Date.parse('2026-12-07T09:30:00Z');
let clock = MONDAY_MORNING;
const started = useGateway({ db: DB, oncall: { now: () => clock } });

beforeEach(() => {
  clock = MONDAY_MORNING;
});

type Answer = { status: number; body: unknown };
const code = (answer: Answer) => (answer.body as { error?: { code?: string } } | null)?.error?.code;

async function person(role: Role) {
  return started.signIn(role);
}

async function createFunction(admin: ApiClient, name = `Médecin de garde — Cardiologie ${newId().slice(-6)}`, eligibleRoles = ['doctor']) {
  const answer = await admin.request('POST', '/api/admin/functions', { body: { name, service: 'Cardiologie', eligibleRoles } });
  expect(answer.status).toBe(201);
  return (answer.body as FunctionDetailReply).function;
}

const setPattern = (admin: ApiClient, id: string, slots: RotaSlot[]) => admin.request('PUT', `/api/admin/functions/${id}/pattern`, { body: { slots } });

/** The function as a member of staff sees it in `GET /api/functions`. */
async function seenBy(staff: ApiClient, id: string): Promise<FunctionEntry | undefined> {
  const answer = await staff.get('/api/functions');
  expect(answer.status).toBe(200);
  return (answer.body as { functions: FunctionEntry[] }).functions.find((f) => f.id === id);
}

async function audited(admin: ApiClient, action: string, target: string) {
  const answer = await admin.get(`/api/admin/audit?action=${action}&target=${target}`);
  return (answer.body as { entries: { action: string; actor: string; target?: string; userIds?: string[]; detail?: string }[] }).entries;
}

describe('function roles (admins)', () => {
  it('lets an admin create, rename, read and delete a function, each change audited', async () => {
    const admin = await person('admin');
    const created = await createFunction(admin.api, 'IDE de nuit — Bloc B', ['nurse']);
    expect(created).toMatchObject({ name: 'IDE de nuit — Bloc B', service: 'Cardiologie', eligibleRoles: ['nurse'], holder: null, until: null });

    const renamed = await admin.api.request('PATCH', `/api/admin/functions/${created.id}`, { body: { name: 'IDE de nuit — Bloc C', service: '' } });
    expect(renamed.status).toBe(200);
    expect((renamed.body as FunctionDetailReply).function).toMatchObject({ name: 'IDE de nuit — Bloc C' });
    expect((renamed.body as FunctionDetailReply).function.service).toBeUndefined();
    const listed = (await admin.api.get('/api/admin/functions')).body as { functions: FunctionEntry[] };
    expect(listed.functions.find((f) => f.id === created.id)?.name).toBe('IDE de nuit — Bloc C');

    expect((await admin.api.request('DELETE', `/api/admin/functions/${created.id}`)).status).toBe(204);
    expect(code(await admin.api.get(`/api/admin/functions/${created.id}`))).toBe('not_found');
    expect(await started.redis.hexists(KEYS.functions, created.id)).toBe(0);

    expect(await audited(admin.api, 'function.created', created.id)).toEqual([expect.objectContaining({ actor: admin.user.id, detail: 'IDE de nuit — Bloc B' })]);
    expect(await audited(admin.api, 'function.updated', created.id)).toEqual([expect.objectContaining({ detail: 'name,service' })]);
    expect(await audited(admin.api, 'function.deleted', created.id)).toHaveLength(1);
  });

  it('names the holder of the slot running now, and the next holder once the clock passes the slot boundary', async () => {
    const admin = await person('admin');
    const day = await person('doctor');
    const night = await person('doctor');
    const colleague = await person('nurse');
    const cardio = await createFunction(admin.api);
    const pattern = await setPattern(admin.api, cardio.id, [
      { day: 1, start: '08:00', end: '20:00', userId: day.user.id },
      { day: 1, start: '20:00', end: '08:00', userId: night.user.id },
    ]);
    expect(pattern.status).toBe(200);
    expect((pattern.body as FunctionDetailReply).slots).toHaveLength(2);

    // 10:30: the day slot, until 20:00 Paris (19:00 UTC).
    expect(await seenBy(colleague.api, cardio.id)).toMatchObject({ holder: { id: day.user.id, displayName: day.user.displayName, role: 'doctor' }, source: 'pattern', until: Date.parse('2026-12-07T19:00:00Z') });
    clock = Date.parse('2026-12-07T19:00:00Z');
    expect(await seenBy(colleague.api, cardio.id)).toMatchObject({ holder: { id: night.user.id }, until: Date.parse('2026-12-08T07:00:00Z') });
    // Tuesday 08:00: nobody until next Monday.
    clock = Date.parse('2026-12-08T07:00:00Z');
    expect(await seenBy(colleague.api, cardio.id)).toMatchObject({ holder: null, source: null, until: Date.parse('2026-12-14T07:00:00Z') });

    expect(await audited(admin.api, 'rota.changed', cardio.id)).toEqual([expect.objectContaining({ detail: 'pattern', userIds: [day.user.id, night.user.id] })]);
  });

  it('lets a dated override win over the pattern while it runs, and removes it', async () => {
    const admin = await person('admin');
    const day = await person('doctor');
    const swap = await person('doctor');
    const cardio = await createFunction(admin.api);
    await setPattern(admin.api, cardio.id, [{ day: 1, start: '08:00', end: '20:00', userId: day.user.id }]);
    const added = await admin.api.request('POST', `/api/admin/functions/${cardio.id}/overrides`, {
      body: { from: Date.parse('2026-12-07T11:00:00Z'), to: Date.parse('2026-12-07T14:00:00Z'), userId: swap.user.id },
    });
    expect(added.status).toBe(201);
    const [override] = (added.body as FunctionDetailReply).overrides;
    expect(override).toMatchObject({ userId: swap.user.id, createdAt: MONDAY_MORNING });

    expect(await seenBy(day.api, cardio.id)).toMatchObject({ holder: { id: day.user.id }, until: Date.parse('2026-12-07T11:00:00Z') });
    clock = Date.parse('2026-12-07T12:00:00Z');
    expect(await seenBy(day.api, cardio.id)).toMatchObject({ holder: { id: swap.user.id }, source: 'override', until: Date.parse('2026-12-07T14:00:00Z') });

    expect((await admin.api.request('DELETE', `/api/admin/functions/${cardio.id}/overrides/${override!.id}`)).status).toBe(204);
    expect(await seenBy(day.api, cardio.id)).toMatchObject({ holder: { id: day.user.id }, source: 'pattern' });
    expect(code(await admin.api.request('DELETE', `/api/admin/functions/${cardio.id}/overrides/${override!.id}`))).toBe('not_found');
  });

  it('refuses overlapping slots, a holder who may not hold the function, overrides out of range and bad bodies — changing nothing', async () => {
    const admin = await person('admin');
    const doctor = await person('doctor');
    const nurse = await person('nurse');
    const patient = await person('patient');
    const cardio = await createFunction(admin.api);
    const slot = (userId: string, start = '08:00', end = '20:00'): RotaSlot => ({ day: 2, start, end, userId });
    expect(code(await setPattern(admin.api, cardio.id, [slot(doctor.user.id), slot(doctor.user.id, '19:00', '21:00')]))).toBe('bad_request');
    for (const holder of [nurse, patient, admin]) expect(code(await setPattern(admin.api, cardio.id, [slot(holder.user.id)]))).toBe('user_not_found');
    expect(code(await setPattern(admin.api, cardio.id, [slot(newId())]))).toBe('user_not_found');
    expect(code(await setPattern(admin.api, cardio.id, [{ ...slot(doctor.user.id), start: '24:00' }]))).toBe('bad_request');
    expect(code(await setPattern(admin.api, cardio.id, [{ ...slot(doctor.user.id), day: 8 }]))).toBe('bad_request');
    const override = (body: unknown) => admin.api.request('POST', `/api/admin/functions/${cardio.id}/overrides`, { body });
    expect(code(await override({ from: clock + 3_600_000, to: clock, userId: doctor.user.id }))).toBe('bad_request');
    expect(code(await override({ from: clock - 7_200_000, to: clock - 3_600_000, userId: doctor.user.id }))).toBe('bad_request');
    expect(code(await override({ from: clock, to: clock + 40 * 86_400_000, userId: doctor.user.id }))).toBe('bad_request');
    expect(code(await override({ from: clock, to: clock + 3_600_000, userId: nurse.user.id }))).toBe('user_not_found');
    expect(code(await override({ from: 'now', to: clock, userId: doctor.user.id }))).toBe('bad_request');
    // Narrowing the roles is refused while a nurse is planned, and allowed once none is.
    const mixed = await createFunction(admin.api, 'Astreinte — Bloc B', ['doctor', 'nurse']);
    expect((await setPattern(admin.api, mixed.id, [slot(nurse.user.id)])).status).toBe(200);
    expect(code(await admin.api.request('PATCH', `/api/admin/functions/${mixed.id}`, { body: { eligibleRoles: ['doctor'] } }))).toBe('user_not_found');
    expect(code(await admin.api.request('PATCH', `/api/admin/functions/${mixed.id}`, { body: {} }))).toBe('bad_request');
    expect(code(await admin.api.request('POST', '/api/admin/functions', { body: { name: ' ', eligibleRoles: ['doctor'] } }))).toBe('bad_request');
    expect(code(await admin.api.request('POST', '/api/admin/functions', { body: { name: 'Garde', eligibleRoles: ['patient'] } }))).toBe('bad_request');
    expect(code(await admin.api.get(`/api/admin/functions/${newId()}`))).toBe('not_found');
    expect(code(await admin.api.get('/api/admin/functions/nope'))).toBe('not_found');
    expect(await started.redis.exists(KEYS.functionPattern(cardio.id), KEYS.functionOverrides(cardio.id))).toBe(0);
  });

  it('refuses every admin route to staff and patients', async () => {
    const admin = await person('admin');
    const cardio = await createFunction(admin.api);
    for (const role of ['doctor', 'patient'] as const) {
      const someone = await person(role);
      expect(code(await someone.api.get('/api/admin/functions'))).toBe('role_forbidden');
      expect(code(await someone.api.request('POST', '/api/admin/functions', { body: { name: 'Garde', eligibleRoles: ['doctor'] } }))).toBe('role_forbidden');
      expect(code(await setPattern(someone.api, cardio.id, []))).toBe('role_forbidden');
      expect(code(await someone.api.request('DELETE', `/api/admin/functions/${cardio.id}`))).toBe('role_forbidden');
    }
    expect(await started.redis.hexists(KEYS.functions, cardio.id)).toBe(1);
  });
});

describe('function roles (staff)', () => {
  it('lists the functions to staff only: patients and admins are refused by the policy', async () => {
    const admin = await person('admin');
    await createFunction(admin.api);
    expect(code(await (await person('patient')).api.get('/api/functions'))).toBe('role_forbidden');
    expect(code(await admin.api.get('/api/functions'))).toBe('role_forbidden');
    expect((await (await person('secretary')).api.get('/api/functions')).status).toBe(200);
  });

  it('lets the holder hand over to an eligible colleague until the end of their slot, audited', async () => {
    const admin = await person('admin');
    const day = await person('doctor');
    const night = await person('doctor');
    const relief = await person('doctor');
    const nurse = await person('nurse');
    const cardio = await createFunction(admin.api);
    await setPattern(admin.api, cardio.id, [
      { day: 1, start: '08:00', end: '20:00', userId: day.user.id },
      { day: 1, start: '20:00', end: '08:00', userId: night.user.id },
    ]);
    const handover = (api: ApiClient, body: unknown) => api.request('POST', `/api/functions/${cardio.id}/handover`, { body });

    // Only the holder (or an admin) hands over; only to eligible staff other than the holder.
    expect(code(await handover(night.api, { toUserId: relief.user.id }))).toBe('forbidden');
    expect(code(await handover(day.api, { toUserId: nurse.user.id }))).toBe('user_not_found');
    expect(code(await handover(day.api, { toUserId: day.user.id }))).toBe('bad_request');
    expect(code(await handover(day.api, { toUserId: relief.user.id, until: clock - 1 }))).toBe('bad_request');
    expect(code(await handover(day.api, { toUserId: relief.user.id, until: clock + 8 * 86_400_000 }))).toBe('bad_request');
    expect(code(await handover(day.api, { toUserId: 'x' }))).toBe('bad_request');
    expect(code(await handover((await person('patient')).api, { toUserId: relief.user.id }))).toBe('role_forbidden');
    expect(code(await day.api.request('POST', `/api/functions/${newId()}/handover`, { body: { toUserId: relief.user.id } }))).toBe('not_found');
    expect(await started.redis.exists(KEYS.functionHandovers(cardio.id))).toBe(0);

    const handed = await handover(day.api, { toUserId: relief.user.id });
    expect(handed.status).toBe(200);
    const slotEnd = Date.parse('2026-12-07T19:00:00Z');
    expect((handed.body as { function: FunctionEntry }).function).toMatchObject({ holder: { id: relief.user.id }, source: 'handover', until: slotEnd });
    expect(await seenBy(nurse.api, cardio.id)).toMatchObject({ holder: { id: relief.user.id }, source: 'handover' });
    // The former holder holds it no more; the new one may hand it back.
    expect(code(await handover(day.api, { toUserId: relief.user.id }))).toBe('forbidden');
    clock = slotEnd;
    expect(await seenBy(nurse.api, cardio.id)).toMatchObject({ holder: { id: night.user.id }, source: 'pattern' });

    expect(await audited(admin.api, 'function.handover', cardio.id)).toEqual([
      expect.objectContaining({ actor: day.user.id, userIds: [day.user.id, relief.user.id], detail: `until=${slotEnd}` }),
    ]);
  });

  it('lets an admin hand over on behalf of the holder, until a given time', async () => {
    const admin = await person('admin');
    const day = await person('doctor');
    const relief = await person('doctor');
    const cardio = await createFunction(admin.api);
    await setPattern(admin.api, cardio.id, [{ day: 1, start: '08:00', end: '20:00', userId: day.user.id }]);
    const until = clock + 3_600_000;
    const handed = await admin.api.request('POST', `/api/functions/${cardio.id}/handover`, { body: { toUserId: relief.user.id, until } });
    expect((handed.body as { function: FunctionEntry }).function).toMatchObject({ holder: { id: relief.user.id }, until });
    clock = until;
    expect(await seenBy(day.api, cardio.id)).toMatchObject({ holder: { id: day.user.id } });
  });
});

describe('a conversation to a function, by the gateway\'s on-call clock', () => {
  it('reaches whoever holds the function at the on-call clock, over HTTP and over the socket, not at the machine\'s time', async () => {
    const admin = await person('admin');
    const [nurse, holder, colleague] = [await person('nurse'), await person('doctor'), await person('doctor')];
    const cardio = await createFunction(admin.api);
    // Held for an hour around the pinned clock only: at the machine's time (a day or more later), nobody holds it.
    const override = await admin.api.request('POST', `/api/admin/functions/${cardio.id}/overrides`, { body: { from: clock - 3_600_000, to: clock + 3_600_000, userId: holder.user.id } });
    expect(override.status).toBe(201);
    const create = () => ({ id: newId(), kind: 'conversation.create', args: { conversationId: newId(), participantIds: [colleague.user.id], functionId: cardio.id } });

    const [overHttp] = await nurse.api.push([create()]);
    expect(overHttp).toMatchObject({ ok: true, result: { conversation: { function: { id: cardio.id, holderId: holder.user.id } } } });

    const live = await started.live(nurse.api);
    live.send({ type: 'push', ref: 'r1', push: { deviceId: 'device-1', mutations: [create()] } });
    const pushed = (await live.next((f) => f.type === 'pushed')) as Extract<ServerFrame, { type: 'pushed' }>;
    expect(pushed.status).toBe(200);
    expect(pushed.body).toMatchObject({ results: [{ ok: true, result: { conversation: { function: { id: cardio.id, holderId: holder.user.id } } } }] });

    // Past the override by the same clock: vacant.
    clock += 2 * 3_600_000;
    const [vacant] = await nurse.api.push([create()]);
    expect(vacant).toMatchObject({ ok: false, error: { code: 'function_unheld' } });
  });
});
