import { describe, expect, it } from 'vitest';
import { AUDIT_KEYS, fieldOf } from '../../../src/server/audit/audit-log.ts';
import { newId } from '../../../src/shared/ids.ts';
import type { Change, Message } from '../../../src/shared/model.ts';
import { ackLineId } from '../../../src/shared/urgent-ack.ts';
import { useGateway, type SignedIn } from '../fixture.ts';

/**
 * `message.ack`: a recipient of an urgent message acknowledges it ("Pris en compte") or claims it
 * ("Je prends en charge"). One `urgent.ack` system line per recipient and kind, in the conversation's
 * seq order, written as theirs under a derived id; refused to the sender, for an ordinary message, an
 * unknown message and to anyone outside; audited.
 */

const DB = 7;
const started = useGateway({ db: DB });

async function ok(who: SignedIn, kind: string, args: Record<string, unknown> & { messageId?: string }): Promise<unknown> {
  // A message's mutation id is its message id.
  const [result] = await who.api.push([{ id: kind === 'message.send' ? args.messageId : newId(), kind, args }]);
  expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
  return result?.result;
}

async function refused(who: SignedIn, args: object): Promise<string | undefined> {
  const [result] = await who.api.push([{ id: newId(), kind: 'message.ack', args }]);
  expect(result?.ok).toBe(false);
  return result?.error?.code;
}

/** What `who` pulls of the conversation, in seq order. */
async function messagesOf(who: SignedIn, conversationId: string): Promise<Message[]> {
  const reply = await who.api.get('/api/sync/pull');
  expect(reply.status).toBe(200);
  return (reply.body as { changes: Change[] }).changes
    .flatMap((c) => (c.type === 'message' && c.message.conversationId === conversationId ? [c.message] : []))
    .sort((a, b) => a.seq - b.seq);
}

/** Anne's group with Karim and Zoé, an urgent message and an ordinary one from Anne. */
async function urgentInGroup() {
  const [anne, karim, zoe, outsider] = [await started.signIn('doctor'), await started.signIn('doctor'), await started.signIn('nurse'), await started.signIn('doctor')];
  const conversationId = newId();
  await ok(anne, 'conversation.create', { conversationId, participantIds: [karim.user.id, zoe.user.id], title: 'Garde' });
  const urgentId = newId();
  await ok(anne, 'message.send', { conversationId, messageId: urgentId, body: 'Kaliémie à 6,8 en chambre 12', urgent: true });
  const plainId = newId();
  await ok(anne, 'message.send', { conversationId, messageId: plainId, body: 'Merci' });
  return { anne, karim, zoe, outsider, conversationId, urgentId, plainId };
}

