import { afterEach, describe, expect, it } from 'vitest';
import { AUDIT_KEYS, fieldOf } from '../../../src/server/audit/audit-log.ts';
import { SETTINGS_KEY } from '../../../src/server/admin/clinic-settings.ts';
import { KEYS } from '../../../src/server/store/keys.ts';
import { newId } from '../../../src/shared/ids.ts';
import type { Change, Message } from '../../../src/shared/model.ts';
import { redactionLineId } from '../../../src/shared/urgent-ack.ts';
import type { ServerFrame } from '../../../src/shared/realtime.ts';
import { useGateway, type SignedIn } from '../fixture.ts';

/**
 * `message.edit` and `message.redact`: its author changes or withdraws a message. Each is a new line
 * in the conversation's seq order (every member's pull and live frames), idempotent; an edit only
 * within the clinic's window; a redaction erases the text of the message and of its versions from
 * the server, so a device pulling from scratch never receives it; refused to anyone but the author;
 * audited with ids only.
 */

const DB = 34;
const started = useGateway({ db: DB });

afterEach(async () => {
  await started.redis.del(SETTINGS_KEY);
});

async function push(who: SignedIn, kind: string, args: Record<string, unknown>, id: string = newId()) {
  const [result] = await who.api.push([{ id, kind, args }]);
  return result as { ok: boolean; result?: { seq: number; serverTime: number }; error?: { code: string } };
}

async function ok(who: SignedIn, kind: string, args: Record<string, unknown>, id?: string): Promise<{ seq: number; serverTime: number }> {
  const result = await push(who, kind, args, id ?? (kind === 'message.send' ? (args.messageId as string) : undefined));
  expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
  return result.result as { seq: number; serverTime: number };
}

async function refusal(who: SignedIn, kind: string, args: Record<string, unknown>): Promise<string | undefined> {
  const result = await push(who, kind, args);
  expect(result.ok).toBe(false);
  return result.error?.code;
}

/** What `who` pulls of the conversation from scratch (a new device), in seq order. */
async function pulledFromScratch(who: SignedIn, conversationId: string): Promise<Message[]> {
  const reply = await who.api.get('/api/sync/pull');
  expect(reply.status).toBe(200);
  return (reply.body as { changes: Change[] }).changes
    .flatMap((c) => (c.type === 'message' && c.message.conversationId === conversationId ? [c.message] : []))
    .sort((a, b) => a.seq - b.seq);
}

const messagesIn = (frame: ServerFrame): Message[] =>
  frame.type === 'changes' ? frame.changes.flatMap((c) => (c.type === 'message' ? [c.message] : [])) : [];

/** Anne's group with Karim, and a message of Anne's. */
async function sentByAnne(body = 'Kaliémie à 6,8 en chambre 12') {
  const [anne, karim, outsider] = [await started.signIn('doctor'), await started.signIn('nurse'), await started.signIn('doctor')];
  const conversationId = newId();
  await ok(anne, 'conversation.create', { conversationId, participantIds: [karim.user.id], title: 'Garde' });
  const messageId = newId();
  await ok(anne, 'message.send', { conversationId, messageId, body });
  return { anne, karim, outsider, conversationId, messageId };
}

