import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import type { Change, Conversation, UserSummary } from '../../../src/shared/model.ts';
import { AUDIT_KEYS, fieldOf } from '../../../src/server/audit/audit-log.ts';
import { addUser, ApiClient, everythingStored, startGateway, TEST_PASSWORD } from '../helpers.ts';
import { useGateway } from '../fixture.ts';

/**
 * An account's life after its creation, by an admin over HTTP: profile fields, edits and role
 * changes (with the invariants they keep), the person's devices signed out one by one, and the
 * deletion of the account (personal data gone from every Redis key, past messages kept under a
 * tombstone). Nobody but an admin may do any of it.
 */

const DB = 25;
const started = useGateway({ db: DB });

type Reply = { status: number; body: unknown };
const codeOf = (reply: Reply): string | undefined => (reply.body as { error?: { code: string } } | null)?.error?.code;
const outcome = (reply: Reply) => [reply.status, codeOf(reply)];

function auditOf(target: string): Promise<{ action: string; actor: string; detail?: string }[]> {
  return started.redis.xrange(AUDIT_KEYS.log, '-', '+').then((entries) =>
    entries
      .map(([, fields]) => JSON.parse(fieldOf(fields, 'body') ?? '{}') as { action: string; actor: string; target?: string; detail?: string })
      .filter((e) => e.target === target),
  );
}

async function pullAll(api: ApiClient): Promise<Change[]> {
  const changes: Change[] = [];
  let cursor: string | undefined;
  for (;;) {
    const reply = await api.get(`/api/sync/pull${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`);
    const page = reply.body as { changes: Change[]; cursor: string; hasMore: boolean };
    changes.push(...page.changes);
    cursor = page.cursor;
    if (!page.hasMore) return changes;
  }
}

describe('profile fields', () => {
  it('keeps service and job title from creation, and shows them in /api/me, the directory and the admins’ list', async () => {
    const admin = await started.signIn('admin');
    const username = `ide.${randomBytes(3).toString('hex')}`;
    const created = await admin.api.request('POST', '/api/admin/users', {
      body: { username, displayName: 'Claire Roux', role: 'nurse', service: 'Cardiologie', jobTitle: 'Infirmière de coordination' },
    });
    expect(created.status).toBe(201);
    const { user, code } = created.body as { user: { id: string; service?: string; jobTitle?: string }; code: string };
    expect([user.service, user.jobTitle]).toEqual(['Cardiologie', 'Infirmière de coordination']);
    await new ApiClient(started.url).request('POST', '/api/auth/activate', { body: { username, code, password: 'mot-de-passe-claire' } });
    const nurse = new ApiClient(started.url);
    await nurse.login(username, 'mot-de-passe-claire');
    expect((await nurse.get('/api/me')).body).toMatchObject({ user: { id: user.id, service: 'Cardiologie', jobTitle: 'Infirmière de coordination' } });
    const doctor = await started.signIn('doctor');
    const found = ((await doctor.api.get('/api/users?q=claire%20roux')).body as { users: UserSummary[] }).users;
    expect(found.find((u) => u.id === user.id)).toMatchObject({ service: 'Cardiologie', jobTitle: 'Infirmière de coordination' });
    const listed = ((await admin.api.get('/api/admin/users')).body as { users: UserSummary[] }).users;
    expect(listed.find((u) => u.id === user.id)).toMatchObject({ service: 'Cardiologie', disabled: false });
  });
});

