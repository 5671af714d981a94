import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { newId } from '../../../../src/shared/ids.ts';
import type { Change, Conversation } from '../../../../src/shared/model.ts';
import { RelaisDb } from '../../../../src/sw/store/db.ts';
import { listConversationPage } from '../../../../src/sw/store/queries.ts';
import { freshIdb } from '../kit/device.ts';
import { applyFor, conversationOf, messagesFrom, userNamed } from '../kit/model.ts';

/** A conversation dropped (deleted, or I was removed), and my own archive and "delete for me", as changes apply them. */

const anne = userNamed('anne', 'Anne Martin');
const therese = userNamed('therese', 'Thérèse Durand', 'nurse');
const conversation = (fields: Partial<Conversation> = {}): Conversation => conversationOf([anne, therese], fields);
const serverMessage = messagesFrom(therese);
const apply = (db: RelaisDb, changes: Change[]) => applyFor(db, anne.id, changes);

describe('lifecycle changes in the local store', () => {
  it('drops a conversation deleted for everyone with its messages and queued mutations', async () => {
    const db = new RelaisDb(anne.id, freshIdb());
    const c = conversation();
    await apply(db, [{ type: 'conversation', conversation: c }, { type: 'message', message: serverMessage(c.id, 1) }]);
    await db.outbox.add({ id: newId(), kind: 'read.mark', args: { conversationId: c.id, seq: 1 }, createdAt: 0, attempts: 0, nextAttemptAt: 0 } as never);
    await apply(db, [{ type: 'conversation.deleted', conversationId: c.id, by: anne.id }]);
    expect(await db.conversations.count()).toBe(0);
    expect(await db.messages.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
  });

  it('drops a group I was removed from', async () => {
    const db = new RelaisDb(anne.id, freshIdb());
    const c = conversation({ kind: 'group', title: 'Bloc' });
    await apply(db, [{ type: 'conversation', conversation: c }]);
    await apply(db, [{ type: 'conversation', conversation: { ...c, participants: c.participants.filter((p) => p.id !== anne.id) } }]);
    expect(await db.conversations.get(c.id)).toBeUndefined();
  });

  it('keeps the whole history for a member added later, older versions without them included', async () => {
    const db = new RelaisDb(anne.id, freshIdb());
    const withoutAnne = conversation({ kind: 'group', title: 'Bloc', participants: [{ id: therese.id, displayName: therese.displayName, role: therese.role }] });
    await apply(db, [
      { type: 'conversation', conversation: withoutAnne },
      { type: 'message', message: serverMessage(withoutAnne.id, 1) },
      { type: 'conversation', conversation: { ...withoutAnne, title: 'Bloc B' } },
      { type: 'message', message: serverMessage(withoutAnne.id, 2) },
      { type: 'conversation', conversation: { ...withoutAnne, title: 'Bloc B', participants: conversation().participants } },
    ]);
    expect((await db.messages.toArray()).map((m) => m.body).sort()).toEqual(['m1', 'm2']);
    expect((await db.conversations.get(withoutAnne.id))?.title).toBe('Bloc B');
  });

  it('purges the history deleted for me and never brings it back on a resync', async () => {
    const db = new RelaisDb(anne.id, freshIdb());
    const c = conversation();
    const old = serverMessage(c.id, 1);
    await apply(db, [{ type: 'conversation', conversation: c }, { type: 'message', message: old }]);
    await apply(db, [{ type: 'conversation.userState', conversationId: c.id, userId: anne.id, archivedAtSeq: null, hiddenUpToSeq: 1 }]);
    expect(await db.messages.count()).toBe(0);
    await apply(db, [{ type: 'message', message: old }]);
    expect(await db.messages.count()).toBe(0);
    let page = await listConversationPage(db, anne.id);
    expect(page.conversations).toEqual([]);
    // A new message brings the conversation back, with that message only.
    await apply(db, [{ type: 'message', message: serverMessage(c.id, 2) }]);
    page = await listConversationPage(db, anne.id);
    expect(page.conversations.map((s) => s.lastMessage?.body)).toEqual(['m2']);
  });

  it('ignores another user’s state (the server never sends it, but a bad frame must not apply)', async () => {
    const db = new RelaisDb(anne.id, freshIdb());
    const c = conversation();
    await apply(db, [{ type: 'conversation', conversation: c }]);
    await apply(db, [{ type: 'conversation.userState', conversationId: c.id, userId: therese.id, archivedAtSeq: 0, hiddenUpToSeq: 0 }]);
    expect(await db.convStates.count()).toBe(0);
  });
});
