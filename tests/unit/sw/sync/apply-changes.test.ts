import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { newId } from '../../../../src/shared/ids.ts';
import type { Change, Conversation, Message } from '../../../../src/shared/model.ts';
import type { LocalMessage } from '../../../../src/shared/local-model.ts';
import type { ApplyOutcome } from '../../../../src/sw/sync/apply-changes.ts';
import { RelaisDb } from '../../../../src/sw/store/db.ts';
import { enqueueMessage } from '../../../../src/sw/sync/outbox.ts';
import { freshIdb, pendingMessage } from '../kit/device.ts';
import { applyFor, asChanges, conversationOf, messagesFrom, userNamed } from '../kit/model.ts';

/**
 * applyChanges() applies the consecutive messages of a batch (a pull page, live frames put
 * together) in a few requests: these tests hold it to what applying them one by one did.
 */

const anne = userNamed('anne', 'Anne Martin');
const paul = userNamed('paul', 'Paul Durand', 'nurse');
const conversation = (): Conversation => conversationOf([anne, paul]);
const serverMessage = messagesFrom(paul);
const apply = (db: RelaisDb, changes: Change[], options: { detectGaps?: boolean; notify?: boolean } = {}): Promise<ApplyOutcome> =>
  applyFor(db, anne.id, changes, options);

async function storeWith(...messages: Message[]): Promise<{ db: RelaisDb; c: Conversation }> {
  const db = new RelaisDb(anne.id, freshIdb());
  const c = conversation();
  await apply(db, [{ type: 'conversation', conversation: c }, ...asChanges(...messages.map((m) => ({ ...m, conversationId: c.id })))]);
  return { db, c };
}

