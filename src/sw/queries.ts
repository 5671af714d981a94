import Dexie from 'dexie';
import type { ConversationSummary, LocalMessage } from '../shared/sw-protocol.ts';
import type { RelaisDb } from './db.ts';

/** Read-side queries over the local store: what the conversation list and a conversation show. */

/** Sorting of a conversation's messages: sent by seq, then failed, then pending, each by time. */
function compareUnsent(a: LocalMessage, b: LocalMessage): number {
  const rank = (m: LocalMessage) => (m.status === 'pending' ? 1 : 0);
  return rank(a) - rank(b) || a.time - b.time || (a.messageId < b.messageId ? -1 : 1);
}

function sentRange(db: RelaisDb, conversationId: string, fromSeq?: number) {
  return db.messages
    .where('[conversationId+seq]')
    .between([conversationId, fromSeq ?? Dexie.minKey], [conversationId, Dexie.maxKey], true, true);
}

async function unsentOf(db: RelaisDb): Promise<Map<string, LocalMessage[]>> {
  const unsent = await db.messages.where('status').anyOf('pending', 'failed').toArray();
  const byConversation = new Map<string, LocalMessage[]>();
  for (const message of unsent) {
    const list = byConversation.get(message.conversationId) ?? [];
    list.push(message);
    byConversation.set(message.conversationId, list);
  }
  for (const list of byConversation.values()) list.sort(compareUnsent);
  return byConversation;
}

/** Highest seq each user has read in a conversation. */
export async function readsOf(db: RelaisDb, conversationId: string): Promise<Map<string, number>> {
  const rows = await db.reads
    .where('[conversationId+userId]')
    .between([conversationId, Dexie.minKey], [conversationId, Dexie.maxKey])
    .toArray();
  return new Map(rows.map((row) => [row.userId, row.seq]));
}

function readByOthers(reads: Map<string, number>, userId: string): Record<string, number> {
  const readBy: Record<string, number> = {};
  for (const [readerId, seq] of reads) if (readerId !== userId) readBy[readerId] = seq;
  return readBy;
}

/**
 * The conversation list of `userId`: last message, last activity, unread count (messages from
 * others past my read seq), read receipts; most recent activity first.
 */
export async function listConversations(db: RelaisDb, userId: string): Promise<ConversationSummary[]> {
  return db.transaction('r', db.conversations, db.messages, db.reads, async () => {
    const conversations = await db.conversations.toArray();
    const unsent = await unsentOf(db);
    const summaries = await Promise.all(
      conversations.map(async (conversation): Promise<ConversationSummary> => {
        const reads = await readsOf(db, conversation.id);
        const readSeq = reads.get(userId) ?? 0;
        const lastUnsent = unsent.get(conversation.id)?.at(-1);
        const lastSent = await sentRange(db, conversation.id).last();
        const lastMessage = lastUnsent ?? lastSent ?? null;
        const unread = await sentRange(db, conversation.id, readSeq + 1)
          .filter((message) => message.senderId !== userId)
          .count();
        return {
          conversation,
          lastMessage,
          lastActivity: Math.max(conversation.createdAt, lastSent?.time ?? 0, lastUnsent?.time ?? 0),
          unread,
          readSeq,
          readBy: readByOthers(reads, userId),
        };
      }),
    );
    return summaries.sort((a, b) => b.lastActivity - a.lastActivity || (a.conversation.id < b.conversation.id ? -1 : 1));
  });
}

/** A conversation's messages in display order, with read positions. */
export async function listMessages(
  db: RelaisDb,
  conversationId: string,
  userId: string,
): Promise<{ messages: LocalMessage[]; readSeq: number; readBy: Record<string, number> }> {
  return db.transaction('r', db.messages, db.reads, async () => {
    const sent = await sentRange(db, conversationId).toArray();
    const unsent = (await db.messages.where('status').anyOf('pending', 'failed').toArray())
      .filter((message) => message.conversationId === conversationId)
      .sort(compareUnsent);
    const reads = await readsOf(db, conversationId);
    return { messages: [...sent, ...unsent], readSeq: reads.get(userId) ?? 0, readBy: readByOthers(reads, userId) };
  });
}
