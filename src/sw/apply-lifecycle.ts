import Dexie from 'dexie';
import type { ConvStateRow, RelaisDb } from './db.ts';
import { META } from './db.ts';

/**
 * The lifecycle side of applying server changes: a conversation deleted for everyone (or that I was
 * removed from) disappears from this device with everything it held; my own archive and "delete for
 * me" positions are kept per conversation, and the history I deleted is purged. Runs inside the apply
 * transaction (tables: see applyTables).
 */

/** Drops a conversation and all it holds locally (messages, reads, state, files, draft). */
export async function dropConversation(db: RelaisDb, conversationId: string): Promise<void> {
  await db.conversations.delete(conversationId);
  await db.messages
    .where('[conversationId+time]')
    .between([conversationId, Dexie.minKey], [conversationId, Dexie.maxKey])
    .delete();
  await db.reads
    .where('[conversationId+userId]')
    .between([conversationId, Dexie.minKey], [conversationId, Dexie.maxKey])
    .delete();
  await db.convStates.delete(conversationId);
  await db.files.filter((file) => file.conversationId === conversationId).delete();
  // Nothing more can be sent there: queued mutations would only be refused.
  await db.outbox.filter((entry) => (entry.args as { conversationId?: unknown }).conversationId === conversationId).delete();
  await db.meta.delete(META.draft(conversationId));
}

/** Stores my archive / hide positions and purges the messages I deleted for myself. */
export async function applyUserState(db: RelaisDb, state: ConvStateRow): Promise<void> {
  await db.convStates.put(state);
  if (state.hiddenUpToSeq > 0) {
    await db.messages
      .where('[conversationId+seq]')
      .between([state.conversationId, Dexie.minKey], [state.conversationId, state.hiddenUpToSeq], true, true)
      .delete();
  }
}

/** Highest seq I deleted for myself in a conversation (0 when none). */
export async function hiddenUpToSeq(db: RelaisDb, conversationId: string): Promise<number> {
  return (await db.convStates.get(conversationId))?.hiddenUpToSeq ?? 0;
}
