import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { newId } from '../../../../src/shared/ids.ts';
import type { Change, Conversation, Message } from '../../../../src/shared/model.ts';
import { RelaisDb } from '../../../../src/sw/store/db.ts';
import { searchLocal } from '../../../../src/sw/store/search.ts';
import { enqueueMutation } from '../../../../src/sw/sync/outbox.ts';
import { applyPushResults } from '../../../../src/sw/sync/push-results.ts';
import { freshIdb } from '../kit/device.ts';
import { applyFor, conversationOf, messagesFrom, userNamed } from '../kit/model.ts';

/** Edits and redactions applied on a device (sw/store/amend.ts through the apply path). */

const anne = userNamed('anne', 'Anne Martin');
const paul = userNamed('paul', 'Paul Durand', 'nurse');
const fromPaul = messagesFrom(paul);
const conversation = (): Conversation => conversationOf([anne, paul]);
const asChanges = (messages: Message[]): Change[] => messages.map((message) => ({ type: 'message', message }));
const apply = (db: RelaisDb, messages: Message[]) => applyFor(db, anne.id, asChanges(messages), { notify: true });

function editOf(c: Conversation, target: Message, seq: number, body: string, fields: Partial<Message> = {}): Message {
  return fromPaul(c.id, seq, { body, kind: 'system', system: { type: 'message.edited', messageId: target.messageId }, ...fields });
}

function redactionOf(c: Conversation, target: Message, seq: number): Message {
  return fromPaul(c.id, seq, { body: '', kind: 'system', system: { type: 'message.redacted', messageId: target.messageId } });
}

async function newStore(c: Conversation): Promise<RelaisDb> {
  const db = new RelaisDb(anne.id, freshIdb());
  await applyFor(db, anne.id, [{ type: 'conversation', conversation: c }]);
  return db;
}

/** Every row of every table of the device's store, as text. */
async function dump(db: RelaisDb): Promise<string> {
  const tables = await Promise.all(db.tables.map(async (table) => [table.name, await table.toArray()] as const));
  return JSON.stringify(tables);
}

const snippets = async (db: RelaisDb, query: string) => (await searchLocal(db, query)).map((hit) => hit.snippet);

describe('amendMessage() through applyChanges()', () => {
  it('applies an edit once: new text, the previous one in versions, never unread, found by search under the new text only', async () => {
    const c = conversation();
    const db = await newStore(c);
    const target = fromPaul(c.id, 1, { body: 'Potassium 5 mmol' });
    await apply(db, [target]);
    const edit = editOf(c, target, 2, 'Potassium 10 mmol');
    await apply(db, [edit]);
    // The same line again (a reset pull, a live frame after the pull): nothing more.
    await apply(db, [edit]);
    const stored = await db.messages.get(target.messageId);
    expect(stored).toMatchObject({ body: 'Potassium 10 mmol', editedAt: edit.serverTime, versions: [{ body: 'Potassium 5 mmol', time: target.serverTime }] });
    const line = await db.messages.get(edit.messageId);
    expect(line?.body).toBe('');
    expect(line?.ownKey).toEqual([c.id, 2]);
    expect(await snippets(db, '10 mmol')).toEqual(['Potassium 10 mmol']);
    expect(await snippets(db, '5 mmol')).toEqual([]);
    // The queued notification reads the new text.
    expect((await db.notifications.get(target.messageId))?.body).toBe('Potassium 10 mmol');
  });

  it('ignores a line about someone else\'s message, and an older edit after a newer one', async () => {
    const c = conversation();
    const db = await newStore(c);
    const mine = messagesFrom(anne)(c.id, 1, { body: 'à moi' });
    const target = fromPaul(c.id, 2, { body: 'v1' });
    await apply(db, [mine, target]);
    await apply(db, [editOf(c, mine, 3, 'volé'), redactionOf(c, mine, 4)]);
    expect((await db.messages.get(mine.messageId))?.body).toBe('à moi');
    const late = editOf(c, target, 6, 'v3');
    await apply(db, [late, editOf(c, target, 5, 'v2', { serverTime: 5_500, messageId: newId() })]);
    expect((await db.messages.get(target.messageId))?.body).toBe('v3');
  });

  it('erases a withdrawn message and its versions from every table, the search index included', async () => {
    const c = conversation();
    const db = await newStore(c);
    const history = Array.from({ length: 1_100 }, (_, i) => fromPaul(c.id, i + 1, { body: `Suivi ${i + 1}` }));
    const target = fromPaul(c.id, 1_101, { body: 'Kaliémie 6,8', attachments: [{ id: 'a'.repeat(64), name: 'bilan.pdf', mime: 'application/pdf', size: 10 }] });
    await apply(db, [...history.slice(0, 500)]);
    await apply(db, [...history.slice(500), target]);
    await apply(db, [editOf(c, target, 1_102, 'Kaliémie 7,1')]);
    await apply(db, [fromPaul(c.id, 1_103, { body: "suite" })]);
  await apply(db, [redactionOf(c, target, 1_104)]);
    expect(await db.messages.get(target.messageId)).toMatchObject({ body: '', redacted: true });
    expect((await db.messages.get(target.messageId))?.versions).toBeUndefined();
    expect((await db.messages.get(target.messageId))?.editedAt).toBeUndefined();
    expect((await db.messages.get(target.messageId))?.attachments).toBeUndefined();
    expect(await snippets(db, 'kaliemie')).toEqual([]);
    const all = await dump(db);
    expect(all).not.toContain('Kali');
    expect(all).not.toContain('kali');
    expect(all).not.toContain('bilan.pdf');
    // An edit arriving after the withdrawal (another order on the wire) brings nothing back.
    await apply(db, [editOf(c, target, 1_102, 'Kaliémie 7,1', { messageId: newId(), serverTime: 2_000_000 })]);
    expect(await dump(db)).not.toContain('Kali');
  });

  it('applies lines that came before their message (frames out of order) once it comes, versions in time order', async () => {
    const c = conversation();
    const db = await newStore(c);
    const target = fromPaul(c.id, 1, { body: 'Dose 5 mg' });
    const [first, second] = [editOf(c, target, 2, 'Dose 7 mg'), editOf(c, target, 3, 'Dose 10 mg')];
    const other = fromPaul(c.id, 4, { body: 'Chambre 3' });
    // The second edit first, then the message, then the first edit.
    await apply(db, [second]);
    await apply(db, [target]);
    await apply(db, [first]);
    expect(await db.messages.get(target.messageId)).toMatchObject({
      body: 'Dose 10 mg',
      versions: [{ body: 'Dose 5 mg', time: target.serverTime }, { body: 'Dose 7 mg', time: first.serverTime }],
    });
    expect((await db.messages.get(second.messageId))?.body).toBe('');
    // A withdrawal before its message: the message comes withdrawn, its text nowhere, not even in the queued notification.
    const redaction = redactionOf(c, other, 5);
    await apply(db, [redaction]);
    await apply(db, [other]);
    expect(await db.messages.get(other.messageId)).toMatchObject({ body: '', redacted: true });
    expect(await snippets(db, 'chambre')).toEqual([]);
    expect(await dump(db)).not.toContain('Chambre 3');
    expect(await snippets(db, 'dose 10')).toEqual(['Dose 10 mg']);
  });

  it('shows a history pulled from scratch after a withdrawal as withdrawn (the server sends it blank)', async () => {
    const c = conversation();
    const db = await newStore(c);
    const target = fromPaul(c.id, 1, { body: '', redacted: true });
    await apply(db, [target, editOf(c, target, 2, '', { redacted: true }), redactionOf(c, target, 3)]);
    expect(await db.messages.get(target.messageId)).toMatchObject({ body: '', redacted: true });
    expect((await db.messages.get(target.messageId))?.versions).toBeUndefined();
  });
});

