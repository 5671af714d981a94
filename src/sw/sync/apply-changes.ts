import Dexie from 'dexie';
import type { Change, Conversation, Message } from '../../shared/model.ts';
import type { LocalMessage } from '../../shared/local-model.ts';
import type { RelaisDb } from '../store/db.ts';
import { withIndexKeys, type StoredMessage } from '../store/index-keys.ts';
import { lastLocalSeq, sentRange } from '../store/queries.ts';
import { applyUserState, dropConversation } from '../store/lifecycle.ts';
import { markConversationNotificationsRead, recordMessageNotifications } from '../notifications/queue.ts';
import { indexMessages } from '../store/search-index.ts';
import { amendMessage } from '../store/amend.ts';
import { logFailure } from '../log.ts';

/**
 * Applying server changes (pull pages and live frames) to the local store, idempotently:
 * a message is keyed by `messageId` (never duplicated; a local pending copy becomes `sent`; never
 * overwritten by a message of another sender or conversation under its id, which is dropped),
 * a conversation is upserted, a read only moves forward, a message stored as sent is indexed for
 * search. Call inside a `rw` transaction over applyTables.
 */

/** Tables an apply transaction needs. */
export function applyTables(db: RelaisDb) {
  return [db.conversations, db.messages, db.reads, db.outbox, db.meta, db.convStates, db.files, db.notifications, db.searchChunks] as const;
}

/** What an apply touched, and whether it saw a hole in a conversation's seq. */
export interface ApplyOutcome {
  touched: Set<string>;
  /** Conversations where a message arrived whose seq is past last local seq + 1. */
  gaps: Set<string>;
}

function toLocal({ serverTime, ...message }: Message, userId: string | undefined): StoredMessage {
  // All of it but `serverTime` (a system line keeps its `kind` and `system`, a quote its `replyTo`);
  // an edit's text goes to the message it edits (amend.ts), not to its line.
  const body = message.system?.type === 'message.edited' ? '' : message.body;
  return withIndexKeys({ ...message, body, time: serverTime, status: 'sent' }, userId);
}

/**
 * Applies a run of message changes in a few requests, with the result of applying them one by one:
 * a message at or below the conversation's hidden seq is skipped (deleted for me: a resync must
 * not bring it back); one already stored as sent with the same seq and time is left as it is;
 * otherwise it is stored as sent, a queued send of the same id is done (the server has it) and its
 * local files go (they were only kept to upload them). A message id seen twice in the run is
 * decided against the version the first one left.
 *
 * What a member wrote is never altered by anyone else: a message whose id names a stored message
 * of another sender or conversation is dropped (logged with ids only). The server refuses such an
 * id (`message_id_taken`), so only a hostile frame or a log written before that brings one. A copy
 * this run did not read (stored under another seq) is guarded by its key: ids not read are added,
 * never put, and an add that finds its key taken is dropped the same way.
 */
