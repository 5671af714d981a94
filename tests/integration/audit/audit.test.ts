import { describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import { AUDIT_KEYS, AuditLog, fieldOf, trimAudit, type AuditEntry } from '../../../src/server/audit/audit-log.ts';
import { verifyAudit } from '../../../src/server/audit/audit-verify.ts';
import { addUser, ApiClient, runAccountTool } from '../helpers.ts';
import { useGateway } from '../fixture.ts';
import { upload } from '../security/world.ts';

/**
 * The audit trail: sign-ins, sign-outs, membership changes, deletions, history reads and downloads
 * are recorded with ids only (never message text), in a hash chain that `npm run audit:verify` walks
 * and that an entry altered or removed in Redis breaks. On INTEGRATION_DB: the tool's store.
 */

const started = useGateway();

type Entry = Omit<AuditEntry, 'prev' | 'hash'>;

async function entries(): Promise<Entry[]> {
  const rows = await started.redis.xrange(AUDIT_KEYS.log, '-', '+');
  return rows.map(([id, fields]) => ({ id, ...(JSON.parse(fieldOf(fields, 'body') ?? '{}') as Omit<Entry, 'id'>) }));
}

async function newEntries(run: () => Promise<unknown>): Promise<Entry[]> {
  const before = (await entries()).length;
  await run();
  return (await entries()).slice(before);
}

describe('the audit trail', () => {
  it('records a failed sign-in, a sign-in and a sign-out, with the address, in order', async () => {
    const account = await addUser(started.redis, { role: 'nurse' });
    const api = new ApiClient(started.url);
    const recorded = await newEntries(async () => {
      expect((await api.request('POST', '/api/auth/login', { body: { username: account.username, password: 'pas-le-bon' } })).status).toBe(401);
      const user = await api.login(account.username, account.password);
      expect((await api.request('POST', '/api/auth/logout')).status).toBe(204);
      return user;
    });
    expect(recorded.map((e) => [e.action, e.actor, e.target])).toEqual([
      ['auth.login_failed', null, account.username.toLowerCase()],
      ['auth.login', account.id, undefined],
      ['auth.logout', account.id, undefined],
    ]);
    expect(recorded.every((e) => e.ip === '127.0.0.1' && typeof e.at === 'number')).toBe(true);
    expect(await verifyAudit(started.redis)).toEqual({ checked: (await entries()).length });
  });

  it('records membership changes, deletions, history reads and downloads by ids, never what was written', async () => {
    const anne = await started.signIn('doctor');
    const karim = await started.signIn('nurse');
    const claire = await started.signIn('nurse');
    const conversationId = newId();
    const secret = `Augmenter à 40 mg ${newId()}`;
    const recorded = await newEntries(async () => {
      await anne.api.push([
        { id: newId(), kind: 'conversation.create', args: { conversationId, participantIds: [karim.user.id], title: 'Cardio', patient: { nationalId: '2850375123456', displayName: 'Mme Petit' } } },
      ]);
      const messageId = newId();
      await anne.api.push([{ id: messageId, kind: 'message.send', args: { conversationId, messageId, body: secret } }]);
      await anne.api.push([{ id: newId(), kind: 'conversation.addParticipants', args: { conversationId, participantIds: [claire.user.id] } }]);
      expect((await karim.api.get(`/api/conversations/${conversationId}/messages`)).status).toBe(200);
      const stored = (await upload(karim.api, conversationId)).body as { id: string };
      expect((await claire.api.get(`/api/attachments/${conversationId}/${stored.id}`)).status).toBe(200);
      await anne.api.push([{ id: newId(), kind: 'conversation.removeParticipant', args: { conversationId, userId: claire.user.id } }]);
      await anne.api.push([{ id: newId(), kind: 'conversation.delete', args: { conversationId } }]);
    });
    expect(recorded.map((e) => [e.action, e.actor])).toEqual([
      ['conversation.created', anne.user.id],
      ['conversation.members_added', anne.user.id],
      ['conversation.opened', karim.user.id],
      ['attachment.downloaded', claire.user.id],
      ['conversation.member_removed', anne.user.id],
      ['conversation.deleted', anne.user.id],
    ]);
    expect(recorded[0]).toMatchObject({ conversationId, patientId: '2850375123456', userIds: expect.arrayContaining([anne.user.id, karim.user.id]) });
    expect(recorded[2]).toMatchObject({ conversationId, patientId: '2850375123456' });
    expect(recorded[4]).toMatchObject({ target: claire.user.id });
    const stream = JSON.stringify(await started.redis.xrange(AUDIT_KEYS.log, '-', '+'));
    expect(stream).not.toContain(secret.slice(0, 17));
    expect(stream).not.toContain('Mme Petit');
    expect(stream).not.toContain('Cardio');
  });
});

describe('conversations opened on a device', () => {
  it('records a member opening a conversation from their own copy, with its patient; a stranger gets conversation_not_found and no entry', async () => {
    const anne = await started.signIn('doctor');
    const karim = await started.signIn('nurse');
    const stranger = await started.signIn('doctor');
    const conversationId = newId();
    await anne.api.push([
      { id: newId(), kind: 'conversation.create', args: { conversationId, participantIds: [karim.user.id], title: 'Suivi', patient: { nationalId: '1850375123456', displayName: 'M. Roux' } } },
    ]);
    const recorded = await newEntries(async () => {
      const [opened] = await karim.api.push([{ id: newId(), kind: 'conversation.open', args: { conversationId } }]);
      expect(opened?.ok).toBe(true);
      const [refused] = await stranger.api.push([{ id: newId(), kind: 'conversation.open', args: { conversationId } }]);
      expect(refused).toMatchObject({ ok: false, error: { code: 'conversation_not_found' } });
    });
    expect(recorded.map((e) => [e.action, e.actor, e.conversationId, e.patientId])).toEqual([['conversation.opened', karim.user.id, conversationId, '1850375123456']]);
    // Nothing is written to the conversation: its version did not move.
    const pulled = (await karim.api.get('/api/sync/pull')).body as { changes: { type: string }[] };
    expect(pulled.changes.filter((c) => c.type === 'message')).toEqual([]);
  });
});

describe('the hash chain', () => {
  it('names the first altered entry, and the entry after one removed; the tool exits 5 naming it', async () => {
    const account = await addUser(started.redis);
    for (let i = 0; i < 3; i++) await new ApiClient(started.url).login(account.username, account.password);
    expect((await verifyAudit(started.redis)).broken).toBeUndefined();
    expect(await runAccountTool('audit-verify.ts', [])).toMatchObject({ code: 0 });

    const rows = await started.redis.xrange(AUDIT_KEYS.log, '-', '+');
    const victim = rows.at(-2) as [string, string[]];
    // Rewrite the stream as it was, but for one entry whose actor was changed, hash and all kept.
    const rewrite = async (change: (id: string, fields: string[]) => string[] | null): Promise<void> => {
      await started.redis.del(AUDIT_KEYS.log);
      for (const [id, fields] of rows) {
        const kept = change(id, fields);
        if (kept) await started.redis.xadd(AUDIT_KEYS.log, id, ...kept);
      }
    };
    await rewrite((id, fields) => (id === victim[0] ? fields.map((f) => f.replace(account.id, 'someone-else')) : fields));
    expect((await verifyAudit(started.redis)).broken).toEqual({ id: victim[0], reason: 'altered' });
    const tool = await runAccountTool('audit-verify.ts', []);
    expect(tool.code).toBe(5);
    expect(tool.output).toContain(victim[0]);

    await rewrite((id, fields) => (id === victim[0] ? null : fields));
    expect((await verifyAudit(started.redis)).broken).toEqual({ id: rows.at(-1)?.[0], reason: 'unlinked' });

    await rewrite((id, fields) => (id === rows.at(-1)?.[0] ? null : fields));
    expect((await verifyAudit(started.redis)).broken?.reason).toBe('head');
    // Put it back as it was: the rest of the file appends to an intact chain.
    await rewrite((_id, fields) => fields);
    expect((await verifyAudit(started.redis)).broken).toBeUndefined();
  });

  it('takes hundreds of entries at once from two gateways: none lost, one chain, in the order each gateway recorded them', async () => {
    const before = (await started.redis.xlen(AUDIT_KEYS.log)) as number;
    const gateways = [new AuditLog(started.redis), new AuditLog(started.redis)];
    const writes = gateways.flatMap((log, g) =>
      Array.from({ length: 150 }, (_, i) => log.record({ action: 'conversation.opened', actor: `g${g}`, target: String(i).padStart(3, '0') })),
    );
    await Promise.all(writes);
    expect((await started.redis.xlen(AUDIT_KEYS.log)) - before).toBe(300);
    expect((await verifyAudit(started.redis)).broken).toBeUndefined();
    const mine = (await entries()).filter((e) => e.actor === 'g0' && e.action === 'conversation.opened').map((e) => e.target);
    expect(mine).toEqual([...mine].sort());
    expect(mine).toHaveLength(150);
  });

  it('links entries appended by two gateways, and keeps verifying once the entries past their retention are trimmed', async () => {
    const one = new AuditLog(started.redis);
    const two = new AuditLog(started.redis);
    await one.record({ action: 'auth.logout', actor: 'premier' });
    // The second gateway's idea of the head is stale twice over: the compare-and-set links it anyway.
    await two.record({ action: 'auth.logout', actor: 'second' });
    await one.record({ action: 'auth.logout', actor: 'troisième' });
    expect((await verifyAudit(started.redis)).broken).toBeUndefined();

    const rows = await started.redis.xrange(AUDIT_KEYS.log, '-', '+');
    const middle = rows[Math.floor(rows.length / 2)] as [string, string[]];
    // A year after the middle entry was written: everything older than it goes.
    const yearLater = Number(middle[0].split('-')[0]) + 365 * 86_400_000;
    const dropped = await trimAudit(started.redis, 365, yearLater);
    const kept = await entries();
    expect(dropped).toBeGreaterThan(0);
    expect(kept.length).toBe(rows.length - dropped);
    expect(kept.map((e) => e.actor)).toContain('troisième');
    expect(await verifyAudit(started.redis)).toEqual({ checked: kept.length });
  });
});
