import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { Change, Conversation, Message } from '../../../../src/shared/model.ts';
import { cleanup } from '../../../../src/sw/store/cleanup.ts';
import { RelaisDb } from '../../../../src/sw/store/db.ts';
import { applyUserState } from '../../../../src/sw/store/lifecycle.ts';
import { searchLocal } from '../../../../src/sw/store/search.ts';
import { enqueueMessage } from '../../../../src/sw/sync/outbox.ts';
import { applyPushResults } from '../../../../src/sw/sync/push-results.ts';
import { freshIdb, pendingMessage } from '../kit/device.ts';
import { applyFor, conversationOf, messagesFrom, userNamed } from '../kit/model.ts';

/** Local search through the index the apply path keeps (search-index.ts). */

const anne = userNamed('anne', 'Anne Martin');
const paul = userNamed('paul', 'Paul Durand', 'nurse');
const DAY = 24 * 60 * 60 * 1000;
const conversation = (title: string | null = null): Conversation => conversationOf([anne, paul], title === null ? {} : { kind: 'group', title });
const fromPaul = messagesFrom(paul);
const message = (conversationId: string, seq: number, body: string, serverTime = seq * 1000): Message => fromPaul(conversationId, seq, { body, serverTime });
const apply = (db: RelaisDb, changes: Change[], options: { detectGaps?: boolean } = {}) => applyFor(db, anne.id, changes, options);

/** Applies messages as the pull does: pages of 500, one transaction each. */
async function pull(db: RelaisDb, messages: Message[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 500) {
    await apply(db, messages.slice(i, i + 500).map((m) => ({ type: 'message', message: m })));
  }
}

async function newStore(...conversations: Conversation[]): Promise<RelaisDb> {
  const db = new RelaisDb(anne.id, freshIdb());
  await apply(db, conversations.map((c) => ({ type: 'conversation', conversation: c })));
  return db;
}

const bodies = (hits: { snippet: string }[]) => hits.map((h) => h.snippet);