async function applyMessages(
  db: RelaisDb,
  messages: readonly Message[],
  options: ApplyOptions,
  outcome: ApplyOutcome,
  lastSeq: Map<string, number>,
): Promise<void> {
  const { detectGaps, userId } = options;
  const ranges = new Map<string, [number, number]>();
  for (const { conversationId, seq } of messages) {
    const [low, high] = ranges.get(conversationId) ?? [seq, seq];
    ranges.set(conversationId, [Math.min(low, seq), Math.max(high, seq)]);
  }
  for (const id of ranges.keys()) if (detectGaps && !lastSeq.has(id)) lastSeq.set(id, await lastLocalSeq(db, id));
  // The reads side by side (each request is a trip to the browser's store), the outbox whole (it
  // is short). Stored copies without one read per message: the unsent ones (a pending copy has no
  // seq yet; 'failed' and 'pending' sort below 'sent') and, per conversation, the seq range of the
  // run (its seqs follow each other). A copy under another seq is missed, and overwritten anyway.
  const [states, queued, ...copies] = await Promise.all([
    db.convStates.toArray(),
    db.outbox.toArray(),
    db.messages.where('status').below('sent').toArray(),
    ...[...ranges].map(([id, [low, high]]) => sentRange(db, id, low, high + 1).toArray()),
  ]);
  const hidden = new Map(states.map((state) => [state.conversationId, state.hiddenUpToSeq]));
  const current = new Map(copies.flat().map((row) => [row.messageId, row]));
  const stored = new Map<string, LocalMessage>();
  /** Ids not read from the store: added, so that a copy stored under another seq stays. */
  const unread = new Set<string>();
  const withFiles: string[] = [];
  const echoes = new Set<LocalMessage>();
  for (const message of messages) {
    const { conversationId, messageId, seq } = message;
    if (detectGaps) {
      const last = lastSeq.get(conversationId) as number;
      if (seq > last + 1) outcome.gaps.add(conversationId);
      lastSeq.set(conversationId, Math.max(last, seq));
    }
    if (seq <= (hidden.get(conversationId) ?? 0)) continue;
    const existing = current.get(messageId);
    if (existing && (existing.senderId !== message.senderId || existing.conversationId !== conversationId)) {
      logFailure('message id reuse', undefined, conversationId, messageId);
      continue;
    }
    if (!existing) unread.add(messageId);
    if (existing?.status === 'sent' && existing.seq === seq && existing.time === message.serverTime) {
      // Mine, marked sent by the push answer: maybe not indexed yet (twice costs only an entry).
      if (existing.senderId === userId) echoes.add(existing);
      continue;
    }
    const local = toLocal(message, userId);
    current.set(messageId, local);
    stored.set(messageId, local);
    if (existing?.attachments?.some((a) => a.localId !== undefined)) withFiles.push(messageId);
    outcome.touched.add(conversationId);
  }
  let rows = [...stored.values()];
  const added = rows.filter((row) => unread.has(row.messageId));
  await db.messages.bulkPut(rows.filter((row) => !unread.has(row.messageId)));
  await db.messages.bulkAdd(added).catch((error: unknown) => {
    if (!(error instanceof Dexie.BulkError)) throw error;
    for (const position in error.failuresByPos) {
      const { conversationId, messageId } = added[+position] as LocalMessage;
      logFailure('message id reuse', undefined, conversationId, messageId);
      stored.delete(messageId);
    }
    rows = [...stored.values()];
  });
  await db.outbox.bulkDelete(queued.filter((entry) => stored.has(entry.id)).map((entry) => entry.key));
  // Guarded: even an empty anyOf() costs a trip.
  if (withFiles.length > 0) await db.files.where('messageId').anyOf(withFiles).delete();
  await indexMessages(db.searchChunks, [...rows, ...echoes]);
  // Only what was stored now: a message dropped, hidden or already here is not news.
  const { notify } = options;
  if (notify && userId !== undefined) {
    await recordMessageNotifications(db, messages.filter((message) => stored.has(message.messageId) && notify(message.conversationId)), userId);
  }
  // Edits and redactions, in seq order, once (a line already stored is not applied again), after the
  // notifications (a queued one takes the text its message has now). An edit whose message is not
  // here yet keeps its text on its row until the message comes (live frames out of order, an older
  // page fetched later): the lines naming a message just added apply then.
  // (Only for lines: awaiting an async call that makes no request would let the transaction commit.)
  const amend = async (line: LocalMessage): Promise<void> => {
    const applied = await amendMessage(db, line);
    if (line.system?.type === 'message.edited') await db.messages.update(line.messageId, { body: applied ? '' : line.body });
  };
  for (const message of messages) {
    if (stored.has(message.messageId) && message.system?.type.startsWith('message.')) await amend({ ...toLocal(message, userId), body: message.body });
  }
  const fresh = new Set(added.filter((row) => stored.has(row.messageId) && !row.system).map((row) => row.messageId));
  for (const [conversationId, [low]] of ranges) {
    if (fresh.size === 0) break;
    const waiting = await db.messages
      .where('ownKey')
      .between([conversationId, low + 1], [conversationId, Dexie.maxKey])
      .filter((row) => !stored.has(row.messageId) && fresh.has((row.system as { messageId?: string } | undefined)?.messageId ?? ''))
      .toArray();
    for (const line of waiting) await amend(line);
  }
}

/** True when this version leaves out `userId` while the stored one had them (member → not member). */
function wasRemoved(stored: Conversation | undefined, conversation: Conversation, userId: string | undefined): boolean {
  if (userId === undefined || conversation.participants.some((p) => p.id === userId)) return false;
  return stored?.participants.some((p) => p.id === userId) ?? false;
}

async function applyRead(db: RelaisDb, { conversationId, userId, seq }: { conversationId: string; userId: string; seq: number }): Promise<boolean> {
  const read = await db.reads.get([conversationId, userId]);
  if (read && read.seq >= seq) return false;
  await db.reads.put({ conversationId, userId, seq });
  return true;
}

export interface ApplyOptions {
  detectGaps: boolean;
  userId?: string;
  /**
   * Queue a notification for each new message from someone else (notifications/queue.ts), in the
   * conversations for which this says yes (not one a visible window shows: read live, not news).
   */
  notify?: (conversationId: string) => boolean;
}

/**
 * Applies changes in order; with `detectGaps`, reports conversations where a message's seq is not
 * the next one after the local maximum (live events are at most once; the pull fills the hole).
 * Consecutive messages are applied together (see applyMessages); the other changes split them, so
 * each sees the store as the changes before it left it.
 */
export function applyChanges(db: RelaisDb, changes: readonly Change[], options: ApplyOptions): Promise<ApplyOutcome> {
  // Its own transaction, or nested in the caller's (a pull page stores its cursor with it), with an
  // async scope: Dexie then keeps its zone across the awaits of nested async functions (with a
  // plain arrow as the caller's scope, it loses it after two levels and the caller's transaction
  // commits early).
  return db.transaction('rw', applyTables(db), async () => {
    const outcome: ApplyOutcome = { touched: new Set(), gaps: new Set() };
    const { touched } = outcome;
    const lastSeq = new Map<string, number>();
    for (let i = 0; i < changes.length; i++) {
      const change = changes[i] as Change;
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
            await db.conversations.put(change.conversation);
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
          // The purged messages' index entries stay until the clean-up compacts it: the search
          // never shows them (it reads each hit's message).
          touched.add(change.conversationId);
          break;
        case 'message': {
          let end = i + 1;
          while (changes[end]?.type === 'message') end += 1;
          const run = changes.slice(i, end).map((c) => (c as Extract<Change, { type: 'message' }>).message);
          await applyMessages(db, run, options, outcome, lastSeq);
          i = end - 1;
          break;
        }
        case 'read':
          if (await applyRead(db, change)) touched.add(change.conversationId);
          // Read on another device: its notifications here are read too.
          if (change.userId === options.userId) await markConversationNotificationsRead(db, change.conversationId, change.seq);
          break;
      }
    }
    return outcome;
  });
}
