import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newId } from '../../src/shared/ids.ts';
import type { Change, Conversation, Message, User } from '../../src/shared/model.ts';
import type { LocalMessage } from '../../src/shared/local-model.ts';
import { applyChanges, applyTables } from '../../src/sw/sync/apply-changes.ts';
import { RelaisDb, userDbName } from '../../src/sw/store/db.ts';
import { SCHEMA_V1, SCHEMA_V2, SCHEMA_V3 } from '../../src/sw/store/schema.ts';
import { listConversations } from '../../src/sw/store/queries.ts';
import { freshIdb } from './sw-test-kit.ts';

/**
 * Unread counts and urgent flags of the conversation list come from index keys alone (schema v4):
 * they must equal what reading every message says, for messages stored by the real apply path and
 * for those a v3 database already held.
 */

const anne: User = { id: newId(), username: 'anne', displayName: 'Anne Martin', role: 'doctor' };
const paul: User = { id: newId(), username: 'paul', displayName: 'Paul Durand', role: 'nurse' };
const claire: User = { id: newId(), username: 'claire', displayName: 'Claire Dubois', role: 'nurse' };
const people = [anne, paul, claire];

function group(): Conversation {
  return {
    id: newId(),
    kind: 'group',
    title: 'Soins',
    participants: people.map(({ id, displayName, role }) => ({ id, displayName, role })),
    createdBy: anne.id,
    createdAt: 1,
    patient: null,
  };
}

/** What a full read of the messages says about Anne's unread count and urgent flag. */
function oracle(messages: { senderId: string; urgent: boolean; seq: number }[], readSeq: number): { unread: number; urgent: boolean } {
  const unread = messages.filter((m) => m.seq > readSeq && m.senderId !== anne.id);
  return { unread: unread.length, urgent: unread.some((m) => m.urgent) };
}

describe('conversation list unread and urgent, from the indexes', () => {
  it('equals a full read of the messages, whoever sent them and wherever Anne read up to', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ sender: fc.integer({ min: 0, max: 2 }), urgent: fc.boolean() }), { maxLength: 40 }),
        fc.nat({ max: 45 }),
        async (drawn, readSeq) => {
          const db = new RelaisDb(anne.id, freshIdb());
          const c = group();
          const messages: Message[] = drawn.map(({ sender, urgent }, i) => ({
            conversationId: c.id,
            messageId: newId(),
            seq: i + 1,
            senderId: (people[sender] as User).id,
            body: `m${i + 1}`,
            serverTime: 1_000 + i,
            urgent,
          }));
          const changes: Change[] = [{ type: 'conversation', conversation: c }, ...messages.map((message) => ({ type: 'message' as const, message }))];
          await db.transaction('rw', applyTables(db), () => applyChanges(db, changes, { detectGaps: false, userId: anne.id }));
          await db.reads.put({ conversationId: c.id, userId: anne.id, seq: readSeq });
          const [summary] = await listConversations(db, anne.id);
          expect({ unread: summary?.unread, urgent: summary?.urgent }).toEqual(oracle(messages, readSeq));
          db.close();
        },
      ),
      { numRuns: 60 },
    );
  });

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
    expect({ unread: summary?.unread, urgent: summary?.urgent }).toEqual(oracle(stored as { senderId: string; urgent: boolean; seq: number }[], 1));
    expect(summary).toMatchObject({ unread: 2, urgent: true });
    db.close();
  });
});