describe('searchLocal() through the search index', () => {
  it('finds accented words in messages applied by pull pages, newest first, highlighting the original text', async () => {
    const c = conversation();
    const db = await newStore(c);
    const history = Array.from({ length: 1_200 }, (_, i) =>
      message(c.id, i + 1, i % 400 === 7 ? `Échographie n°${i + 1} à revoir` : `Compte rendu ${i + 1}`),
    );
    await pull(db, history);
    const hits = await searchLocal(db, 'ECHOGRAPHIE');
    expect(bodies(hits)).toEqual(['Échographie n°808 à revoir', 'Échographie n°408 à revoir', 'Échographie n°8 à revoir']);
    expect(hits[0]).toMatchObject({ conversationId: c.id, seq: 808, field: 'body', matchStart: 0, matchLength: 'Échographie'.length });
    expect(await searchLocal(db, 'thérèse')).toEqual([]);
  });

  it('finds messages applied one live frame at a time, and a pending one not yet indexed', async () => {
    const c = conversation();
    const db = await newStore(c);
    for (let seq = 1; seq <= 30; seq++) {
      await apply(db, [{ type: 'message', message: message(c.id, seq, seq === 12 ? 'Prélèvement fait à 10 h' : `Suivi ${seq}`) }], { detectGaps: true });
    }
    await enqueueMessage(db, pendingMessage(c.id, anne, 'Prélèvement à refaire', 40_000), 40_000);
    expect(bodies(await searchLocal(db, 'prelevement'))).toEqual(['Prélèvement à refaire', 'Prélèvement fait à 10 h']);
  });

  it('finds a message once when it was pending and then came back sent', async () => {
    const c = conversation();
    const db = await newStore(c);
    const mine = pendingMessage(c.id, anne, 'Scanner cérébral demandé', 5);
    await enqueueMessage(db, mine, 5);
    await apply(db, [{ type: 'message', message: { ...message(c.id, 1, mine.body), messageId: mine.messageId, senderId: anne.id } }]);
    const hits = await searchLocal(db, 'cerebral');
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ messageId: mine.messageId, seq: 1 });
  });

  it('finds my message marked sent by the push answer once its copy comes back, and only once', async () => {
    const c = conversation();
    const db = await newStore(c);
    const mine = pendingMessage(c.id, anne, 'Échographie faite', 5);
    await enqueueMessage(db, mine, 5);
    await applyPushResults(db, await db.outbox.toArray(), [{ id: mine.messageId, ok: true, result: { seq: 1, serverTime: 1_000 } }]);
    const copy: Message = { ...message(c.id, 1, mine.body), messageId: mine.messageId, senderId: anne.id };
    await apply(db, [{ type: 'message', message: copy }], { detectGaps: true });
    await pull(db, [copy]);
    const hits = await searchLocal(db, 'echographie');
    expect(hits.map((h) => h.messageId)).toEqual([mine.messageId]);
  });

  it('never finds the messages of a dropped conversation, and keeps no index entry for them', async () => {
    const kept = conversation();
    const dropped = conversation('Bloc');
    const db = await newStore(kept, dropped);
    await pull(db, [message(kept.id, 1, 'Tension 12/8'), message(dropped.id, 1, 'Tension 14/9')]);
    await apply(db, [{ type: 'conversation.deleted', conversationId: dropped.id, by: anne.id }]);
    expect(bodies(await searchLocal(db, 'tension'))).toEqual(['Tension 12/8']);
    const entries = (await db.searchChunks.toArray()).flatMap((chunk) => chunk.texts);
    expect(entries).toEqual(['tension 12/8']);
  });

  it('never finds what was deleted for me, and the clean-up drops its index entries', async () => {
    const c = conversation();
    const db = await newStore(c);
    await pull(db, [message(c.id, 1, 'Glycémie 1,2'), message(c.id, 2, 'Glycémie 0,9'), message(c.id, 3, 'Glycémie 1,0')]);
    // On this device first (the index is not in that transaction), then the server's echo.
    await db.transaction('rw', [db.convStates, db.messages], () => applyUserState(db, { conversationId: c.id, archivedAtSeq: null, hiddenUpToSeq: 1 }));
    expect(bodies(await searchLocal(db, 'glycemie'))).toEqual(['Glycémie 1,0', 'Glycémie 0,9']);
    await apply(db, [{ type: 'conversation.userState', conversationId: c.id, userId: anne.id, archivedAtSeq: null, hiddenUpToSeq: 2 }]);
    expect(bodies(await searchLocal(db, 'glycemie'))).toEqual(['Glycémie 1,0']);
    await cleanup(db, anne.id, 10 * DAY);
    expect((await db.searchChunks.toArray()).flatMap((chunk) => chunk.texts)).toEqual(['glycemie 1,0']);
  });

  it('skips what the TTL clean-up removed, and the clean-up drops those entries', async () => {
    const c = conversation();
    const db = await newStore(c);
    const now = 100 * DAY;
    await pull(db, [message(c.id, 1, 'Bilan ancien', DAY), message(c.id, 2, 'Bilan récent', now - DAY)]);
    await apply(db, [{ type: 'read', conversationId: c.id, userId: anne.id, seq: 2 }]);
    expect((await cleanup(db, anne.id, now)).messages).toBe(1);
    expect(bodies(await searchLocal(db, 'bilan'))).toEqual(['Bilan récent']);
    expect((await db.searchChunks.toArray()).flatMap((chunk) => chunk.texts)).toEqual(['bilan recent']);
  });

  it('returns the newest hits even when older ones were indexed last (history paged in)', async () => {
    const recent = conversation();
    const old = conversation();
    const db = await newStore(recent, old);
    // 4,100 recent messages (five chunks), one in 70 with the word: 59 hits, 15 of them in the first chunk.
    await pull(db, Array.from({ length: 4_100 }, (_, i) => message(recent.id, i + 1, i % 70 === 0 ? `Tension ${i}` : i === 1 ? 'Avis orthopédique' : `Note ${i}`, 1_000_000 + i)));
    // Then older history, all hits, indexed in the last chunk: the last chunks hold more than 50
    // hits, but the first one holds newer ones than most of them.
    await pull(db, Array.from({ length: 300 }, (_, i) => message(old.id, i + 1, `Tension ancienne ${i}`, 1_000 + i)));
    const hits = await searchLocal(db, 'tension');
    expect(hits).toHaveLength(50);
    expect(hits.every((h) => h.conversationId === recent.id)).toBe(true);
    expect(hits.map((h) => h.time)).toEqual([...hits.map((h) => h.time)].sort((a, b) => b - a));
    expect(hits[0]?.snippet).toBe('Tension 4060');
    // A rarer word lives only in the first chunk: found all the same.
    expect(bodies(await searchLocal(db, 'orthopedique'))).toEqual(['Avis orthopédique']);
  });

  it('lists conversation names first and stops at the limit', async () => {
    const c = conversation('Équipe tension');
    const db = await newStore(c);
    await pull(db, Array.from({ length: 10 }, (_, i) => message(c.id, i + 1, `Tension ${i + 1}`)));
    const hits = await searchLocal(db, 'tension', 4);
    expect(hits.map((h) => h.field)).toEqual(['title', 'body', 'body', 'body']);
    expect(bodies(hits)).toEqual(['Équipe tension', 'Tension 10', 'Tension 9', 'Tension 8']);
  });
});
