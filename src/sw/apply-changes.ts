import Dexie from 'dexie';
import type { Change, Conversation, Message } from '../shared/model.ts';
import type { LocalMessage } from '../shared/sw-protocol.ts';
import { META, type RelaisDb } from './db.ts';

/**
 * Applying server changes (pull pages and live frames) to the local store, idempotently:
 * a message is keyed by `messageId` (never duplicated; a local pending copy becomes `sent`),
 * a conversation is upserted, a read only moves forward. Call inside a `rw` transaction over
 * conversations, messages, reads and outbox.
 */

/** Tables an apply transaction needs. */
export function applyTables(db: RelaisDb) {
  return [db.conversations, db.messages, db.reads, db.outbox, db.meta] as const;
}

/** What an apply touched, and whether it saw a hole in a conversation's seq. */
export interface ApplyOutcome {
  touched: Set<string>;
  /** Conversations where a message arrived whose seq is past last local seq + 1. */
  gaps: Set<string>;
}

/** Highest seq stored locally for a conversation (0 when none). */
export async function lastLocalSeq(db: RelaisDb, conversationId: string): Promise<number> {
  const last = await db.messages
    .where('[conversationId+seq]')
    .between([conversationId, Dexie.minKey], [conversationId, Dexie.maxKey])
    .last();
  return last?.seq ?? 0;
}

function toLocal(message: Message): LocalMessage {
  return {
    conversationId: message.conversationId,
    messageId: message.messageId,
    seq: message.seq,
    senderId: message.senderId,
    body: message.body,
    urgent: message.urgent,
    time: message.serverTime,
    status: 'sent',
  };
}

async function applyMessage(db: RelaisDb, message: Message): Promise<boolean> {
  const existing = await db.messages.get(message.messageId);
  if (existing && existing.status === 'sent' && existing.seq === message.seq && existing.time === message.serverTime) {
    return false;
  }
  await db.messages.put(toLocal(message));
  // The server has it: a queued send of the same id is done (its result would be the same seq).
  await db.outbox.where('id').equals(message.messageId).delete();
  return true;
}

async function applyConversation(db: RelaisDb, conversation: Conversation): Promise<void> {
  await db.conversations.put(conversation);
}

async function applyRead(db: RelaisDb, change: { conversationId: string; userId: string; seq: number }): Promise<boolean> {
  const read = await db.reads.get([change.conversationId, change.userId]);
  if (read && read.seq >= change.seq) return false;
  await db.reads.put({ conversationId: change.conversationId, userId: change.userId, seq: change.seq });
  return true;
}

/**
 * Applies changes in order; with `detectGaps`, reports conversations where a message's seq is not
 * the next one after the local maximum (live events are at most once; the pull fills the hole).
 */
export async function applyChanges(
  db: RelaisDb,
  changes: readonly Change[],
  options: { detectGaps: boolean },
): Promise<ApplyOutcome> {
  const touched = new Set<string>();
  const gaps = new Set<string>();
  const lastSeq = new Map<string, number>();
  for (const change of changes) {
    switch (change.type) {
      case 'conversation':
        await applyConversation(db, change.conversation);
        touched.add(change.conversation.id);
        break;
      case 'message': {
        const { conversationId, seq } = change.message;
        if (options.detectGaps) {
          const last = lastSeq.get(conversationId) ?? (await lastLocalSeq(db, conversationId));
          if (seq > last + 1) gaps.add(conversationId);
          lastSeq.set(conversationId, Math.max(last, seq));
        }
        if (await applyMessage(db, change.message)) touched.add(conversationId);
        break;
      }
      case 'read':
        if (await applyRead(db, change)) touched.add(change.conversationId);
        break;
    }
  }
  return { touched, gaps };
}

/**
 * After a pull `reset` (the server's epoch changed): drops what the server will send again
 * (conversations, sent messages, reads) and stores the new cursor, in one transaction. Pending and
 * failed messages and the whole outbox stay: only this device has them. Resolves with the ids of
 * the conversations that were dropped.
 */
export async function resetLocalStore(db: RelaisDb, cursor: string): Promise<string[]> {
  return db.transaction('rw', applyTables(db), async () => {
    const dropped = (await db.conversations.toCollection().primaryKeys()) as string[];
    await db.conversations.clear();
    await db.messages.where('status').equals('sent').delete();
    await db.reads.clear();
    await db.meta.put({ key: META.cursor, value: cursor });
    return dropped;
  });
}
