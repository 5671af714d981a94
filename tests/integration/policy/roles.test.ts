import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import type { ServerFrame } from '../../../src/shared/realtime.ts';
import type { Role } from '../../../src/shared/model.ts';
import { KEYS } from '../../../src/server/store/keys.ts';
import { addUser, ApiClient } from '../helpers.ts';
import { useGateway } from '../fixture.ts';

/**
 * The clinic's policy (src/server/policy/policy.ts), enforced by the gateway whatever the client
 * sends: staff find staff and patients, a patient only their care team, nobody an admin; a patient
 * may write to their care team but not create groups, add members, flag urgent, start a call or
 * read statistics.
 */

const DB = 22;
const started = useGateway({ db: DB });

type Person = Awaited<ReturnType<typeof started.signIn>>;
/** One item of a push answer, as the test client reads it. */
type MutationResult = { ok: boolean; result?: unknown; error?: { code: string } };

async function directory(api: ApiClient, q = ''): Promise<string[]> {
  const reply = await api.get(`/api/users?q=${encodeURIComponent(q)}`);
  expect(reply.status).toBe(200);
  return (reply.body as { users: { id: string }[] }).users.map((u) => u.id);
}

async function create(by: Person, participantIds: string[], extra: Record<string, unknown> = {}): Promise<MutationResult> {
  const [result] = await by.api.push([{ id: newId(), kind: 'conversation.create', args: { conversationId: newId(), participantIds, ...extra } }]);
  return result as MutationResult;
}

function conversationOf(result: MutationResult): string {
  expect(result.ok).toBe(true);
  return (result.result as { conversation: { id: string } }).conversation.id;
}

function codeOf(result: MutationResult | undefined): string | undefined {
  return result?.ok === false ? result.error?.code : undefined;
}

/** A distinctive name fragment, so directory searches of one test do not see another test's people. */
function tag(): string {
  return `t${randomBytes(4).toString('hex')}`;
}

async function person(role: Role, displayName: string): Promise<Person> {
  const account = await addUser(started.redis, { role, displayName });
  const api = new ApiClient(started.url);
  return { api, user: await api.login(account.username, account.password) };
}

describe('the directory', () => {
  it('shows staff and patients to staff, never an admin', async () => {
    const t = tag();
    const doctor = await person('doctor', `Dr ${t} Benali`);
    const nurse = await person('nurse', `IDE ${t} Roux`);
    const patient = await person('patient', `Mme ${t} Petit`);
    const admin = await person('admin', `Admin ${t}`);
    const found = await directory(doctor.api, t);
    expect(found.sort()).toEqual([doctor.user.id, nurse.user.id, patient.user.id].sort());
    expect(found).not.toContain(admin.user.id);
  });

  it('shows a patient only the staff who share a conversation with them: no other patient, no admin, nobody else', async () => {
    const t = tag();
    const doctor = await person('doctor', `Dr ${t} Martin`);
    const stranger = await person('nurse', `IDE ${t} Lambert`);
    const patient = await person('patient', `M. ${t} Durand`);
    const otherPatient = await person('patient', `Mme ${t} Garnier`);
    await person('admin', `Admin ${t}`);
    expect(await directory(patient.api, t)).toEqual([]);
    // The doctor opens a group with both patients: the care team is the doctor, not the other patient.
    conversationOf(await create(doctor, [patient.user.id, otherPatient.user.id], { title: 'Éducation thérapeutique' }));
    expect(await directory(patient.api, t)).toEqual([doctor.user.id]);
    expect(await directory(patient.api, '')).not.toContain(stranger.user.id);
  });

  it('shows an admin the staff only', async () => {
    const t = tag();
    const doctor = await person('doctor', `Dr ${t} Haddad`);
    await person('patient', `M. ${t} Leroy`);
    const admin = await person('admin', `Admin ${t}`);
    expect(await directory(admin.api, t)).toEqual([doctor.user.id]);
  });
});