describe('PATCH /api/admin/users/:id', () => {
  it('changes name, service and job title, clears a field with an empty string, and audits field names only', async () => {
    const admin = await started.signIn('admin');
    const nurse = await addUser(started.redis, { role: 'nurse' });
    const first = await admin.api.request('PATCH', `/api/admin/users/${nurse.id}`, { body: { displayName: 'Léa Garnier', service: 'Urgences', jobTitle: 'IDE' } });
    expect(first.status).toBe(200);
    expect((first.body as { user: unknown }).user).toMatchObject({ id: nurse.id, displayName: 'Léa Garnier', service: 'Urgences', jobTitle: 'IDE', role: 'nurse' });
    const cleared = await admin.api.request('PATCH', `/api/admin/users/${nurse.id}`, { body: { jobTitle: '' } });
    expect((cleared.body as { user: { jobTitle?: string; service?: string } }).user.jobTitle).toBeUndefined();
    expect((cleared.body as { user: { service?: string } }).user.service).toBe('Urgences');
    const api = new ApiClient(started.url);
    await api.login(nurse.username);
    const me = (await api.get('/api/me')).body as { user: { displayName: string; jobTitle?: string } };
    expect([me.user.displayName, me.user.jobTitle]).toEqual(['Léa Garnier', undefined]);
    const audit = await auditOf(nurse.id);
    expect(audit.map((e) => [e.action, e.actor, e.detail])).toEqual([
      ['admin.user_updated', admin.user.id, 'displayName,service,jobTitle'],
      ['admin.user_updated', admin.user.id, 'jobTitle'],
    ]);
    expect(JSON.stringify(audit)).not.toContain('Garnier');
  });

  it('refuses bad bodies with bad_request and unknown accounts with user_not_found, changing nothing', async () => {
    const admin = await started.signIn('admin');
    const nurse = await addUser(started.redis, { role: 'nurse' });
    for (const body of [{}, { role: 'chef' }, { displayName: '' }, { displayName: 'x', extra: 1 }, { service: 'x'.repeat(500) }, 'texte', null]) {
      expect(outcome(await admin.api.request('PATCH', `/api/admin/users/${nurse.id}`, { body }))).toEqual([400, 'bad_request']);
    }
    for (const id of [newId(), 'pas-un-id']) {
      expect(outcome(await admin.api.request('PATCH', `/api/admin/users/${id}`, { body: { displayName: 'Personne' } }))).toEqual([404, 'user_not_found']);
    }
    expect(await started.redis.hget(`{u:${nurse.id}}:user`, 'displayName')).toBe(nurse.displayName);
    expect(await auditOf(nurse.id)).toEqual([]);
  });

  it('applies a role change at once to the person’s open session, on every gateway, and records from→to', async () => {
    const admin = await started.signIn('admin');
    const secretary = await addUser(started.redis, { role: 'patient' });
    const other = await startGateway({ db: DB });
    try {
      const elsewhere = new ApiClient(other.url);
      await elsewhere.login(secretary.username);
      expect(outcome(await elsewhere.get('/api/stats'))).toEqual([403, 'role_forbidden']);
      const changed = await admin.api.request('PATCH', `/api/admin/users/${secretary.id}`, { body: { role: 'secretary' } });
      expect(changed.status).toBe(200);
      expect((await elsewhere.get('/api/stats')).status).toBe(200);
      expect((await elsewhere.get('/api/me')).body).toMatchObject({ user: { role: 'secretary' } });
    } finally {
      await other.close();
    }
    expect((await auditOf(secretary.id)).map((e) => [e.action, e.detail])).toEqual([['admin.role_changed', 'patient>secretary']]);
  });

  it('refuses role_change_refused to make a conversation member an admin or a patient, allows staff to staff, and forbids an admin’s own role', async () => {
    const admin = await started.signIn('admin');
    const { anne, karim } = await started.pair();
    for (const role of ['admin', 'patient']) {
      expect(outcome(await admin.api.request('PATCH', `/api/admin/users/${karim.user.id}`, { body: { role } }))).toEqual([409, 'role_change_refused']);
    }
    expect((await admin.api.request('PATCH', `/api/admin/users/${anne.user.id}`, { body: { role: 'nurse' } })).status).toBe(200);
    expect((await karim.api.get('/api/me')).body).toMatchObject({ user: { role: 'doctor' } });
    // Someone in no conversation may become an admin (and back).
    const loner = await addUser(started.redis, { role: 'doctor' });
    expect((await admin.api.request('PATCH', `/api/admin/users/${loner.id}`, { body: { role: 'admin' } })).status).toBe(200);
    expect(outcome(await admin.api.request('PATCH', `/api/admin/users/${admin.user.id}`, { body: { role: 'doctor' } }))).toEqual([403, 'forbidden']);
    expect((await admin.api.get('/api/admin/users')).status).toBe(200);
  });

  it('refuses everyone but an admin with role_forbidden', async () => {
    const nurse = await addUser(started.redis, { role: 'nurse' });
    for (const role of ['doctor', 'patient'] as const) {
      const who = await started.signIn(role);
      expect(outcome(await who.api.request('PATCH', `/api/admin/users/${nurse.id}`, { body: { role: 'doctor' } }))).toEqual([403, 'role_forbidden']);
      expect(outcome(await who.api.get(`/api/admin/users/${nurse.id}/devices`))).toEqual([403, 'role_forbidden']);
      expect(outcome(await who.api.request('DELETE', `/api/admin/users/${nurse.id}`))).toEqual([403, 'role_forbidden']);
      expect(outcome(await who.api.request('DELETE', `/api/admin/devices/${'a'.repeat(24)}`))).toEqual([403, 'role_forbidden']);
    }
    expect(await started.redis.hget(`{u:${nurse.id}}:user`, 'role')).toBe('nurse');
  });
});

