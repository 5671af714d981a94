import Dexie from 'dexie';
import type { Conversation, PatientRef } from '../../shared/model.ts';
import { MESSAGES_PAGE_DEFAULT } from '../../shared/sw-requests.ts';
import type { ConversationFilter, ConversationSummary, LocalMessage } from '../../shared/local-model.ts';
import type { RelaisDb } from './db.ts';
import type { ConvStateRow } from './rows.ts';

/** Read-side queries over the local store: what the conversation list and a conversation show. */

/** Sorting of a conversation's messages: sent by seq, then failed, then pending, each by time. */
function compareUnsent(a: LocalMessage, b: LocalMessage): number {
  const rank = (m: LocalMessage) => (m.status === 'pending' ? 1 : 0);
  return rank(a) - rank(b) || a.time - b.time || (a.messageId < b.messageId ? -1 : 1);
}

/** Sent messages of a conversation on the seq index, from `fromSeq` and below `beforeSeq` when given. */
export function sentRange(db: RelaisDb, conversationId: string, fromSeq?: number, beforeSeq?: number) {
  return db.messages
    .where('[conversationId+seq]')
    .between([conversationId, fromSeq ?? Dexie.minKey], [conversationId, beforeSeq ?? Dexie.maxKey], true /* includeLower */, beforeSeq === undefined /* includeUpper */);
}

/** Highest seq stored locally for a conversation (0 when none). */
export async function lastLocalSeq(db: RelaisDb, conversationId: string): Promise<number> {
  return (await sentRange(db, conversationId).last())?.seq ?? 0;
}

/** The read positions of everyone in a conversation. */
export function readsRange(db: RelaisDb, conversationId: string) {
  return db.reads.where('[conversationId+userId]').between([conversationId, Dexie.minKey], [conversationId, Dexie.maxKey]);
}

/** Pending and failed messages by conversation, each list in display order. */
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
  const rows = await readsRange(db, conversationId).toArray();
  return new Map(rows.map((row) => [row.userId, row.seq]));
}

function readByOthers(reads: Map<string, number>, userId: string): Record<string, number> {
  const readBy: Record<string, number> = {};
  for (const [readerId, seq] of reads) if (readerId !== userId) readBy[readerId] = seq;
  return readBy;
}

/**
 * One conversation's summary, or null when I deleted it for myself and nothing came since.
 * `unsent`: pending and failed messages by conversation (unsentOf).
 */
async function summarize(
  db: RelaisDb,
  userId: string,
  conversation: Conversation,
  unsent: Map<string, LocalMessage[]>,
  state: ConvStateRow | undefined,
): Promise<ConversationSummary | null> {
  // Requests side by side: each one is a trip to the browser's store, the answers come together.
  const [reads, lastSent] = await Promise.all([readsOf(db, conversation.id), sentRange(db, conversation.id).last()]);
  const readSeq = reads.get(userId) ?? 0;
  const lastUnsent = unsent.get(conversation.id)?.at(-1);
  const top = lastSent?.seq ?? 0;
  if (state && state.hiddenUpToSeq > 0 && top <= state.hiddenUpToSeq && !lastUnsent) return null;
  const lastMessage = lastUnsent ?? lastSent ?? null;
  // Counts over key ranges: the indexes answer, no message is read (SCHEMA_V4).
  const pastRead = (index: 'ownKey' | 'urgentKey', from = readSeq + 1) => db.messages.where(index).between([conversation.id, from], [conversation.id, Dexie.maxKey]).count();
  const [past, own, urgentCount, anyUrgent] = await Promise.all([sentRange(db, conversation.id, readSeq + 1).count(), pastRead('ownKey'), pastRead('urgentKey'), pastRead('urgentKey', 0)]);
  const unread = past - own;
  // true: an unread urgent message; false: urgent messages kept here, all read; absent: none.
  const urgent = (unread > 0 && urgentCount > 0) || (anyUrgent ? false : undefined);
  return {
    conversation,
    lastMessage,
    lastActivity: Math.max(conversation.createdAt, lastSent?.time ?? 0, lastUnsent?.time ?? 0),
    unread,
    readSeq,
    readBy: readByOthers(reads, userId),
    archived: state?.archivedAtSeq != null && top <= state.archivedAtSeq && !lastUnsent,
    urgent,
  };
}

/** One conversation's summary (archived or not), or null when it is not on this device. */
export async function summaryOf(db: RelaisDb, userId: string, conversationId: string): Promise<ConversationSummary | null> {
  return db.transaction('r', [db.conversations, db.messages, db.reads, db.convStates], async () => {
    const [conversation, unsent, state] = await Promise.all([db.conversations.get(conversationId), unsentOf(db), db.convStates.get(conversationId)]);
    if (!conversation) return null;
    return summarize(db, userId, conversation, unsent, state);
  });
}

