import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { newId } from '../../../../src/shared/ids.ts';
import type { LocalMessage } from '../../../../src/shared/local-model.ts';
import type { User } from '../../../../src/shared/model.ts';
import { RelaisDb, userDbName } from '../../../../src/sw/store/db.ts';
import { listConversations } from '../../../../src/sw/store/queries.ts';
import { SCHEMA_V1, SCHEMA_V2, SCHEMA_V3 } from '../../../../src/sw/store/schema.ts';
import { searchLocal } from '../../../../src/sw/store/search.ts';
import { freshIdb } from '../kit/device.ts';
import { conversationOf, unreadByFullRead, userNamed } from '../kit/model.ts';

/** The store's schema versions: a database of each older version opens as the current one, its data kept. */

const anne = userNamed('anne', 'Anne Martin');
const paul = userNamed('paul', 'Paul Durand', 'nurse');
const claire = userNamed('claire', 'Claire Dubois', 'nurse');
const group = () => conversationOf([anne, paul, claire], { kind: 'group', title: 'Soins' });

/** A database exactly as version 1 of Relais created it (only the v1 schema is declared). */
function openV1(userId: string, idb: ReturnType<typeof freshIdb>): Dexie {
  const db = new Dexie(userDbName(userId), idb);
  db.version(1).stores(SCHEMA_V1);
  return db;
}

/** A database exactly as version 2 of Relais left it. */
function openV2(userId: string, idb: ReturnType<typeof freshIdb>): Dexie {
  const db = openV1(userId, idb);
  db.version(2).stores(SCHEMA_V2);
  return db;
}

describe('RelaisDb schema upgrade from version 1', () => {
  it('keeps conversations, messages, reads, drafts and the pending outbox, and adds the later tables', async () => {
    const idb = freshIdb();
    const userId = newId();
    const conversationId = newId();
    const sent: LocalMessage = {
      conversationId, messageId: newId(), seq: 1, senderId: userId, body: 'envoyé', urgent: false, time: 1_000, status: 'sent',
    };
    const pending: LocalMessage = { ...sent, messageId: newId(), seq: null, body: 'en attente', time: 2_000, status: 'pending' };
    const v1 = openV1(userId, idb);
    await v1.table('conversations').put({ id: conversationId, kind: 'direct', title: null, participants: [], createdBy: userId, createdAt: 1, patient: null });
    await v1.table('messages').bulkPut([sent, pending]);
    await v1.table('outbox').add({ id: pending.messageId, kind: 'message.send', args: { conversationId, messageId: pending.messageId, body: pending.body }, createdAt: 2_000, attempts: 3, nextAttemptAt: 9_000 });
    await v1.table('reads').put({ conversationId, userId, seq: 1 });
    await v1.table('meta').bulkPut([{ key: 'cursor', value: 'e1.1-0.0' }, { key: `draft:${conversationId}`, value: 'brouillon' }]);
    expect(v1.verno).toBe(1);
    v1.close();

    const db = new RelaisDb(userId, idb);
    await db.open();
    expect(db.verno).toBe(4);
    expect(await db.conversations.count()).toBe(1);
    // Through v4: my sent message carries its key in the index of my own messages.
    expect(await db.messages.get(sent.messageId)).toEqual({ ...sent, ownKey: [conversationId, 1] });
    expect(await db.messages.get(pending.messageId)).toEqual(pending);
    const outbox = await db.outbox.toArray();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ id: pending.messageId, kind: 'message.send', attempts: 3 });
    expect(await db.reads.get([conversationId, userId])).toEqual({ conversationId, userId, seq: 1 });
    expect((await db.meta.get(`draft:${conversationId}`))?.value).toBe('brouillon');
    expect((await db.meta.get('cursor'))?.value).toBe('e1.1-0.0');
    // The v2 index is built from the existing rows; the v2 tables exist and are usable.
    expect((await db.messages.where('time').below(1_500).toArray()).map((m) => m.messageId)).toEqual([sent.messageId]);
    await db.notifications.put({ id: newId(), type: 'message', title: 't', body: '', link: '/', urgent: false, conversationId, time: 3_000, read: false });
    await db.calls.put({ id: newId(), conversationId, time: 3_000 });
    expect(await db.notifications.count()).toBe(1);
    expect(await db.calls.count()).toBe(1);
    // Through v3 too: the sent message is in the search index.
    expect((await searchLocal(db, 'envoye')).map((hit) => hit.messageId)).toEqual([sent.messageId]);
    db.close();
  });
});

