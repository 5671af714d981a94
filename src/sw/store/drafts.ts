import type { RelaisDb } from './db.ts';
import { META, getMeta } from './meta.ts';

/** The composer's drafts, one per conversation, kept in the user's store (they go with sign-out). */

/** The draft of a conversation ('' when none). */
export async function readDraft(db: RelaisDb, conversationId: string): Promise<string> {
  return (await getMeta<string>(db, META.draft(conversationId))) ?? '';
}

/** Keeps `text` as the conversation's draft; an empty text drops it. */
export async function writeDraft(db: RelaisDb, conversationId: string, text: string): Promise<void> {
  const key = META.draft(conversationId);
  if (text === '') await db.meta.delete(key);
  else await db.meta.put({ key, value: text });
}
