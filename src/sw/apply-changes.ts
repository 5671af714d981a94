import Dexie from 'dexie';
import type { Change, Conversation, Message } from '../shared/model.ts';
import type { LocalMessage } from '../shared/sw-protocol.ts';
import { META, type RelaisDb } from './db.ts';
import { requeueAfterReset } from './outbox.ts';
import { applyUserState, dropConversation, hiddenUpToSeq } from './apply-lifecycle.ts';
import { markConversationNotificationsRead, recordMessageNotification } from './notifications.ts';

/**
 * Applying server changes (pull pages and live frames) to the local store, idempotently:
 * a message is keyed by `messageId` (never duplicated; a local pending copy becomes `sent`),
 * a conversation is upserted, a read only moves forward. Call inside a `rw` transaction over
 * conversations, messages, reads and outbox.
 */

/** Tables an apply transaction needs. */
export function applyTables(db: RelaisDb) {
  return [db.conversations, db.messages, db.reads, db.outbox, db.meta, db.convStates, db.files, db.notifications] as const;
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
    // A server-written line (e.g. a missed call): kept so the UI can say what it records.
    ...(message.kind === 'system' ? { kind: message.kind, system: message.system } : {}),
    ...(message.replyTo ? { replyTo: message.replyTo } : {}),
    ...(message.attachments ? { attachments: message.attachments } : {}),
  };
}

async function applyMessage(db: RelaisDb, message: Message): Promise<boolean> {
  // Deleted for me: a full resync must not bring it back.
  if (message.seq <= (await hiddenUpToSeq(db, message.conversationId))) return false;
  const existing = await db.messages.get(message.messageId);
  if (existing && existing.status === 'sent' && existing.seq === message.seq && existing.time === message.serverTime) {
    return false;
  }
  await db.messages.put(toLocal(message));
  // The server has it: a queued send of the same id is done (its result would be the same seq).
  await db.outbox.where('id').equals(message.messageId).delete();
  // Its files are on the server now: the local copies were only kept to upload them.
  if (existing?.attachments?.some((a) => a.localId !== undefined)) await db.files.where('messageId').equals(message.messageId).delete();
  return true;
}

/** True when this version leaves out `userId` while the stored one had them (member → not member). */
function wasRemoved(stored: Conversation | undefined, conversation: Conversation, userId: string | undefined): boolean {
  if (userId === undefined || conversation.participants.some((p) => p.id === userId)) return false;
  return stored?.participants.some((p) => p.id === userId) ?? false;
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
  /** `notify`: queue a notification for each new message from someone else (notifications.ts). */
  options: { detectGaps: boolean; userId?: string; notify?: boolean },
): Promise<ApplyOutcome> {
  const touched = new Set<string>();
  const gaps = new Set<string>();
  const lastSeq = new Map<string, number>();
  for (const change of changes) {
    switch (change.type) {
      case 'conversation':
        // Read first, always: awaiting a promise that is not Dexie's before any request would let
        // the transaction commit early (fake-indexeddb does).
        if (wasRemoved(await db.conversations.get(change.conversation.id), change.conversation, options.userId)) {
          // Removed from a group (or left it from another device): it goes from this device too.
          await dropConversation(db, change.conversation.id);
        } else {
          // A member added later replays the history, older versions without them included: the
          // version that adds them comes after.
          await applyConversation(db, change.conversation);
        }
        touched.add(change.conversation.id);
        break;
      case 'conversation.deleted':
        await dropConversation(db, change.conversationId);
        touched.add(change.conversationId);
        break;
      case 'conversation.userState':
        if (options.userId !== undefined && change.userId !== options.userId) break;
        await applyUserState(db, {
          conversationId: change.conversationId,
          archivedAtSeq: change.archivedAtSeq,
          hiddenUpToSeq: change.hiddenUpToSeq,
        });
        touched.add(change.conversationId);
        break;
      case 'message': {
        const { conversationId, seq } = change.message;
        if (options.detectGaps) {
          const last = lastSeq.get(conversationId) ?? (await lastLocalSeq(db, conversationId));
          if (seq > last + 1) gaps.add(conversationId);
          lastSeq.set(conversationId, Math.max(last, seq));
        }
        if (await applyMessage(db, change.message)) touched.add(conversationId);
        if (options.notify && options.userId !== undefined) await recordMessageNotification(db, change.message, options.userId);
        break;
      }
      case 'read':
        if (await applyRead(db, change)) touched.add(change.conversationId);
        // Read on another device: its notifications here are read too.
        if (change.userId === options.userId) await markConversationNotificationsRead(db, change.conversationId, change.seq);
        break;
    }
  }
  return { touched, gaps };
}

/**
 * After a pull `reset` (the server's epoch changed): drops what the server will send again
 * (conversations, sent messages, reads) and stores the new cursor, in one transaction. Pending and
 * failed messages and the outbox stay: only this device has them (the outbox gets the re-creation
 * of the conversations it writes to, see `requeueAfterReset`). Resolves with the ids of the
 * conversations that were dropped.
 */
export async function resetLocalStore(
  db: RelaisDb,
  cursor: string,
  options: { userId: string; now: number },
): Promise<string[]> {
  return db.transaction('rw', applyTables(db), async () => {
    await requeueAfterReset(db, options);
    const dropped = (await db.conversations.toCollection().primaryKeys()) as string[];
    await db.conversations.clear();
    await db.messages.where('status').equals('sent').delete();
    await db.reads.clear();
    await db.convStates.clear();
    await db.meta.put({ key: META.cursor, value: cursor });
    return dropped;
  });
}
