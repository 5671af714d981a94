import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newId } from '../../../../src/shared/ids.ts';
import type { Change, Conversation, Message, User } from '../../../../src/shared/model.ts';
import type { LocalMessage } from '../../../../src/shared/local-model.ts';
import { RelaisDb } from '../../../../src/sw/store/db.ts';
import { withIndexKeys } from '../../../../src/sw/store/index-keys.ts';
import { listConversationPage, listConversations, listMessages } from '../../../../src/sw/store/queries.ts';
import { freshIdb } from '../kit/device.ts';
import { applyFor, conversationOf, messagesFrom, unreadByFullRead, userNamed } from '../kit/model.ts';

const anne = userNamed('anne', 'Anne');
const paul = userNamed('paul', 'Paul', 'nurse');
const claire = userNamed('claire', 'Claire Dubois', 'nurse');
const conversation = (fields: Partial<Conversation> = {}): Conversation => conversationOf([anne, paul], fields);
const serverMessage = messagesFrom(paul);
const apply = (db: RelaisDb, changes: Change[]) => applyFor(db, anne.id, changes);
const people = [anne, paul, claire];
const group = (): Conversation => conversationOf(people, { kind: 'group', title: 'Soins' });

/** A message row as Anne's store writes it (with its sparse index keys). */
function message(conversationId: string, sender: User, fields: Partial<LocalMessage>): LocalMessage {
  return withIndexKeys({ conversationId, messageId: newId(), seq: null, senderId: sender.id, body: 'x', urgent: false, time: 0, status: 'sent', ...fields }, anne.id);
}

describe('queries.listMessages()', () => {
  it('orders sent messages by seq, then failed, then pending by time', async () => {
    const db = new RelaisDb(anne.id, freshIdb());
    const c = conversation({ createdAt: 1 });
    await db.conversations.put(c);
    await db.messages.bulkPut([
      message(c.id, anne, { body: 'pending-1', status: 'pending', time: 50 }),
      message(c.id, paul, { body: 'seq-2', seq: 2, time: 90 }),
      message(c.id, anne, { body: 'failed', status: 'failed', time: 60, errorCode: 'conversation_not_found' }),
      message(c.id, paul, { body: 'seq-1', seq: 1, time: 95 }),
      message(c.id, anne, { body: 'pending-0', status: 'pending', time: 40 }),
      message(newId(), anne, { body: 'elsewhere', status: 'pending', time: 1 }),
    ]);
    await db.reads.bulkPut([
      { conversationId: c.id, userId: anne.id, seq: 1 },
      { conversationId: c.id, userId: paul.id, seq: 2 },
    ]);
    const result = await listMessages(db, c.id, anne.id);
    expect(result.messages.map((m) => m.body)).toEqual(['seq-1', 'seq-2', 'failed', 'pending-0', 'pending-1']);
    expect(result.readSeq).toBe(1);
    expect(result.readBy).toEqual({ [paul.id]: 2 });
  });
});

describe('queries.listMessages() quotes', () => {
  it('answers the stored copies of the messages a page quotes, of this conversation only', async () => {
    const db = new RelaisDb(anne.id, freshIdb());
    const c = conversation({ createdAt: 1 });
    const other = conversation({ createdAt: 2 });
    await db.conversations.bulkPut([c, other]);
    const old = message(c.id, paul, { body: 'Question ancienne', seq: 1, time: 1 });
    const foreign = message(other.id, paul, { body: 'ailleurs', seq: 1, time: 1 });
    await db.messages.bulkPut([
      old,
      foreign,
      message(c.id, anne, { body: 'Réponse', seq: 2, time: 2, replyTo: { messageId: old.messageId, senderId: paul.id } }),
      message(c.id, anne, { body: 'Autre', seq: 3, time: 3, replyTo: { messageId: foreign.messageId, senderId: paul.id } }),
      message(c.id, anne, { body: 'Perdue', seq: 4, time: 4, replyTo: { messageId: newId(), senderId: paul.id } }),
      message(c.id, anne, { body: 'En attente', status: 'pending', time: 5, replyTo: { messageId: old.messageId } }),
    ]);
    // The newest page of 3 leaves the quoted message out of the page: it comes as a quoted copy.
    const page = await listMessages(db, c.id, anne.id, { limit: 3 });
    expect(page.messages.map((m) => m.body)).toEqual(['Réponse', 'Autre', 'Perdue', 'En attente']);
    expect(page.quoted.map((m) => m.body)).toEqual(['Question ancienne', 'Question ancienne']);
  });
});

