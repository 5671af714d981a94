import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { newId } from '../../src/shared/ids.ts';
import type { Change, Conversation, Message, User } from '../../src/shared/model.ts';
import type { LocalMessage } from '../../src/shared/local-model.ts';
import { applyChanges, applyTables } from '../../src/sw/sync/apply-changes.ts';
import { RelaisDb } from '../../src/sw/store/db.ts';
import { listConversationPage } from '../../src/sw/store/queries.ts';
import { fold } from '../../src/sw/store/search-index.ts';
import { findFolded, searchLocal, snippetOf } from '../../src/sw/store/search.ts';
import { freshIdb } from './sw-test-kit.ts';

const anne: User = { id: newId(), username: 'anne', displayName: 'Anne Martin', role: 'doctor' };
const therese: User = { id: newId(), username: 'therese', displayName: 'Thérèse Durand', role: 'nurse' };

function conversation(fields: Partial<Conversation> = {}): Conversation {
  return {
    id: newId(),
    kind: 'direct',
    title: null,
    participants: [anne, therese].map(({ id, displayName, role }) => ({ id, displayName, role })),
    createdBy: anne.id,
    createdAt: 1,
    patient: null,
    ...fields,
  };
}

function serverMessage(conversationId: string, seq: number, fields: Partial<Message> = {}): Message {
  return { conversationId, messageId: newId(), seq, senderId: therese.id, body: `m${seq}`, serverTime: seq * 1000, urgent: false, ...fields };
}

async function apply(db: RelaisDb, changes: Change[]): Promise<void> {
  await db.transaction('rw', applyTables(db), () => applyChanges(db, changes, { detectGaps: false, userId: anne.id }));
}

describe('search folding', () => {
  it('matches French words whatever their accents and case', () => {
    expect(fold('Échographie')).toBe('echographie');
    expect(findFolded('Résultat de l’Échographie', fold('echo'))).toEqual({ start: 14, end: 18 });
    expect(findFolded('Mme Thérèse', fold('THERESE'))).toEqual({ start: 4, end: 11 });
    expect(findFolded('Radio', fold('echo'))).toBeNull();
  });

  it('cuts a snippet around the match and says where the match is in it', () => {
    const text = `${'a'.repeat(60)} Échographie ${'b'.repeat(60)}`;
    const match = findFolded(text, 'echo')!;
    const snippet = snippetOf(text, match);
    expect(snippet.snippet.startsWith('…')).toBe(true);
    expect(snippet.snippet.slice(snippet.matchStart, snippet.matchStart + snippet.matchLength)).toBe('Écho');
  });
});

describe('searchLocal()', () => {
  it('finds accented message text and participant names offline, newest message first', async () => {
    const db = new RelaisDb(anne.id, freshIdb());
    const c = conversation();
    await apply(db, [
      { type: 'conversation', conversation: c },
      { type: 'message', message: serverMessage(c.id, 1, { body: 'Échographie demain' }) },
      { type: 'message', message: serverMessage(c.id, 2, { body: 'Compte rendu d’échographie prêt' }) },
      { type: 'message', message: serverMessage(c.id, 3, { body: 'Radio du thorax' }) },
    ]);
    const hits = await searchLocal(db, 'echo');
    expect(hits.map((h) => h.snippet)).toEqual(['Compte rendu d’échographie prêt', 'Échographie demain']);
    expect(hits[0]).toMatchObject({ conversationId: c.id, seq: 2, field: 'body', matchStart: 15, matchLength: 4 });
    const names = await searchLocal(db, 'therese');
    expect(names[0]).toMatchObject({ field: 'title', messageId: null, snippet: 'Thérèse Durand' });
  });
});

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

describe('listConversationPage()', () => {
  it('keeps an archived conversation out of the inbox until a new message arrives', async () => {
    const db = new RelaisDb(anne.id, freshIdb());
    const c = conversation();
    await apply(db, [
      { type: 'conversation', conversation: c },
      { type: 'message', message: serverMessage(c.id, 1) },
      { type: 'conversation.userState', conversationId: c.id, userId: anne.id, archivedAtSeq: 1, hiddenUpToSeq: 0 },
    ]);
    expect((await listConversationPage(db, anne.id)).conversations).toEqual([]);
    const archived = await listConversationPage(db, anne.id, { filter: 'archived' });
    expect(archived.conversations.map((s) => [s.conversation.id, s.archived])).toEqual([[c.id, true]]);
    await apply(db, [{ type: 'message', message: serverMessage(c.id, 2) }]);
    expect((await listConversationPage(db, anne.id)).conversations.map((s) => s.conversation.id)).toEqual([c.id]);
  });

  it('lists urgent conversations first, filters by patient and unread, and pages', async () => {
    const db = new RelaisDb(anne.id, freshIdb());
    const calm = conversation({ kind: 'group', title: 'Calme', patient: { nationalId: '185', displayName: 'M. Petit' } });
    const urgent = conversation({ kind: 'group', title: 'Urgent' });
    await apply(db, [
      { type: 'conversation', conversation: calm },
      { type: 'conversation', conversation: urgent },
      { type: 'message', message: serverMessage(urgent.id, 1, { urgent: true, serverTime: 10 }) },
      { type: 'message', message: serverMessage(calm.id, 1, { serverTime: 99_000 }) },
    ]);
    const page = await listConversationPage(db, anne.id);
    expect(page.conversations.map((s) => s.conversation.title)).toEqual(['Urgent', 'Calme']);
    expect(page.conversations[0]?.urgent).toBe(true);
    expect(page.totalUnread).toBe(2);
    expect(page.patients).toEqual([{ nationalId: '185', displayName: 'M. Petit' }]);
    expect((await listConversationPage(db, anne.id, { patient: '185' })).conversations.map((s) => s.conversation.title)).toEqual(['Calme']);
    expect((await listConversationPage(db, anne.id, { filter: 'urgent' })).conversations).toHaveLength(1);
    const first = await listConversationPage(db, anne.id, { limit: 1 });
    expect(first).toMatchObject({ hasMore: true });
    expect(first.conversations).toHaveLength(1);
    await db.reads.put({ conversationId: urgent.id, userId: anne.id, seq: 1 });
    expect((await listConversationPage(db, anne.id, { filter: 'unread' })).conversations.map((s) => s.conversation.title)).toEqual(['Calme']);
  });
});

describe('messages with replies and files', () => {
  it('keeps the quoted message and the attachments of a received message', async () => {
    const db = new RelaisDb(anne.id, freshIdb());
    const c = conversation();
    const replyTo = { messageId: newId(), senderId: anne.id, excerpt: 'Question ?' };
    const attachments = [{ id: 'a'.repeat(64), name: 'radio.png', mime: 'image/png' as const, size: 10, thumbId: 'b'.repeat(64) }];
    await apply(db, [{ type: 'conversation', conversation: c }, { type: 'message', message: serverMessage(c.id, 1, { replyTo, attachments }) }]);
    const [stored] = (await db.messages.toArray()) as LocalMessage[];
    expect(stored).toMatchObject({ replyTo, attachments });
  });
});
