import type { ErrorCode } from '../../shared/errors.ts';
import type { LocalMessage } from '../../shared/local-model.ts';
import type { ConversationCreateArgs, MessageSendArgs, Mutation, ReadMarkArgs } from '../../shared/mutations.ts';
import { newId } from '../../shared/ids.ts';
import type { RelaisDb } from '../store/db.ts';
import type { OutboxEntry } from '../store/rows.ts';

/**
 * The outbox: mutations made locally (maybe offline) that the sync engine pushes in order.
 * A pending message and its outbox entry are always written together, so a message the UI shows
 * as pending is always on its way (invariant 2).
 */

/** Fields of a new entry; `key` is assigned by IndexedDB. */
type NewEntry = Omit<OutboxEntry, 'key'>;

/** The entry that queues `mutation`, due at once. */
function entryFor({ id, kind, args }: Mutation, now: number): NewEntry {
  return { id, kind, args, createdAt: now, attempts: 0, nextAttemptAt: now };
}

/** Queues `mutation` behind the others (call inside the transaction that makes its local change). */
export async function enqueueMutation(db: RelaisDb, mutation: Mutation, now: number): Promise<void> {
  await db.outbox.add(entryFor(mutation, now));
}

function sendArgs(message: LocalMessage): MessageSendArgs {
  return {
    conversationId: message.conversationId,
    messageId: message.messageId,
    body: message.body,
    ...(message.urgent ? { urgent: true } : {}),
    ...(message.replyTo ? { replyTo: message.replyTo } : {}),
    // Files not uploaded yet keep their `localId`: the flush uploads them and rewrites these args.
    ...(message.attachments ? { attachments: message.attachments as MessageSendArgs['attachments'] } : {}),
  };
}

/**
 * Writes a pending message AND its `message.send` outbox entry in one transaction (both or neither).
 * The mutation id is the message id, so a replay is idempotent on the server.
 */
export async function enqueueMessage(db: RelaisDb, message: LocalMessage, now: number): Promise<void> {
  await db.transaction('rw', db.messages, db.outbox, async () => {
    await db.messages.put(message);
    await addSendEntry(db, message, now);
  });
}

async function addSendEntry(db: RelaisDb, message: LocalMessage, now: number): Promise<void> {
  const existing = await db.outbox.where('id').equals(message.messageId).count();
  if (existing > 0) return;
  await enqueueMutation(db, { id: message.messageId, kind: 'message.send', args: sendArgs(message) }, now);
}

/**
 * Puts a failed message back in the outbox with the same message id ("Réessayer").
 * Returns the updated message, or undefined when there is no such message.
 */
export async function requeueMessage(db: RelaisDb, messageId: string, now: number): Promise<LocalMessage | undefined> {
  return db.transaction('rw', db.messages, db.outbox, async () => {
    const message = await db.messages.get(messageId);
    if (!message) return undefined;
    if (message.status === 'sent') return message;
    const pending: LocalMessage = { ...message, status: 'pending' };
    delete pending.errorCode;
    await db.messages.put(pending);
    await addSendEntry(db, pending, now);
    return pending;
  });
}

/** Marks a message failed with `code` ("Réessayer" sends it again); one the server already gave a seq (seen in a pull) stays sent. */
export async function markFailed(db: RelaisDb, messageId: string, code: ErrorCode): Promise<void> {
  const message = await db.messages.get(messageId);
  if (!message || message.status === 'sent') return;
  await db.messages.put({ ...message, status: 'failed', errorCode: code });
}

/**
 * Records that `userId` read `conversationId` up to `seq` locally and queues a `read.mark`.
 * Read marks coalesce per conversation: one entry, with the highest seq. The older entry is
 * replaced by a new one (new key and id) rather than edited, so a flush that is pushing the older
 * one cannot delete the newer seq when it completes.
 */
