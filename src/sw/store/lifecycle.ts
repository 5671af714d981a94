import type { RelaisDb } from './db.ts';
import { META } from './meta.ts';
import { readsRange, sentRange } from './queries.ts';
import type { ConvStateRow } from './rows.ts';
import { compactSearchIndex } from './search-index.ts';

/**
 * The lifecycle side of applying server changes: a conversation deleted for everyone (or that I was
 * removed from) disappears from this device with everything it held; my own archive and "delete for
 * me" positions are kept per conversation, and the history I deleted is purged. Runs inside the apply
 * transaction (tables: see applyTables).
 */

/** Drops a conversation and all it holds locally (messages, their search index, reads, state, files, draft). */
export async function dropConversation(db: RelaisDb, conversationId: string): Promise<void> {
  await db.conversations.delete(conversationId);
  await sentRange(db, conversationId).delete();
  // Pending and failed ones ('failed' and 'pending' sort below 'sent') have no seq to be found by.
  await db.messages
    .where('status')
    .below('sent')
    .filter((message) => message.conversationId === conversationId)
    .delete();
  await compactSearchIndex(db);
  await readsRange(db, conversationId).delete();
  await db.convStates.delete(conversationId);
  await db.files.filter((file) => file.conversationId === conversationId).delete();
  // Nothing more can be sent there: queued mutations would only be refused.
  await db.outbox.filter((entry) => (entry.args as { conversationId?: unknown }).conversationId === conversationId).delete();
  await db.meta.delete(META.draft(conversationId));
}

/** Stores my archive / hide positions and purges the messages I deleted for myself. */
export async function applyUserState(db: RelaisDb, state: ConvStateRow): Promise<void> {
  await db.convStates.put(state);
  // Seqs are whole numbers: below hiddenUpToSeq + 1 is up to it.
  if (state.hiddenUpToSeq > 0) await sentRange(db, state.conversationId, undefined, state.hiddenUpToSeq + 1).delete();
}
