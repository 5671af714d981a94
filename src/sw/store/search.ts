import { LIMITS } from '../../shared/limits.ts';
import type { LocalMessage, SearchHit } from '../../shared/local-model.ts';
import type { RelaisDb } from './db.ts';
import type { SearchChunkRow } from './rows.ts';
import { fold } from './search-index.ts';

/**
 * Local, offline search over what this device holds: conversation titles, participant and patient
 * names, and message text. Accent- and case-insensitive for French ("echo" finds "Échographie",
 * "therese" finds "Thérèse"): both sides are folded (NFD, combining marks dropped, lowercase)
 * character by character, keeping where each folded character came from so the snippet can
 * highlight the original text. fold() lives with the index, so index and query fold alike.
 */

/** Characters of context kept on each side of the match in a snippet. */
const CONTEXT = 40;

/**
 * Where the folded `needle` occurs in `text`, in original indexes; null when absent. Folds `text`
 * character by character, keeping the index in `text` of each folded UTF-16 unit.
 */
export function findFolded(text: string, needle: string): { start: number; end: number } | null {
  let folded = '';
  const map: number[] = [];
  let index = 0;
  for (const char of text) {
    const piece = fold(char);
    for (let i = 0; i < piece.length; i++) map.push(index);
    folded += piece;
    index += char.length;
  }
  map.push(index);
  const at = folded.indexOf(needle);
  return at < 0 ? null : { start: map[at] as number, end: map[at + needle.length] as number };
}

/** A snippet around a match, with the match's position inside the snippet (line breaks are the UI's to fold). */
export function snippetOf(text: string, match: { start: number; end: number }): Pick<SearchHit, 'snippet' | 'matchStart' | 'matchLength'> {
  const from = Math.max(0, match.start - CONTEXT);
  const to = Math.min(text.length, match.end + CONTEXT);
  const prefix = from > 0 ? '…' : '';
  return {
    snippet: `${prefix}${text.slice(from, to)}${to < text.length ? '…' : ''}`,
    matchStart: prefix.length + match.start - from,
    matchLength: match.end - match.start,
  };
}

/** A hit on `text` (a name or a message body) with its snippet, or null when it does not match. */
function hitOf(text: string, needle: string, at: Omit<SearchHit, 'snippet' | 'matchStart' | 'matchLength'>): SearchHit | null {
  // An empty text never matches: the needle is never empty.
  const match = findFolded(text, needle);
  return match && { ...at, ...snippetOf(text, match) };
}

interface IndexHit {
  messageId: string;
  time: number;
}

/** Where the needle is in these chunks. */
function indexHits(chunks: readonly SearchChunkRow[], needle: string): IndexHit[] {
  const found: IndexHit[] = [];
  for (const { texts, ids, times } of chunks) {
    texts.forEach((text, i) => {
      if (text.includes(needle)) found.push({ messageId: ids[i] as string, time: times[i] as number });
    });
  }
  return found;
}

/**
 * Searches the local store; conversation matches first, then messages, newest first. Sent messages
 * are found through the search index (search-index.ts), read last chunk first until older chunks
 * cannot change the results, then each hit is read to build its snippet: an entry whose message is
 * gone (clean-up, delete for me, dropped conversation) yields nothing.
 */
export async function searchLocal(db: RelaisDb, query: string, max: number = LIMITS.SEARCH_RESULTS_MAX): Promise<SearchHit[]> {
  const needle = fold(query.trim());
  if (needle === '') return [];
  // No transaction around it all: a read-only one makes the answer wait for its `complete`, and an
  // entry whose message changes in between is checked against the store anyway. One round of
  // reads side by side (each request is a trip to the browser's store), the last chunks included.
  const [conversations, unsent, last] = await Promise.all([
    db.conversations.toArray(),
    db.messages.where('status').below('sent').toArray(),
    // The last four chunks (a few thousand messages): a frequent word's newest hits are there.
    db.searchChunks.reverse().limit(4).toArray(),
  ]);
  const hits: SearchHit[] = [];
  for (const { id, title, patient, participants, createdAt } of conversations) {
    for (const name of [title ?? '', patient?.displayName ?? '', ...participants.map((p) => p.displayName)]) {
      const hit = hitOf(name, needle, { conversationId: id, messageId: null, seq: null, time: createdAt, field: 'title' });
      if (hit) {
        hits.push(hit);
        break;
      }
    }
  }
  const need = max - hits.length;
  const messageHits: SearchHit[] = [];
  const seen = new Set<string>();
  let sent = 0;
  /**
   * Adds a message's hit, once; a message gone since it was indexed has none (nor has a system
   * line: never indexed, never unsent).
   */
  const add = (message: LocalMessage | undefined) => {
    if (!message || seen.has(message.messageId)) return;
    const { conversationId, messageId, seq, time } = message;
    const hit = hitOf(message.body, needle, { conversationId, messageId, seq, time, field: 'body' });
    if (!hit) return;
    seen.add(messageId);
    messageHits.push(hit);
    if (seq !== null) sent += 1;
  };
  // Unsent messages ('failed' and 'pending' sort below 'sent') are few and not indexed: all read.
  unsent.forEach(add);
  // The newest index hits are settled when the chunks before `unread` are all older than the
  // last of them; else (a rarer word) those are read too, at once. Settled hits are checked in order.
  const found = indexHits(last, needle);
  let unread = last.at(-1);
  for (let from = 0; sent < need; ) {
    // A stable sort: entries read later are no newer than those already checked.
    found.sort((a, b) => b.time - a.time);
    const batch = found.slice(from, from + need - sent);
    if (unread && (batch.length < need - sent || (batch.at(-1) as IndexHit).time < unread.floorMax)) {
      found.push(...indexHits(await db.searchChunks.where('n').below(unread.n).toArray(), needle));
      unread = undefined;
    } else if (batch.length === 0) {
      break;
    } else {
      from += batch.length;
      (await db.messages.bulkGet(batch.map((hit) => hit.messageId))).forEach(add);
    }
  }
  messageHits.sort((a, b) => b.time - a.time);
  return [...hits, ...messageHits].slice(0, max);
}