describe('message.ack', () => {
  it('leaves one line per recipient and kind, as theirs, in seq order, seen by every member', async () => {
    const { anne, karim, zoe, conversationId, urgentId } = await urgentInGroup();
    const first = (await ok(karim, 'message.ack', { conversationId, messageId: urgentId })) as { seq: number };
    expect(first.seq).toBe(3);
    // Again, from another device (another mutation id): the same line, not a second one.
    expect(await ok(karim, 'message.ack', { conversationId, messageId: urgentId })).toEqual(first);
    // Then Zoé claims it; Karim claims it too (a claim is another line than his acknowledgement).
    await ok(zoe, 'message.ack', { conversationId, messageId: urgentId, claim: true });
    await ok(karim, 'message.ack', { conversationId, messageId: urgentId, claim: true });

    for (const member of [anne, karim, zoe]) {
      const lines = (await messagesOf(member, conversationId)).filter((m) => m.kind === 'system');
      expect(lines.map((m) => [m.seq, m.senderId, m.system])).toEqual([
        [3, karim.user.id, { type: 'urgent.ack', messageId: urgentId, claim: false }],
        [4, zoe.user.id, { type: 'urgent.ack', messageId: urgentId, claim: true }],
        [5, karim.user.id, { type: 'urgent.ack', messageId: urgentId, claim: true }],
      ]);
      expect(lines[0]?.messageId).toBe(await ackLineId(conversationId, urgentId, karim.user.id, false));
      expect(lines.every((m) => m.body === '' && m.urgent === false)).toBe(true);
    }
  });

  it('is refused to the sender, for an ordinary message or a line, for an unknown message, and to anyone outside', async () => {
    const { anne, karim, outsider, conversationId, urgentId, plainId } = await urgentInGroup();
    expect(await refused(anne, { conversationId, messageId: urgentId })).toBe('ack_not_expected');
    expect(await refused(karim, { conversationId, messageId: plainId })).toBe('ack_not_expected');
    await ok(karim, 'message.ack', { conversationId, messageId: urgentId });
    const line = await ackLineId(conversationId, urgentId, karim.user.id, false);
    expect(await refused(anne, { conversationId, messageId: line })).toBe('ack_not_expected');
    expect(await refused(karim, { conversationId, messageId: newId() })).toBe('message_not_found');
    // Outside: the same answer as for a conversation that does not exist.
    expect(await refused(outsider, { conversationId, messageId: urgentId })).toBe('conversation_not_found');
    expect(await refused(outsider, { conversationId: newId(), messageId: urgentId })).toBe('conversation_not_found');
    expect(await refused(karim, { conversationId, messageId: urgentId, claim: 'oui' })).toBe('bad_request');
    expect(await refused(karim, { conversationId, messageId: urgentId, by: anne.user.id })).toBe('bad_request');
  });

  it('cannot be forged: a message may not take a derived id, nor carry a system line', async () => {
    const { anne, karim, zoe, conversationId, urgentId } = await urgentInGroup();
    // Zoé would stand for Karim's acknowledgement (and silence his reminders) by taking its id first.
    const karimsLine = await ackLineId(conversationId, urgentId, karim.user.id, false);
    const [taken] = await zoe.api.push([{ id: karimsLine, kind: 'message.send', args: { conversationId, messageId: karimsLine, body: 'vu' } }]);
    expect(taken).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const systemId = newId();
    const [forged] = await zoe.api.push([
      { id: systemId, kind: 'message.send', args: { conversationId, messageId: systemId, body: '', kind: 'system', system: { type: 'urgent.ack', messageId: urgentId, claim: true } } },
    ]);
    expect(forged).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    // Karim's own acknowledgement still goes through, under its id.
    await ok(karim, 'message.ack', { conversationId, messageId: urgentId });
    const lines = (await messagesOf(anne, conversationId)).filter((m) => m.kind === 'system');
    expect(lines.map((m) => [m.messageId, m.senderId])).toEqual([[karimsLine, karim.user.id]]);
  });

  it('is recorded in the audit trail: who, which message, acknowledgement or claim — never the content', async () => {
    const { karim, zoe, conversationId, urgentId } = await urgentInGroup();
    await ok(karim, 'message.ack', { conversationId, messageId: urgentId });
    await ok(zoe, 'message.ack', { conversationId, messageId: urgentId, claim: true });
    const bodies = (await started.redis.xrange(AUDIT_KEYS.log, '-', '+')).map(([, fields]) => fieldOf(fields, 'body') ?? '');
    const acks = bodies.filter((b) => b.includes('"message.acknowledged"') && b.includes(urgentId)).map((b) => JSON.parse(b) as Record<string, unknown>);
    expect(acks).toEqual([
      expect.objectContaining({ actor: karim.user.id, conversationId, target: urgentId, detail: 'ack' }),
      expect.objectContaining({ actor: zoe.user.id, conversationId, target: urgentId, detail: 'claim' }),
    ]);
    expect(bodies.some((b) => b.includes('Kaliémie'))).toBe(false);
  });

  it('lists the sender\'s urgent messages still waiting (GET /api/urgent/open), with who waits and who answered, until all have', async () => {
    const { anne, karim, zoe, conversationId, urgentId } = await urgentInGroup();
    const openOf = async (who: SignedIn) => {
      const reply = await who.api.get('/api/urgent/open');
      expect(reply.status).toBe(200);
      return (reply.body as { urgent: { messageId: string; waiting: { userId: string }[]; answered: { userId: string; claim: boolean }[] }[] }).urgent;
    };
    const before = await openOf(anne);
    expect(before).toEqual([
      expect.objectContaining({ conversationId, messageId: urgentId, seq: 1, title: 'Garde', waiting: expect.arrayContaining([expect.objectContaining({ userId: karim.user.id }), expect.objectContaining({ userId: zoe.user.id })]), answered: [] }),
    ]);
    // Never the text: ids, names and states only.
    expect(JSON.stringify(before)).not.toContain('Kaliémie');
    // Nobody else's list holds it.
    expect(await openOf(karim)).toEqual([]);
    await ok(karim, 'message.ack', { conversationId, messageId: urgentId, claim: true });
    const half = await openOf(anne);
    expect(half[0]?.waiting.map((w) => w.userId)).toEqual([zoe.user.id]);
    expect(half[0]?.answered).toEqual([expect.objectContaining({ userId: karim.user.id, claim: true })]);
    await ok(zoe, 'message.ack', { conversationId, messageId: urgentId });
    expect(await openOf(anne)).toEqual([]);
  });
});