describe('queries.listMessages() pages', () => {
  /** A conversation of `count` sent messages (seq 1…count) and, when asked, unsent ones. */
  async function stored(count: number, unsent = 0): Promise<{ db: RelaisDb; id: string }> {
    const db = new RelaisDb(anne.id, freshIdb());
    const c = conversation({ createdAt: 1 });
    await db.conversations.put(c);
    const sent = Array.from({ length: count }, (_, i) => message(c.id, i % 2 ? anne : paul, { body: `seq-${i + 1}`, seq: i + 1, time: 10 + i }));
    const pending = Array.from({ length: unsent }, (_, i) =>
      message(c.id, anne, { body: `unsent-${i}`, status: i % 2 ? 'failed' : 'pending', time: 10_000 + i }),
    );
    // Shuffled on purpose: pages follow seq, not insertion order.
    await db.messages.bulkPut([...sent.reverse(), ...pending, message(newId(), anne, { body: 'elsewhere', seq: 1, time: 1 })]);
    return { db, id: c.id };
  }

  // Unsent ones follow the sent ones: failed first (unsent-1), then pending by time.
  it('answers the newest page by default, then the unsent ones, and says what is older', async () => {
    const { db, id } = await stored(250, 2);
    const page = await listMessages(db, id, anne.id, { limit: 100 });
    expect(page.messages.map((m) => m.body)).toEqual([...Array.from({ length: 100 }, (_, i) => `seq-${151 + i}`), 'unsent-1', 'unsent-0']);
    expect(page).toMatchObject({ olderLocal: 150 });
  });

  it('pages back with beforeSeq without gap nor duplicate, the unsent ones once, down to seq 1', async () => {
    const { db, id } = await stored(250, 3);
    const pages = [await listMessages(db, id, anne.id, { limit: 100 })];
    while ((pages.at(-1)?.olderLocal ?? 0) > 0) {
      const beforeSeq = pages.at(-1)?.messages[0]?.seq as number;
      pages.push(await listMessages(db, id, anne.id, { limit: 100, beforeSeq }));
    }
    expect(pages.map((page) => page.messages.filter((m) => m.seq !== null).length)).toEqual([100, 100, 50]);
    expect(pages.map((page) => page.olderLocal)).toEqual([150, 50, 0]);
    const all = pages.reverse().flatMap((page) => page.messages);
    expect(all.filter((m) => m.seq !== null).map((m) => m.seq)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect(all.filter((m) => m.seq === null).map((m) => m.body)).toEqual(['unsent-1', 'unsent-0', 'unsent-2']);
    expect(new Set(all.map((m) => m.messageId)).size).toBe(all.length);
  });

  it('says nothing is older when the page holds the whole conversation', async () => {
    const { db, id } = await stored(100);
    expect(await listMessages(db, id, anne.id, { limit: 100 })).toMatchObject({ olderLocal: 0 });
    const older = await listMessages(db, id, anne.id, { beforeSeq: 51 });
    expect(older.messages.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(older).toMatchObject({ olderLocal: 0 });
  });

  it('answers 200 messages when no limit is given', async () => {
    const { db, id } = await stored(201);
    const page = await listMessages(db, id, anne.id);
    expect(page.messages).toHaveLength(200);
    expect(page.messages[0]?.seq).toBe(2);
    expect(page).toMatchObject({ olderLocal: 1 });
  });

  it('answers only unsent messages in a conversation with nothing sent yet', async () => {
    const { db, id } = await stored(0, 1);
    const page = await listMessages(db, id, anne.id);
    expect(page.messages.map((m) => m.body)).toEqual(['unsent-0']);
    expect(page).toMatchObject({ olderLocal: 0 });
  });
});

describe('queries.listConversations()', () => {
  it('summarises each conversation and sorts by last activity', async () => {
    const db = new RelaisDb(anne.id, freshIdb());
    const quiet = conversation({ createdAt: 500 });
    const busy = conversation({ createdAt: 100 });
    await db.conversations.bulkPut([quiet, busy]);
    await db.messages.bulkPut([
      message(busy.id, paul, { seq: 1, time: 600 }),
      message(busy.id, anne, { seq: 2, time: 700 }),
      message(busy.id, paul, { seq: 3, time: 800, body: 'dernier' }),
      message(busy.id, paul, { seq: 4, time: 900, body: 'vraiment dernier' }),
    ]);
    await db.reads.put({ conversationId: busy.id, userId: anne.id, seq: 1 });
    const summaries = await listConversations(db, anne.id);
    expect(summaries.map((s) => s.conversation.id)).toEqual([busy.id, quiet.id]);
    expect(summaries[0]).toMatchObject({ lastActivity: 900, unread: 2, readSeq: 1, readBy: {} });
    expect(summaries[0]!.lastMessage?.body).toBe('vraiment dernier');
    expect(summaries[1]).toMatchObject({ lastMessage: null, lastActivity: 500, unread: 0, readSeq: 0 });
  });

  it('shows a pending message as the last one', async () => {
    const db = new RelaisDb(anne.id, freshIdb());
    const c = conversation({ createdAt: 1 });
    await db.conversations.put(c);
    await db.messages.bulkPut([
      message(c.id, paul, { seq: 1, time: 10 }),
      message(c.id, anne, { status: 'pending', time: 20, body: 'en attente' }),
    ]);
    const [summary] = await listConversations(db, anne.id);
    expect(summary!.lastMessage).toMatchObject({ body: 'en attente', status: 'pending' });
    expect(summary!.lastActivity).toBe(20);
    expect(summary!.unread).toBe(1);
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
    // Read, the urgent conversation loses its place at the top but stays under "Urgentes".
    const read = await listConversationPage(db, anne.id);
    expect(read.conversations.map((s) => [s.conversation.title, s.urgent])).toEqual([['Calme', undefined], ['Urgent', false]]);
    expect((await listConversationPage(db, anne.id, { filter: 'urgent' })).conversations.map((s) => s.conversation.title)).toEqual(['Urgent']);
  });
});

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
          await apply(db, changes);
          await db.reads.put({ conversationId: c.id, userId: anne.id, seq: readSeq });
          const [summary] = await listConversations(db, anne.id);
          expect({ unread: summary?.unread, urgent: summary?.urgent }).toEqual(unreadByFullRead(messages, readSeq, anne.id));
          db.close();
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('a call’s line in the conversation list', () => {
  it('counts a missed call unread (and queues it) for the callee, and never a call that was answered, declined or cut off', async () => {
    const db = new RelaisDb(anne.id, freshIdb());
    const c = conversation();
    const callLine = (seq: number, system: NonNullable<Message['system']>): Message => serverMessage(c.id, seq, { body: '', kind: 'system', system });
    const ended = (outcome: 'completed' | 'declined' | 'failed') =>
      ({ type: 'call.ended', callId: newId(), callerId: paul.id, calleeId: anne.id, outcome, video: true, durationSeconds: outcome === 'declined' ? 0 : 252 }) as const;
    await apply(db, [{ type: 'conversation', conversation: c }]);
    // Anne's device is synced before the calls: from then on, what arrives may notify.
    await applyFor(db, anne.id, [ended('completed'), ended('declined'), ended('failed')].map((system, i) => ({ type: 'message', message: callLine(i + 1, system) })), { notify: true });
    let [summary] = await listConversations(db, anne.id);
    expect(summary).toMatchObject({ unread: 0 });
    expect(summary!.lastMessage?.system).toMatchObject({ type: 'call.ended', outcome: 'failed' });
    expect(await db.notifications.count()).toBe(0);

    await applyFor(db, anne.id, [{ type: 'message', message: callLine(4, { type: 'call.missed', callId: newId() }) }], { notify: true });
    [summary] = await listConversations(db, anne.id);
    expect(summary).toMatchObject({ unread: 1 });
    expect((await db.notifications.toArray()).map((n) => [n.type, n.seq])).toEqual([['missed_call', 4]]);
    const page = await listConversationPage(db, anne.id);
    expect(page.totalUnread).toBe(1);
  });
});