describe('conversations', () => {
  it('lets a patient write to their care team in a direct conversation, and nobody else', async () => {
    const doctor = await started.signIn('doctor');
    const patient = await started.signIn('patient');
    const otherPatient = await started.signIn('patient');
    const unknownNurse = await started.signIn('nurse');
    // Before any shared conversation, even the doctor is out of reach (answered as an unknown account).
    expect(codeOf(await create(patient, [doctor.user.id]))).toBe('user_not_found');
    const direct = conversationOf(await create(doctor, [patient.user.id]));
    // Once the doctor wrote to them, the patient's own "new conversation" finds the same one.
    expect(conversationOf(await create(patient, [doctor.user.id]))).toBe(direct);
    const messageId = newId();
    const [sent] = await patient.api.push([{ id: messageId, kind: 'message.send', args: { conversationId: direct, messageId, body: 'Bonjour docteur' } }]);
    expect(sent?.ok).toBe(true);
    expect(codeOf(await create(patient, [otherPatient.user.id]))).toBe('user_not_found');
    expect(codeOf(await create(patient, [unknownNurse.user.id]))).toBe('user_not_found');
  });

  it('refuses a patient a group, by size, title or patient context, with role_forbidden', async () => {
    const doctor = await started.signIn('doctor');
    const nurse = await started.signIn('nurse');
    const patient = await started.signIn('patient');
    conversationOf(await create(doctor, [patient.user.id, nurse.user.id], { title: 'Suivi' }));
    expect(codeOf(await create(patient, [doctor.user.id, nurse.user.id]))).toBe('role_forbidden');
    expect(codeOf(await create(patient, [doctor.user.id], { title: 'Mon groupe' }))).toBe('role_forbidden');
  });

  it('refuses a patient to add members to a group they are in', async () => {
    const doctor = await started.signIn('doctor');
    const nurse = await started.signIn('nurse');
    const patient = await started.signIn('patient');
    const group = conversationOf(await create(doctor, [patient.user.id], { title: 'Suivi post-op' }));
    const [added] = await patient.api.push([{ id: newId(), kind: 'conversation.addParticipants', args: { conversationId: group, participantIds: [nurse.user.id] } }]);
    expect(codeOf(added)).toBe('role_forbidden');
    const [byDoctor] = await doctor.api.push([{ id: newId(), kind: 'conversation.addParticipants', args: { conversationId: group, participantIds: [nurse.user.id] } }]);
    expect(byDoctor?.ok).toBe(true);
  });

  it('never makes an admin a participant: not in a new conversation, not added to a group, none started by one', async () => {
    const doctor = await started.signIn('doctor');
    const nurse = await started.signIn('nurse');
    const admin = await started.signIn('admin');
    expect(codeOf(await create(doctor, [admin.user.id]))).toBe('user_not_found');
    const group = conversationOf(await create(doctor, [nurse.user.id], { title: 'Bloc B' }));
    const [added] = await doctor.api.push([{ id: newId(), kind: 'conversation.addParticipants', args: { conversationId: group, participantIds: [admin.user.id] } }]);
    expect(codeOf(added)).toBe('user_not_found');
    expect(codeOf(await create(admin, [doctor.user.id]))).toBe('role_forbidden');
    const members = await started.redis.smembers(KEYS.convMembers(group));
    expect(members).not.toContain(admin.user.id);
  });
});

describe('urgent, calls and statistics', () => {
  it('refuses a patient the urgent flag, and lets their ordinary message through in the same batch', async () => {
    const doctor = await started.signIn('doctor');
    const patient = await started.signIn('patient');
    const direct = conversationOf(await create(doctor, [patient.user.id]));
    const urgentId = newId();
    const plainId = newId();
    const results = await patient.api.push([
      { id: urgentId, kind: 'message.send', args: { conversationId: direct, messageId: urgentId, body: 'Venez vite', urgent: true } },
      { id: plainId, kind: 'message.send', args: { conversationId: direct, messageId: plainId, body: 'Merci' } },
    ]);
    expect(results.map(codeOf)).toEqual(['role_forbidden', undefined]);
    const pulled = (await doctor.api.get('/api/sync/pull')).body as { changes: { type: string; message?: { body: string; urgent: boolean } }[] };
    const bodies = pulled.changes.flatMap((c) => (c.type === 'message' && c.message ? [c.message.body] : []));
    expect(bodies).toContain('Merci');
    expect(bodies).not.toContain('Venez vite');
    // Staff may flag urgent.
    const staffUrgent = newId();
    const [flagged] = await doctor.api.push([{ id: staffUrgent, kind: 'message.send', args: { conversationId: direct, messageId: staffUrgent, body: 'Rappel', urgent: true } }]);
    expect(flagged?.ok).toBe(true);
  });

  it('refuses a patient to start a call (role_forbidden) and lets staff call the patient', async () => {
    const doctor = await started.signIn('doctor');
    const patient = await started.signIn('patient');
    const direct = conversationOf(await create(doctor, [patient.user.id]));
    const patientSocket = await started.live(patient.api);
    const doctorSocket = await started.live(doctor.api);
    const refusedId = newId();
    patientSocket.send({ type: 'call.invite', callId: refusedId, conversationId: direct, calleeId: doctor.user.id, partyId: newId(), video: true });
    const refusal = await patientSocket.next((f: ServerFrame) => f.type === 'call.error' && f.callId === refusedId);
    expect(refusal).toMatchObject({ type: 'call.error', code: 'role_forbidden' });

    const callId = newId();
    doctorSocket.send({ type: 'call.invite', callId, conversationId: direct, calleeId: patient.user.id, partyId: newId(), video: true });
    const incoming = await patientSocket.next((f: ServerFrame) => f.type === 'call.incoming' && f.callId === callId);
    expect(incoming).toMatchObject({ callerId: doctor.user.id });
  });

  it('answers 403 role_forbidden to a patient asking for messaging or call statistics', async () => {
    const patient = await started.signIn('patient');
    const doctor = await started.signIn('doctor');
    for (const path of ['/api/stats', '/api/calls/stats']) {
      const refused = await patient.api.get(path);
      expect({ path, status: refused.status, code: (refused.body as { error?: { code: string } }).error?.code }).toEqual({ path, status: 403, code: 'role_forbidden' });
      expect((await doctor.api.get(path)).status).toBe(200);
    }
  });
});
