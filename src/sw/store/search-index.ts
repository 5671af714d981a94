import type { EntityTable } from 'dexie';
import type { LocalMessage } from '../../shared/local-model.ts';
import type { StoredMessage } from './index-keys.ts';
import type { SearchChunkRow } from './rows.ts';

/**
 * The local search index: each sent message's body is folded once, when it is stored, into big
 * rows of many messages (`searchChunks`), so a search reads a few rows instead of every message,
 * and folds only the query. Entry i of a chunk:
 *
 *   texts[i]   fold(body)
 *   ids[i]     its message id
 *   times[i]   its time
 *
 * New messages go to the last chunk until it holds CHUNK_MAX: few rows to read (IndexedDB reads a
 * few big values much faster than many small ones), one row written per apply. The search reads
 * the last chunks first, and the others only when `floorMax` (the newest time in the chunks
 * before one) says they could change its results.
 *
 * Entries may outlive their message (TTL clean-up, delete for me) or repeat (a message of mine
 * that a push answer marked sent is indexed when it comes back): the search checks each hit
 * against the stored message, and compactSearchIndex drops them. Pending and failed messages are
 * not in it: the search reads those few directly.
 */

/** The tables the index lives in and is checked against (those of RelaisDb, which builds it in an upgrade). */
export interface SearchTables {
  messages: EntityTable<StoredMessage, 'messageId'>;
  searchChunks: EntityTable<SearchChunkRow, 'n'>;
}

const COMBINING_MARKS = /[\u0300-\u036f]/g;
/** Entries per chunk (~110 KB with their ids); then the next chunk starts. */
const CHUNK_MAX = 1000;

/** Folds text for matching: no accents, lowercase ("Échographie" → "echographie"). */
export function fold(text: string): string {
  return text.normalize('NFD').replace(COMBINING_MARKS, '').toLowerCase();
}

/**
 * Indexes messages stored as sent (never unsent ones: the search reads those apart), in one write:
 * appended to the last chunk while it has room, else in a new one. Call inside the apply
 * transaction (or the schema upgrade, with its table).
 */
export async function indexMessages(table: SearchTables['searchChunks'], messages: readonly LocalMessage[]): Promise<void> {
  // System lines and empty bodies never match.
  const fresh = messages.filter((m) => m.kind !== 'system' && m.body !== '');
  if (fresh.length === 0) return;
  const tail = await table.orderBy('n').last();
  const chunk =
    tail && tail.ids.length + fresh.length <= CHUNK_MAX
      ? tail
      : { n: (tail?.n ?? -1) + 1, texts: [], ids: [], times: [], floorMax: tail ? Math.max(tail.floorMax, ...tail.times) : 0 };
  for (const { messageId, time, body } of fresh) {
    chunk.texts.push(fold(body));
    chunk.ids.push(messageId);
    chunk.times.push(time);
  }
  await table.put(chunk);
}

/** Keeps the entries of a chunk that `kept` says yes to (`floorMax` stays an upper bound). */
function pruned(chunk: SearchChunkRow, kept: boolean[]): SearchChunkRow {
  const pick = <T>(values: T[]) => values.filter((_, i) => kept[i]);
  return { ...chunk, texts: pick(chunk.texts), ids: pick(chunk.ids), times: pick(chunk.times) };
}

/**
 * Takes a message's entries out of the index (it was edited or withdrawn: its old text must not be
 * found, nor stay on the device). Reads from the last chunk back to the one its time falls in
 * (`floorMax` says no chunk before that one holds it): a recent message costs a chunk or two.
 */
export async function unindexMessage(table: SearchTables['searchChunks'], { messageId, time }: Pick<LocalMessage, 'messageId' | 'time'>): Promise<void> {
  for (const chunk of await table.reverse().until((c) => c.floorMax < time, true).toArray()) {
    const kept = chunk.ids.map((id) => id !== messageId);
    if (kept.includes(false)) await table.put(pruned(chunk, kept));
  }
}

/**
 * Drops the entries whose message left the store (clean-up, delete for me, dropped conversation)
 * and the repeated ones, rewriting only the chunks that change (`floorMax` stays an upper bound).
 * Reads the whole index: for rare events.
 */
export async function compactSearchIndex(db: SearchTables): Promise<void> {
  // Each stored message keeps its first entry: its id leaves the set once used.
  const stored = new Set(await db.messages.toCollection().primaryKeys());
  for (const chunk of await db.searchChunks.toArray()) {
    const kept = chunk.ids.map((id) => stored.delete(id));
    // An emptied chunk stays (a few bytes): its `floorMax` still bounds the ones before it.
    if (kept.includes(false)) await db.searchChunks.put(pruned(chunk, kept));
  }
}