describe('a user’s devices, for the admins', () => {
  it('lists the person’s devices and signs one out: its socket closes, the other device stays, the admin is the actor', async () => {
    const admin = await started.signIn('admin');
    const nurse = await addUser(started.redis, { role: 'nurse' });
    const tablet = new ApiClient(started.url);
    await tablet.login(nurse.username);
    const desk = new ApiClient(started.url);
    await desk.login(nurse.username);
    const socket = await started.live(tablet);
    const listed = await admin.api.get(`/api/admin/users/${nurse.id}/devices`);
    const devices = (listed.body as { devices: { id: string; signedInAt: number; current: boolean }[] }).devices;
    expect(devices).toHaveLength(2);
    expect(devices.every((d) => !d.current)).toBe(true);
    const tabletDevice = ((await tablet.get('/api/me/devices')).body as { devices: { id: string; current: boolean }[] }).devices.find((d) => d.current);
    expect(tabletDevice).toBeDefined();

    expect((await admin.api.request('DELETE', `/api/admin/devices/${tabletDevice?.id}`)).status).toBe(204);
    expect(await socket.closedByServer(2_000)).toBeGreaterThan(0);
    expect((await tablet.get('/api/me')).status).toBe(401);
    expect((await desk.get('/api/me')).status).toBe(200);
    const after = (await admin.api.get(`/api/admin/users/${nurse.id}/devices`)).body as { devices: { id: string }[] };
    expect(after.devices.map((d) => d.id)).not.toContain(tabletDevice?.id);
    expect(outcome(await admin.api.request('DELETE', `/api/admin/devices/${tabletDevice?.id}`))).toEqual([404, 'not_found']);
    expect((await auditOf(tabletDevice?.id as string)).map((e) => [e.action, e.actor])).toEqual([['session.revoked', admin.user.id]]);
  });

  it('answers user_not_found and not_found for unknown or malformed ids', async () => {
    const admin = await started.signIn('admin');
    for (const id of [newId(), 'pas-un-id']) expect(outcome(await admin.api.get(`/api/admin/users/${id}/devices`))).toEqual([404, 'user_not_found']);
    for (const id of ['0'.repeat(24), 'zz', '../etc']) expect(outcome(await admin.api.request('DELETE', `/api/admin/devices/${id}`))).toEqual([404, 'not_found']);
  });
});