describe('applyPushResults() for message.edit', () => {
  it('drops the pending text and keeps why when the server refuses the edit', async () => {
    const c = conversation();
    const db = await newStore(c);
    const mine = messagesFrom(anne)(c.id, 1, { body: 'Dose 5 mg' });
    await apply(db, [mine]);
    await db.messages.update(mine.messageId, { pendingBody: 'Dose 10 mg' });
    const id = newId();
    await enqueueMutation(db, { id, kind: 'message.edit', args: { conversationId: c.id, messageId: mine.messageId, body: 'Dose 10 mg' } }, 10);
    const entries = await db.outbox.toArray();
    await applyPushResults(db, entries, [{ id, ok: false, error: { code: 'edit_window_passed' } }]);
    const stored = await db.messages.get(mine.messageId);
    expect(stored?.pendingBody).toBeUndefined();
    expect(stored).toMatchObject({ body: 'Dose 5 mg', editError: 'edit_window_passed' });
    expect(await db.outbox.count()).toBe(0);
  });
});

describe('applyPushResults() announces', () => {
  it('the conversations whose local data changed, not those of a read mark or an opening that settled', async () => {
    const c = conversation();
    const db = await newStore(c);
    const [read, open, send] = [newId(), newId(), newId()];
    await enqueueMutation(db, { id: read, kind: 'read.mark', args: { conversationId: c.id, seq: 3 } }, 10);
    await enqueueMutation(db, { id: open, kind: 'conversation.open', args: { conversationId: c.id } }, 10);
    const settled = await applyPushResults(db, await db.outbox.toArray(), [
      { id: read, ok: true, result: {} },
      { id: open, ok: true, result: {} },
    ]);
    expect(settled).toMatchObject({ settled: 2, transientCode: null });
    expect([...settled.touched]).toEqual([]);
    expect(await db.outbox.count()).toBe(0);

    // A message refused for good is marked failed: its conversation is announced.
    await enqueueMutation(db, { id: send, kind: 'message.send', args: { conversationId: c.id, messageId: send, body: 'Bilan' } }, 10);
    const refused = await applyPushResults(db, await db.outbox.toArray(), [{ id: send, ok: false, error: { code: 'conversation_not_found' } }]);
    expect([...refused.touched]).toEqual([c.id]);
  });
});