describe('applyChanges() on a batch of messages', () => {
  it('stores a message once when a batch holds it twice (a duplicated live event)', async () => {
    const { db, c } = await storeWith();
    const first = serverMessage(c.id, 1);
    const outcome = await apply(db, asChanges(first, serverMessage(c.id, 2), { ...first }), { notify: true });
    expect((await db.messages.toArray()).map((m) => m.seq).sort()).toEqual([1, 2]);
    expect(await db.notifications.count()).toBe(2);
    expect([...outcome.touched]).toEqual([c.id]);
  });

  it('keeps the later version when a message comes back changed in the same batch', async () => {
    const { db, c } = await storeWith();
    const message = serverMessage(c.id, 1);
    await apply(db, asChanges(message, { ...message, seq: 2, serverTime: 2_000 }));
    expect(await db.messages.get(message.messageId)).toMatchObject({ seq: 2, time: 2_000, status: 'sent' });
  });

  it('turns the pending local copy sent and clears its outbox entry, keeping the others', async () => {
    const db = new RelaisDb(anne.id, freshIdb());
    const c = conversation();
    await apply(db, [{ type: 'conversation', conversation: c }]);
    const mine = pendingMessage(c.id, anne, 'Bilan envoyé', 5);
    const other = pendingMessage(c.id, anne, 'Encore en attente', 6);
    await enqueueMessage(db, mine, 5);
    await enqueueMessage(db, other, 6);
    const outcome = await apply(db, asChanges(serverMessage(c.id, 1), serverMessage(c.id, 2, { messageId: mine.messageId, senderId: anne.id, body: mine.body })));
    expect(await db.messages.get(mine.messageId)).toMatchObject({ status: 'sent', seq: 2, time: 2_000 });
    expect(await db.messages.get(other.messageId)).toMatchObject({ status: 'pending', seq: null });
    expect((await db.outbox.toArray()).map((entry) => entry.id)).toEqual([other.messageId]);
    expect(outcome.touched.has(c.id)).toBe(true);
  });

  it('removes the local files of a sent message whose attachments were local', async () => {
    const db = new RelaisDb(anne.id, freshIdb());
    const c = conversation();
    await apply(db, [{ type: 'conversation', conversation: c }]);
    const localId = newId();
    const mine: LocalMessage = { ...pendingMessage(c.id, anne, 'Radio', 5), attachments: [{ localId, name: 'radio.png', mime: 'image/png', size: 3 }] };
    await enqueueMessage(db, mine, 5);
    await db.files.put({ localId, messageId: mine.messageId, conversationId: c.id, name: 'radio.png', mime: 'image/png', bytes: new ArrayBuffer(3) });
    const keptId = newId();
    await db.files.put({ localId: keptId, messageId: newId(), conversationId: c.id, name: 'autre.png', mime: 'image/png', bytes: new ArrayBuffer(3) });
    const attachment = { id: 'a'.repeat(64), name: 'radio.png', mime: 'image/png' as const, size: 3 };
    await apply(db, asChanges(serverMessage(c.id, 1, { messageId: mine.messageId, senderId: anne.id, body: 'Radio', attachments: [attachment] })));
    expect((await db.files.toArray()).map((file) => file.localId)).toEqual([keptId]);
  });

  it('leaves a message already stored as sent as it is (not touched again)', async () => {
    const message = serverMessage('', 1);
    const { db, c } = await storeWith(message);
    const outcome = await apply(db, asChanges({ ...message, conversationId: c.id }));
    expect(outcome.touched.size).toBe(0);
    expect(await db.messages.count()).toBe(1);
  });

  it('never brings back what was deleted for me, in any position of the batch', async () => {
    const { db, c } = await storeWith();
    const batch = [serverMessage(c.id, 1), serverMessage(c.id, 2), serverMessage(c.id, 3)];
    await apply(db, [
      { type: 'conversation.userState', conversationId: c.id, userId: anne.id, archivedAtSeq: null, hiddenUpToSeq: 2 },
      ...asChanges(...batch),
    ]);
    expect((await db.messages.toArray()).map((m) => m.seq)).toEqual([3]);
    // A state change between two runs of messages applies to the run after it only.
    await apply(db, [
      ...asChanges(serverMessage(c.id, 4)),
      { type: 'conversation.userState', conversationId: c.id, userId: anne.id, archivedAtSeq: null, hiddenUpToSeq: 5 },
      ...asChanges(serverMessage(c.id, 5), serverMessage(c.id, 6)),
    ]);
    expect((await db.messages.toArray()).map((m) => m.seq)).toEqual([6]);
  });

  it('detects a gap against the last local seq of each conversation, and none for consecutive seqs', async () => {
    const { db, c } = await storeWith(serverMessage('', 1), serverMessage('', 2));
    const other = conversation();
    await apply(db, [{ type: 'conversation', conversation: other }]);
    let outcome = await apply(db, asChanges(serverMessage(c.id, 3), serverMessage(other.id, 1), serverMessage(c.id, 4), serverMessage(other.id, 2)), { detectGaps: true });
    expect([...outcome.gaps]).toEqual([]);
    outcome = await apply(db, asChanges(serverMessage(c.id, 5), serverMessage(other.id, 4), serverMessage(c.id, 7)), { detectGaps: true });
    expect([...outcome.gaps].sort()).toEqual([c.id, other.id].sort());
  });

  it('applies a conversation drop in order: messages before it go, messages after it stay', async () => {
    const { db, c } = await storeWith();
    await apply(db, [...asChanges(serverMessage(c.id, 1)), { type: 'conversation.deleted', conversationId: c.id, by: anne.id }, ...asChanges(serverMessage(c.id, 2))]);
    expect((await db.messages.toArray()).map((m) => m.seq)).toEqual([2]);
  });

  it('notifies each new message from someone else once, not mine, not one already read', async () => {
    const { db, c } = await storeWith();
    const read = serverMessage(c.id, 1);
    const fresh = serverMessage(c.id, 3, { urgent: true });
    await apply(
      db,
      [
        { type: 'read', conversationId: c.id, userId: anne.id, seq: 1 },
        ...asChanges(read, serverMessage(c.id, 2, { senderId: anne.id }), fresh, { ...fresh }),
      ],
      { notify: true },
    );
    const rows = await db.notifications.toArray();
    expect(rows.map((n) => n.id)).toEqual([fresh.messageId]);
    expect(rows[0]).toMatchObject({ title: 'Message urgent de Paul Durand', body: 'm3', seq: 3, urgent: true, read: false });
    // The same batch again (the pull after the live frame): nothing new.
    await apply(db, asChanges(fresh), { notify: true });
    expect(await db.notifications.count()).toBe(1);
  });

  it('notifies a missed call but not another system line', async () => {
    const { db, c } = await storeWith();
    const missed = serverMessage(c.id, 1, { body: '', kind: 'system', system: { type: 'call.missed', callId: newId() } });
    const renamed = serverMessage(c.id, 2, { body: '', kind: 'system', system: { type: 'conversation.renamed', by: paul.id, title: 'Bloc' } });
    await apply(db, asChanges(missed, renamed), { notify: true });
    expect((await db.notifications.toArray()).map((n) => n.type)).toEqual(['missed_call']);
  });
});