/** What the list asks for: a filter, a patient, the first `limit` conversations (infinite scroll). */
export interface ListOptions {
  filter?: ConversationFilter;
  patient?: string;
  limit?: number;
}

/**
 * The conversation list of `userId`: last message, last activity, unread count (messages from
 * others past my read seq), read receipts, archived and urgent flags. Urgent conversations (an
 * unread urgent message) first, then most recent activity; the `urgent` filter keeps every
 * conversation holding an urgent message from someone else on this device, read or not. Conversations I deleted for myself are
 * left out until a new message arrives; archived ones only show under the `archived` filter.
 */
export async function listConversationPage(
  db: RelaisDb,
  userId: string,
  options: ListOptions = {},
): Promise<{ conversations: ConversationSummary[]; hasMore: boolean; patients: PatientRef[]; totalUnread: number }> {
  return db.transaction('r', [db.conversations, db.messages, db.reads, db.convStates], async () => {
    const conversations = await db.conversations.toArray();
    const unsent = await unsentOf(db);
    const states = new Map((await db.convStates.toArray()).map((row) => [row.conversationId, row]));
    const summaries = await Promise.all(conversations.map((conversation) => summarize(db, userId, conversation, unsent, states.get(conversation.id))));
    const visible = summaries.filter((summary): summary is ConversationSummary => summary !== null);
    const patients = new Map<string, PatientRef>();
    for (const summary of visible) {
      const patient = summary.conversation.patient;
      if (patient) patients.set(patient.nationalId, patient);
    }
    const filter = options.filter ?? 'inbox';
    const chosen = visible
      .filter((summary) => {
        if (options.patient !== undefined && summary.conversation.patient?.nationalId !== options.patient) return false;
        if (filter === 'archived') return summary.archived === true;
        if (filter === 'unread') return summary.unread > 0;
        if (filter === 'urgent') return summary.urgent !== undefined;
        return summary.archived !== true;
      })
      .sort(
        (a, b) =>
          Number(b.urgent === true) - Number(a.urgent === true) ||
          b.lastActivity - a.lastActivity ||
          (a.conversation.id < b.conversation.id ? -1 : 1),
      );
    const limit = options.limit ?? chosen.length;
    const totalUnread = visible.reduce((sum, summary) => sum + summary.unread, 0);
    return { conversations: chosen.slice(0, limit), hasMore: chosen.length > limit, patients: [...patients.values()], totalUnread };
  });
}

/** The inbox (every conversation not archived nor deleted for me), in list order. */
export async function listConversations(db: RelaisDb, userId: string): Promise<ConversationSummary[]> {
  return (await listConversationPage(db, userId)).conversations;
}

/** Which page of a conversation's messages to read: the newest by default. */
export interface MessagePage {
  limit?: number;
  beforeSeq?: number;
}

/**
 * One page of a conversation's messages in display order, with read positions: the newest `limit`
 * sent ones below `beforeSeq` (read backwards on the seq index, never the whole conversation), and on
 * the newest page (no `beforeSeq`) the unsent ones after them; and the stored copies its quotes name.
 */
export async function listMessages(
  db: RelaisDb,
  conversationId: string,
  userId: string,
  page: MessagePage = {},
): Promise<{ messages: LocalMessage[]; quoted: LocalMessage[]; olderLocal: number; readSeq: number; readBy: Record<string, number> }> {
  return db.transaction('r', db.messages, db.reads, async () => {
    const { beforeSeq } = page;
    // Requests side by side. The page is the newest `limit` of the range below `beforeSeq`, so the
    // older ones are that range's count (the index answers, no row is read) minus the page.
    const [newestFirst, inRange, unsentAll, reads] = await Promise.all([
      sentRange(db, conversationId, undefined, beforeSeq).reverse().limit(page.limit ?? MESSAGES_PAGE_DEFAULT).toArray(),
      sentRange(db, conversationId, undefined, beforeSeq).count(),
      beforeSeq ? undefined : unsentOf(db),
      readsOf(db, conversationId),
    ]);
    const sent = newestFirst.reverse();
    const olderLocal = inRange - sent.length;
    const messages = [...sent, ...(unsentAll?.get(conversationId) ?? [])];
    // The copies the page's quotes name: only this conversation's (the app checks the author).
    // and those its edits and withdrawals name (an older page the tab holds may show them).
    const named = messages.flatMap((message) => message.replyTo?.messageId ?? (message.system as { messageId?: string } | undefined)?.messageId ?? []);
    const quoted = (await db.messages.bulkGet(named)).filter(
      (copy): copy is LocalMessage => copy?.conversationId === conversationId,
    );
    return { messages, quoted, olderLocal, readSeq: reads.get(userId) ?? 0, readBy: readByOthers(reads, userId) };
  });
}