describe('RelaisDb schema upgrade from version 2', () => {
  it('keeps messages and the pending outbox, drops the [conversationId+time] index and indexes the stored messages for search', async () => {
    const idb = freshIdb();
    const userId = newId();
    const conversationId = newId();
    const base = { conversationId, senderId: userId, urgent: false, status: 'sent' as const };
    const sent: LocalMessage[] = Array.from({ length: 2_500 }, (_, i) => ({
      ...base, messageId: newId(), seq: i + 1, time: 1_000 + i, body: i === 2_100 ? 'Échographie prévue jeudi' : `Suivi ${i + 1}`,
    }));
    const system: LocalMessage = { ...base, messageId: newId(), seq: 2_501, time: 9_000, body: '', kind: 'system', system: { type: 'participant.left', userId } };
    const pending: LocalMessage = { ...base, messageId: newId(), seq: null, body: 'Échographie à confirmer', time: 9_500, status: 'pending' };
    const v2 = openV2(userId, idb);
    await v2.table('messages').bulkPut([...sent, system, pending]);
    await v2.table('outbox').add({ id: pending.messageId, kind: 'message.send', args: { conversationId, messageId: pending.messageId, body: pending.body }, createdAt: 9_500, attempts: 1, nextAttemptAt: 9_600 });
    await v2.table('convStates').put({ conversationId, archivedAtSeq: null, hiddenUpToSeq: 0 });
    expect(v2.verno).toBe(2);
    v2.close();

    const db = new RelaisDb(userId, idb);
    await db.open();
    expect(db.verno).toBe(4);
    expect(await db.messages.count()).toBe(2_502);
    expect(await db.messages.get(sent[0]!.messageId)).toEqual({ ...sent[0], ownKey: [conversationId, 1] });
    expect(await db.messages.get(pending.messageId)).toEqual(pending);
    expect(await db.outbox.toArray()).toMatchObject([{ id: pending.messageId, kind: 'message.send', attempts: 1 }]);
    expect(db.messages.schema.idxByName['[conversationId+time]']).toBeUndefined();
    // Every sent text message is indexed once (the system line is not), in chunks.
    const chunks = await db.searchChunks.toArray();
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.flatMap((chunk) => chunk.ids).sort()).toEqual(sent.map((m) => m.messageId).sort());
    const hits = await searchLocal(db, 'echographie');
    expect(hits.map((hit) => hit.snippet)).toEqual(['Échographie à confirmer', 'Échographie prévue jeudi']);
    expect(hits[1]).toMatchObject({ messageId: sent[2_100]!.messageId, seq: 2_101 });
    db.close();
  });
});

describe('RelaisDb schema upgrade from version 3', () => {
  it('indexes the urgent messages of others a version 3 database holds when it opens as version 4', async () => {
    const idb = freshIdb();
    const c = group();
    const sent = (seq: number, sender: User, urgent: boolean): LocalMessage => ({
      conversationId: c.id, messageId: newId(), seq, senderId: sender.id, body: `m${seq}`, urgent, time: 1_000 + seq, status: 'sent',
    });
    const stored = [sent(1, paul, true), sent(2, anne, true), sent(3, claire, false), sent(4, claire, true), sent(5, anne, false)];
    const pendingUrgent: LocalMessage = { ...sent(0, anne, true), seq: null, status: 'pending' };
    const v3 = new Dexie(userDbName(anne.id), idb);
    v3.version(1).stores(SCHEMA_V1);
    v3.version(2).stores(SCHEMA_V2);
    v3.version(3).stores(SCHEMA_V3);
    await v3.table('conversations').put(c);
    await v3.table('messages').bulkPut([...stored, pendingUrgent]);
    await v3.table('reads').put({ conversationId: c.id, userId: anne.id, seq: 1 });
    v3.close();

    const db = new RelaisDb(anne.id, idb);
    await db.open();
    expect(db.verno).toBe(4);
    // Anne's sent messages, and the urgent messages of others, get their key in the sparse indexes;
    // the rows are otherwise unchanged.
    const keyed = async (index: 'ownKey' | 'urgentKey') => (await db.messages.where(index).between([c.id, Dexie.minKey], [c.id, Dexie.maxKey]).primaryKeys()).sort();
    expect(await keyed('ownKey')).toEqual([stored[1]!.messageId, stored[4]!.messageId].sort());
    expect(await keyed('urgentKey')).toEqual([stored[0]!.messageId, stored[3]!.messageId].sort());
    expect(await db.messages.get(stored[1]!.messageId)).toEqual({ ...stored[1], ownKey: [c.id, 2] });
    expect(await db.messages.get(stored[2]!.messageId)).toEqual(stored[2]);
    expect(await db.messages.get(pendingUrgent.messageId)).toEqual(pendingUrgent);
    const [summary] = await listConversations(db, anne.id);
    expect({ unread: summary?.unread, urgent: summary?.urgent }).toEqual(unreadByFullRead(stored as { senderId: string; urgent: boolean; seq: number }[], 1, anne.id));
    expect(summary).toMatchObject({ unread: 2, urgent: true });
    db.close();
  });
});