describe('applyChanges() and message ids', () => {
  const hostile = userNamed('mallory', 'Mallory', 'nurse');

  async function logged(run: () => Promise<unknown>): Promise<unknown[][]> {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await run();
      return spy.mock.calls;
    } finally {
      spy.mockRestore();
    }
  }

  it('drops a message reusing the id of a stored message of another sender, logging ids only, and applies the rest', async () => {
    const { db, c } = await storeWith();
    const original = serverMessage(c.id, 1, { body: 'Patient stable' });
    await apply(db, asChanges(original));
    const forged = { ...original, seq: 1, senderId: hostile.id, body: 'Arrêter le traitement' };
    const next = serverMessage(c.id, 2);
    const calls = await logged(() => apply(db, asChanges(forged, next), { notify: true }));
    expect(await db.messages.get(original.messageId)).toMatchObject({ senderId: paul.id, body: 'Patient stable' });
    expect(await db.messages.get(next.messageId)).toMatchObject({ seq: 2 });
    expect((await db.notifications.toArray()).map((n) => n.messageId)).toEqual([next.messageId]);
    expect(calls).toEqual([['relais sw: message id reuse failed', 'unknown', c.id, original.messageId]]);
    expect(JSON.stringify(calls)).not.toContain('traitement');
  });

  it('drops a message reusing the id of a stored message it did not read (another seq), by its key', async () => {
    const { db, c } = await storeWith();
    const original = serverMessage(c.id, 1, { body: 'Patient stable' });
    await apply(db, asChanges(original));
    // Far from seq 1: the run reads only its own seq range, so the copy is found by its key.
    const forged = { ...original, seq: 40, serverTime: 40_000, senderId: hostile.id, body: 'faux' };
    const calls = await logged(() => apply(db, asChanges(serverMessage(c.id, 39), forged), { notify: true }));
    expect(await db.messages.get(original.messageId)).toMatchObject({ seq: 1, senderId: paul.id, body: 'Patient stable' });
    expect(await db.messages.count()).toBe(2);
    expect(await db.notifications.count()).toBe(1);
    expect(calls).toEqual([['relais sw: message id reuse failed', 'unknown', c.id, original.messageId]]);
  });

  it('never lets a message of another conversation replace a stored one, nor my pending message and its outbox entry', async () => {
    const { db, c } = await storeWith();
    const elsewhere = conversationOf([anne, hostile]);
    await apply(db, [{ type: 'conversation', conversation: elsewhere }]);
    const original = serverMessage(c.id, 1);
    await apply(db, asChanges(original));
    const mine = pendingMessage(c.id, anne, 'Bilan', 5);
    await enqueueMessage(db, mine, 5);
    await logged(() =>
      apply(db, asChanges(
        { ...original, conversationId: elsewhere.id },
        serverMessage(c.id, 2, { messageId: mine.messageId, senderId: hostile.id, body: 'faux' }),
      )),
    );
    expect(await db.messages.get(original.messageId)).toMatchObject({ conversationId: c.id, body: 'm1' });
    expect(await db.messages.get(mine.messageId)).toMatchObject({ status: 'pending', senderId: anne.id, body: 'Bilan' });
    expect((await db.outbox.toArray()).map((entry) => entry.id)).toEqual([mine.messageId]);
  });
});

describe('messages with replies and files', () => {
  it('keeps the quoted message and the attachments of a received message', async () => {
    const db = new RelaisDb(anne.id, freshIdb());
    const c = conversation();
    const replyTo = { messageId: newId(), senderId: anne.id };
    const attachments = [{ id: 'a'.repeat(64), name: 'radio.png', mime: 'image/png' as const, size: 10, thumbId: 'b'.repeat(64) }];
    await apply(db, [{ type: 'conversation', conversation: c }, { type: 'message', message: serverMessage(c.id, 1, { replyTo, attachments }) }]);
    const [stored] = (await db.messages.toArray()) as LocalMessage[];
    expect(stored).toMatchObject({ replyTo, attachments });
  });
});
