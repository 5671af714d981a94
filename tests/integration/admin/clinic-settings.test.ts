import { describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import { AUDIT_KEYS, fieldOf } from '../../../src/server/audit/audit-log.ts';
import { SETTINGS_KEY } from '../../../src/server/admin/clinic-settings.ts';
import { PUSH_KEYS } from '../../../src/server/push/keys.ts';
import { sessionKey, SESSION_COOKIE } from '../../../src/server/auth/sessions.ts';
import { addUser, ApiClient, startGateway } from '../helpers.ts';
import { useGateway } from '../fixture.ts';

/**
 * The clinic's settings, set by an admin over HTTP and applied on every gateway: session lifetimes,
 * urgent reminders, who may be in a conversation with a patient; validated strictly, audited by name.
 */

const DB = 26;
const started = useGateway({ db: DB });

type Reply = { status: number; body: unknown };
const codeOf = (reply: Reply): string | undefined => (reply.body as { error?: { code: string } } | null)?.error?.code;
const outcome = (reply: Reply) => [reply.status, codeOf(reply)];

const SETTINGS = {
  auditDays: 400,
  urgentReminderMinutes: 5,
  urgentReminderCount: 3,
  sessionIdleMinutes: 7,
  sessionMaxHours: 2,
  patientConversations: 'clinicians',
  editWindowMinutes: 30,
} as const;

/** The TTL (seconds) of the session a new sign-in on `url` opens. */
async function sessionTtlOn(url: string, username: string): Promise<number> {
  const api = new ApiClient(url);
  await api.login(username);
  const token = decodeURIComponent(api.cookie.slice(`${SESSION_COOKIE}=`.length));
  return started.redis.ttl(sessionKey(token) as string);
}

describe('GET/PUT /api/admin/settings', () => {
  it('answers the defaults, refuses everyone but an admin, and refuses bad settings with bad_request, storing nothing', async () => {
    const admin = await started.signIn('admin');
    const shown = (await admin.api.get('/api/admin/settings')).body as { settings: Record<string, unknown> };
    expect(shown.settings).toMatchObject({ urgentReminderMinutes: 2, urgentReminderCount: 10, patientConversations: 'staff', editWindowMinutes: 15 });
    for (const role of ['doctor', 'patient'] as const) {
      const who = await started.signIn(role);
      expect(outcome(await who.api.get('/api/admin/settings'))).toEqual([403, 'role_forbidden']);
      expect(outcome(await who.api.request('PUT', '/api/admin/settings', { body: SETTINGS }))).toEqual([403, 'role_forbidden']);
    }
    const bad = [
      {},
      { ...SETTINGS, auditDays: 1 },
      { ...SETTINGS, urgentReminderMinutes: 1.5 },
      { ...SETTINGS, sessionIdleMinutes: 600, sessionMaxHours: 1 },
      { ...SETTINGS, patientConversations: 'everyone' },
      { ...SETTINGS, extra: true },
      { ...SETTINGS, editWindowMinutes: 1441 },
      'texte',
    ];
    for (const body of bad) expect(outcome(await admin.api.request('PUT', '/api/admin/settings', { body }))).toEqual([400, 'bad_request']);
    expect(await started.redis.get(SETTINGS_KEY)).toBeNull();
  });

  it('applies a change on another gateway too: new sessions take the new lifetimes, and the change is audited by name', async () => {
    const admin = await started.signIn('admin');
    const nurse = await addUser(started.redis, { role: 'nurse' });
    const other = await startGateway({ db: DB });
    try {
      expect(await sessionTtlOn(other.url, nurse.username)).toBeGreaterThan(SETTINGS.sessionIdleMinutes * 60);
      const saved = await admin.api.request('PUT', '/api/admin/settings', { body: SETTINGS });
      expect(saved.body).toEqual({ settings: SETTINGS });
      // Here at once; on the other gateway at its next refresh (every 2 s).
      expect(await sessionTtlOn(started.url, nurse.username)).toBeLessThanOrEqual(SETTINGS.sessionIdleMinutes * 60);
      await expect.poll(() => sessionTtlOn(other.url, nurse.username), { timeout: 6_000, interval: 250 }).toBeLessThanOrEqual(SETTINGS.sessionIdleMinutes * 60);
    } finally {
      await other.close();
      await admin.api.request('PUT', '/api/admin/settings', { body: { ...SETTINGS, patientConversations: 'staff', sessionIdleMinutes: 60, sessionMaxHours: 12 } });
    }
    const entries = (await started.redis.xrange(AUDIT_KEYS.log, '-', '+'))
      .map(([, fields]) => JSON.parse(fieldOf(fields, 'body') ?? '{}') as { action: string; actor: string; detail?: string })
      .filter((e) => e.action === 'admin.settings_changed');
    expect(entries[0]).toMatchObject({ actor: admin.user.id });
    expect(entries[0]?.detail?.split(',')).toEqual(expect.arrayContaining(['auditDays', 'urgentReminderMinutes', 'sessionIdleMinutes', 'patientConversations']));
  });

  it('queues urgent reminders at the interval the clinic set', async () => {
    const admin = await started.signIn('admin');
    await admin.api.request('PUT', '/api/admin/settings', { body: { ...SETTINGS, patientConversations: 'staff', urgentReminderMinutes: 9 } });
    const { anne, karim, conversationId } = await started.pair();
    const before = Date.now();
    const messageId = newId();
    await anne.api.push([{ id: messageId, kind: 'message.send', args: { conversationId, messageId, body: 'Urgent', urgent: true } }]);
    const queued = async () => {
      const entries = await started.redis.zrange(PUSH_KEYS.escalations, '0', '-1', 'WITHSCORES');
      for (let i = 0; i + 1 < entries.length; i += 2) if ((entries[i] as string).includes(karim.user.id)) return Number(entries[i + 1]);
      return null;
    };
    await expect.poll(queued).not.toBeNull();
    const due = (await queued()) as number;
    expect(due - before).toBeGreaterThanOrEqual(9 * 60_000 - 1_000);
    expect(due - before).toBeLessThanOrEqual(9 * 60_000 + 5_000);
  });

  it('keeps secretaries out of conversations with a patient once the clinic says clinicians only', async () => {
    const admin = await started.signIn('admin');
    const doctor = await started.signIn('doctor');
    const patient = await addUser(started.redis, { role: 'patient' });
    const secretary = await addUser(started.redis, { role: 'secretary' });
    const nurse = await addUser(started.redis, { role: 'nurse' });
    const group = (participantIds: string[]) => doctor.api.push([{ id: newId(), kind: 'conversation.create', args: { conversationId: newId(), participantIds, title: 'Suivi' } }]);
    await admin.api.request('PUT', '/api/admin/settings', { body: { ...SETTINGS, patientConversations: 'clinicians' } });
    expect((await group([patient.id, secretary.id]))[0]?.error?.code).toBe('role_forbidden');
    const created = await group([patient.id, nurse.id]);
    expect(created[0]?.ok).toBe(true);
    const conversationId = (created[0]?.result as { conversation: { id: string } }).conversation.id;
    const add = () => doctor.api.push([{ id: newId(), kind: 'conversation.addParticipants', args: { conversationId, participantIds: [secretary.id] } }]);
    expect((await add())[0]?.error?.code).toBe('role_forbidden');
    // Staff among themselves are not concerned.
    expect((await group([nurse.id, secretary.id]))[0]?.ok).toBe(true);
    await admin.api.request('PUT', '/api/admin/settings', { body: { ...SETTINGS, patientConversations: 'staff' } });
    expect((await add())[0]?.ok).toBe(true);
  });
});