describe('DELETE /api/admin/users/:id', () => {
  it('removes the person’s data from every Redis key, keeps their messages under a tombstone, and frees the username', async () => {
    const admin = await started.signIn('admin');
    const anne = await started.signIn('doctor');
    const tag = randomBytes(4).toString('hex');
    const karim = await addUser(started.redis, { username: `dr.efface.${tag}`, displayName: `Karim Effacé ${tag}`, role: 'doctor' });
    await started.redis.hset(`{u:${karim.id}}:user`, { service: `Service ${tag}`, jobTitle: `Titre ${tag}` });
    const tablet = new ApiClient(started.url);
    await tablet.login(karim.username);
    const socket = await started.live(tablet);
    // A failed sign-in leaves the username in the login slowdown's counters.
    await new ApiClient(started.url).request('POST', '/api/auth/login', { body: { username: karim.username, password: 'pas-le-bon' } });

    // Assigned to a patient's care team by an admin.
    const patient = await addUser(started.redis, { role: 'patient' });
    expect((await admin.api.request('PUT', `/api/admin/users/${patient.id}/care-team`, { body: { staffIds: [karim.id] } })).status).toBe(200);
    const direct = newId();
    const group = newId();
    await anne.api.push([{ id: newId(), kind: 'conversation.create', args: { conversationId: direct, participantIds: [karim.id] } }]);
    await anne.api.push([{ id: newId(), kind: 'conversation.create', args: { conversationId: group, participantIds: [karim.id], title: 'Staff du matin' } }]);
    const third = await started.signIn('nurse');
    await anne.api.push([{ id: newId(), kind: 'conversation.addParticipants', args: { conversationId: group, participantIds: [third.user.id] } }]);
    const messageId = newId();
    const sent = await tablet.push([{ id: messageId, kind: 'message.send', args: { conversationId: direct, messageId, body: 'Je passe voir le patient du 12.' } }]);
    expect(sent[0]?.ok).toBe(true);
    expect(await everythingStored(started.redis)).toContain(karim.displayName);

    expect(outcome(await admin.api.request('DELETE', `/api/admin/users/${admin.user.id}`))).toEqual([403, 'forbidden']);
    expect((await admin.api.request('DELETE', `/api/admin/users/${karim.id}`)).status).toBe(204);
    expect(await socket.closedByServer(2_000)).toBeGreaterThan(0);
    // Told why, so the tablet wipes the person's local store (remote wipe).
    expect(outcome(await tablet.get('/api/me'))).toEqual([401, 'account_closed']);

    const stored = await everythingStored(started.redis);
    for (const personal of [karim.username, karim.displayName, `Service ${tag}`, `Titre ${tag}`, tag]) expect(stored).not.toContain(personal);

    expect(await started.redis.smembers(`{u:${patient.id}}:careteam`)).toEqual([]);
    // Anne's past: the message stays, its author a tombstone in the participant lists.
    const changes = await pullAll(anne.api);
    const message = changes.find((c) => c.type === 'message' && c.message.messageId === messageId);
    expect(message?.type === 'message' && message.message.body).toBe('Je passe voir le patient du 12.');
    const conversations = changes.filter((c): c is Extract<Change, { type: 'conversation' }> => c.type === 'conversation').map((c) => c.conversation as Conversation);
    for (const id of [direct, group]) {
      const latest = conversations.filter((c) => c.id === id).at(-1);
      expect(latest?.participants.find((p) => p.id === karim.id)).toEqual({ id: karim.id, displayName: '', role: 'doctor', deleted: true });
    }
    // Nobody reaches the tombstone; the account is gone for the admins; the username is free again.
    const again = await anne.api.push([{ id: newId(), kind: 'conversation.create', args: { conversationId: newId(), participantIds: [karim.id] } }]);
    expect(again[0]?.error?.code).toBe('user_not_found');
    expect(((await anne.api.get(`/api/users?q=${encodeURIComponent('Effacé')}`)).body as { users: unknown[] }).users).toEqual([]);
    expect(((await admin.api.get('/api/admin/users')).body as { users: { id: string }[] }).users.map((u) => u.id)).not.toContain(karim.id);
    const login = await new ApiClient(started.url).request('POST', '/api/auth/login', { body: { username: karim.username, password: TEST_PASSWORD } });
    expect(outcome(login)).toEqual([401, 'invalid_credentials']);
    for (const action of ['reset', 'disable', 'enable']) {
      expect(outcome(await admin.api.request('POST', `/api/admin/users/${karim.id}/${action}`))).toEqual([404, 'user_not_found']);
    }
    expect(outcome(await admin.api.request('DELETE', `/api/admin/users/${karim.id}`))).toEqual([404, 'user_not_found']);
    const reused = await admin.api.request('POST', '/api/admin/users', { body: { username: karim.username, displayName: 'Nouvelle personne', role: 'nurse' } });
    expect(reused.status).toBe(201);
    // Anne and the group go on without them.
    const later = newId();
    expect((await anne.api.push([{ id: later, kind: 'message.send', args: { conversationId: group, messageId: later, body: 'Suite' } }]))[0]?.ok).toBe(true);
    expect((await auditOf(karim.id)).map((e) => [e.action, e.actor]).filter(([a]) => a === 'admin.user_deleted')).toEqual([['admin.user_deleted', admin.user.id]]);
  });

  it('deletes a disabled account too, and answers user_not_found for a malformed id', async () => {
    const admin = await started.signIn('admin');
    const nurse = await addUser(started.redis, { role: 'nurse' });
    expect((await admin.api.request('POST', `/api/admin/users/${nurse.id}/disable`)).status).toBe(204);
    expect((await admin.api.request('DELETE', `/api/admin/users/${nurse.id}`)).status).toBe(204);
    expect(await started.redis.exists(`{u:${nurse.id}}:user`)).toBe(0);
    expect(outcome(await admin.api.request('DELETE', '/api/admin/users/pas-un-id'))).toEqual([404, 'user_not_found']);
  });
});