describe('message.edit', () => {
  it('appends a line with the new body, seen by every member live and in their pull, once whatever replays', async () => {
    const { anne, karim, conversationId, messageId } = await sentByAnne();
    const live = await started.live(karim.api);
    const editId = newId();
    const first = await ok(anne, 'message.edit', { conversationId, messageId, body: 'Kaliémie à 7,1 en chambre 12' }, editId);
    expect(first.seq).toBe(2);
    // The same mutation again (a lost answer): the same line, not a second one.
    expect(await ok(anne, 'message.edit', { conversationId, messageId, body: 'Kaliémie à 7,1 en chambre 12' }, editId)).toEqual(first);
    await ok(anne, 'message.edit', { conversationId, messageId, body: 'Kaliémie à 7,2 en chambre 12' });

    const frame = await live.next((f) => messagesIn(f).some((m) => m.seq === 2));
    expect(messagesIn(frame)[0]).toMatchObject({ messageId: editId, senderId: anne.user.id, kind: 'system', system: { type: 'message.edited', messageId }, body: 'Kaliémie à 7,1 en chambre 12' });
    for (const member of [anne, karim]) {
      const messages = await pulledFromScratch(member, conversationId);
      expect(messages.map((m) => [m.seq, m.system?.type ?? 'text', m.body])).toEqual([
        [1, 'text', 'Kaliémie à 6,8 en chambre 12'],
        [2, 'message.edited', 'Kaliémie à 7,1 en chambre 12'],
        [3, 'message.edited', 'Kaliémie à 7,2 en chambre 12'],
      ]);
    }
  });

  it('is refused past the clinic\'s edit window', async () => {
    const { anne, conversationId, messageId } = await sentByAnne();
    const settings = { auditDays: 365, urgentReminderMinutes: 2, urgentReminderCount: 10, sessionIdleMinutes: 60, sessionMaxHours: 12, patientConversations: 'staff', editWindowMinutes: 0 };
    await started.redis.set(SETTINGS_KEY, JSON.stringify(settings));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await refusal(anne, 'message.edit', { conversationId, messageId, body: 'trop tard' })).toBe('edit_window_passed');
    // A redaction has no window.
    await ok(anne, 'message.redact', { conversationId, messageId });
    await started.redis.set(SETTINGS_KEY, JSON.stringify({ ...settings, editWindowMinutes: 15 }));
    const { anne: other, conversationId: c2, messageId: m2 } = await sentByAnne();
    await ok(other, 'message.edit', { conversationId: c2, messageId: m2, body: 'à temps' });
  });

  it('is refused to anyone but the author, for lines, unknown and withdrawn messages, and tells an outsider nothing', async () => {
    const { anne, karim, outsider, conversationId, messageId } = await sentByAnne();
    expect(await refusal(karim, 'message.edit', { conversationId, messageId, body: 'autre' })).toBe('forbidden');
    expect(await refusal(karim, 'message.redact', { conversationId, messageId })).toBe('forbidden');
    expect(await refusal(anne, 'message.edit', { conversationId, messageId: newId(), body: 'x' })).toBe('message_not_found');
    expect(await refusal(anne, 'message.redact', { conversationId, messageId: newId() })).toBe('message_not_found');
    // A line (here Anne's own edit's) is no message to edit.
    const editId = newId();
    await ok(anne, 'message.edit', { conversationId, messageId, body: 'corrigé' }, editId);
    expect(await refusal(anne, 'message.edit', { conversationId, messageId: editId, body: 'x' })).toBe('forbidden');
    expect(await refusal(anne, 'message.redact', { conversationId, messageId: editId })).toBe('forbidden');
    // Outside: the same answer as for a conversation that does not exist.
    expect(await refusal(outsider, 'message.edit', { conversationId, messageId, body: 'x' })).toBe('conversation_not_found');
    expect(await refusal(outsider, 'message.redact', { conversationId, messageId })).toBe('conversation_not_found');
    expect(await refusal(outsider, 'message.edit', { conversationId: newId(), messageId, body: 'x' })).toBe('conversation_not_found');
    expect(await refusal(outsider, 'message.redact', { conversationId: newId(), messageId })).toBe('conversation_not_found');
    expect(await refusal(anne, 'message.edit', { conversationId, messageId, body: '   ' })).toBe('bad_request');
    expect(await refusal(anne, 'message.edit', { conversationId, messageId, body: 'x'.repeat(8001) })).toBe('message_too_long');
    expect(await refusal(anne, 'message.redact', { conversationId, messageId, body: 'x' })).toBe('bad_request');
    await ok(anne, 'message.redact', { conversationId, messageId });
    expect(await refusal(anne, 'message.edit', { conversationId, messageId, body: 'encore' })).toBe('message_redacted');
  });
});