export async function enqueueReadMark(
  db: RelaisDb,
  mark: { conversationId: string; userId: string; seq: number },
  now: number,
): Promise<void> {
  await db.transaction('rw', db.reads, db.outbox, async () => {
    const read = await db.reads.get([mark.conversationId, mark.userId]);
    const localSeq = read?.seq ?? 0;
    if (mark.seq > localSeq) {
      await db.reads.put({ conversationId: mark.conversationId, userId: mark.userId, seq: mark.seq });
    }
    const older = await db.outbox
      .filter((entry) => entry.kind === 'read.mark' && (entry.args as ReadMarkArgs).conversationId === mark.conversationId)
      .toArray();
    const queuedSeq = Math.max(0, ...older.map((entry) => (entry.args as ReadMarkArgs).seq));
    const seq = Math.max(mark.seq, queuedSeq);
    if (older.length === 1 && queuedSeq >= mark.seq) return;
    await db.outbox.bulkDelete(older.map((entry) => entry.key));
    await enqueueMutation(db, { id: newId(), kind: 'read.mark', args: { conversationId: mark.conversationId, seq } }, now);
  });
}

/** Counts one more attempt on these entries, the next one due at `nextAttemptAt` (a push of them failed). */
export async function markAttempted(db: RelaisDb, keys: readonly number[], nextAttemptAt: number): Promise<void> {
  await db.outbox
    .where('key')
    .anyOf([...keys])
    .modify((entry) => {
      entry.attempts += 1;
      entry.nextAttemptAt = nextAttemptAt;
    });
}

/** Messages waiting to be pushed (`messages`), and every mutation waiting (`changes`: messages, read marks, conversation changes). */
export async function pendingCounts(db: RelaisDb): Promise<{ messages: number; changes: number }> {
  let messages = 0;
  let changes = 0;
  await db.outbox.each((entry) => {
    changes += 1;
    if (entry.kind === 'message.send') messages += 1;
  });
  return { messages, changes };
}

/**
 * After a pull `reset` the server has lost its data, conversations included, so queued messages
 * would be refused with `conversation_not_found`. Puts a `conversation.create` (same id,
 * participants, title, patient) ahead of the queue for every conversation a queued message goes
 * to — the first device to push re-creates it, the others get the existing one — and drops queued
 * read marks, whose seqs count in the lost numbering. Call inside the reset transaction, before the
 * local conversations are cleared.
 */
export async function requeueAfterReset(db: RelaisDb, options: { userId: string; now: number }): Promise<void> {
  const entries = await db.outbox.orderBy('key').toArray();
  const targets = new Set(
    entries.filter((entry) => entry.kind === 'message.send').map((entry) => (entry.args as MessageSendArgs).conversationId),
  );
  const known = await db.conversations.bulkGet([...targets]);
  const creates: NewEntry[] = [];
  for (const conversation of known) {
    const participantIds = conversation?.participants.map((p) => p.id).filter((id) => id !== options.userId) ?? [];
    if (!conversation || participantIds.length === 0) continue;
    const args: ConversationCreateArgs = {
      conversationId: conversation.id,
      participantIds,
      ...(conversation.title === null ? {} : { title: conversation.title }),
      ...(conversation.patient === null ? {} : { patient: conversation.patient }),
    };
    creates.push(entryFor({ id: newId(), kind: 'conversation.create', args }, options.now));
  }
  const recreated = new Set(creates.map((entry) => (entry.args as ConversationCreateArgs).conversationId));
  const kept = entries.filter(
    (entry) =>
      entry.kind !== 'read.mark' &&
      !(entry.kind === 'conversation.create' && recreated.has((entry.args as ConversationCreateArgs).conversationId)),
  );
  if (creates.length === 0 && kept.length === entries.length) return;
  // Keys order the outbox: rewrite it so the creations go first, the rest in its old order.
  await db.outbox.bulkDelete(entries.map((entry) => entry.key));
  await db.outbox.bulkAdd([...creates, ...kept.map(({ key: _key, ...entry }) => entry)] as OutboxEntry[]);
}