describe('message.redact', () => {
  it('erases the message and its versions from the server; members and new devices get "retiré", never the text', async () => {
    const { anne, karim, conversationId, messageId } = await sentByAnne('Kaliémie à 6,8');
    await ok(anne, 'message.edit', { conversationId, messageId, body: 'Kaliémie à 7,1' });
    const after = newId();
    await ok(karim, 'message.send', { conversationId, messageId: after, body: 'Je passe', replyTo: { messageId } });
    const live = await started.live(karim.api);
    const redactId = newId();
    const line = await ok(anne, 'message.redact', { conversationId, messageId }, redactId);
    expect(line.seq).toBe(4);
    // Again with the same id, and from another device with another id: the same line.
    expect(await ok(anne, 'message.redact', { conversationId, messageId }, redactId)).toEqual(line);
    expect(await ok(anne, 'message.redact', { conversationId, messageId })).toEqual(line);

    const frame = await live.next((f) => messagesIn(f).some((m) => m.seq === 4));
    expect(messagesIn(frame)[0]).toMatchObject({
      messageId: await redactionLineId(conversationId, messageId),
      senderId: anne.user.id,
      body: '',
      system: { type: 'message.redacted', messageId },
    });
    // Nothing of the text is left in the conversation's keys (log, index, dedupe records).
    const log = (await started.redis.xrange(KEYS.convLog(conversationId), '-', '+')).map(([, fields]) => fields.join(' ')).join('\n');
    expect(log).not.toContain('Kaliémie');
    expect(log).toContain('Je passe');
    const dedupe = JSON.stringify(await started.redis.hgetall(KEYS.convDedupe(conversationId)));
    expect(dedupe).not.toContain('Kaliémie');
    expect(await started.redis.hget(KEYS.convMessageIds(conversationId), messageId)).toBe(`1 ${anne.user.id} 0`);
    // A new device of Karim's pulls the history: the withdrawn state, in the same seqs.
    const messages = await pulledFromScratch(karim, conversationId);
    expect(messages.map((m) => [m.seq, m.system?.type ?? 'text', m.body, m.redacted ?? false])).toEqual([
      [1, 'text', '', true],
      [2, 'message.edited', '', true],
      [3, 'text', 'Je passe', false],
      [4, 'message.redacted', '', false],
    ]);
    // The history page (older messages) says the same.
    const page = await karim.api.get(`/api/conversations/${conversationId}/messages?limit=10`);
    expect(JSON.stringify(page.body)).not.toContain('Kaliémie');
    // A message sent after the rewrite takes the next seq: the log goes on.
    expect((await ok(karim, 'message.send', { conversationId, messageId: newId(), body: 'suite' })).seq).toBe(5);
  });

  it('leaves the export to the patient record with the last text of an edited message and without a withdrawn one', async () => {
    const [doctor, nurse] = [await started.signIn('doctor'), await started.signIn('nurse')];
    const conversationId = newId();
    await ok(doctor, 'conversation.create', { conversationId, participantIds: [nurse.user.id], title: 'Suivi', patient: { nationalId: '285077512345678', displayName: 'Mme Jeanne Petit' } });
    const [edited, withdrawn] = [newId(), newId()];
    await ok(doctor, 'message.send', { conversationId, messageId: edited, body: 'Furosémide 40 mg' });
    await ok(doctor, 'message.edit', { conversationId, messageId: edited, body: 'Furosémide 80 mg' });
    await ok(doctor, 'message.send', { conversationId, messageId: withdrawn, body: 'Erreur de patient' });
    await ok(doctor, 'message.redact', { conversationId, messageId: withdrawn });
    const answer = await doctor.api.request('GET', `/api/conversations/${conversationId}/export/fhir`);
    expect(answer.status).toBe(200);
    const text = JSON.stringify(answer.body);
    expect(text).toContain('Furosémide 80 mg');
    expect(text).not.toContain('Furosémide 40 mg');
    expect(text).not.toContain('Erreur de patient');
  });

  it('is audited as message.edited / message.redacted, ids only', async () => {
    const { anne, conversationId, messageId } = await sentByAnne('Potassium 6,8');
    await ok(anne, 'message.edit', { conversationId, messageId, body: 'Potassium 7,1' });
    await ok(anne, 'message.redact', { conversationId, messageId });
    const bodies = (await started.redis.xrange(AUDIT_KEYS.log, '-', '+')).map(([, fields]) => fieldOf(fields, 'body') ?? '');
    const entries = bodies.filter((b) => b.includes(messageId)).map((b) => JSON.parse(b) as Record<string, unknown>);
    expect(entries).toEqual([
      expect.objectContaining({ action: 'message.edited', actor: anne.user.id, conversationId, target: messageId }),
      expect.objectContaining({ action: 'message.redacted', actor: anne.user.id, conversationId, target: messageId }),
    ]);
    expect(bodies.some((b) => b.includes('Potassium'))).toBe(false);
  });
});
