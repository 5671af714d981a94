import { LIMITS } from '../shared/limits.ts';
import type { SearchHit } from '../shared/sw-protocol.ts';
import type { RelaisDb } from './db.ts';

/**
 * Local, offline search over what this device holds: conversation titles, participant and patient
 * names, and message text. Accent- and case-insensitive for French ("echo" finds "Échographie",
 * "therese" finds "Thérèse"): both sides are folded (NFD, combining marks dropped, lowercase)
 * character by character, keeping where each folded character came from so the snippet can
 * highlight the original text.
 */

const COMBINING_MARKS = /[\u0300-\u036f]/g;
/** Characters of context kept on each side of the match in a snippet. */
const CONTEXT = 40;

/** Folds text for matching: no accents, lowercase ("Échographie" → "echographie"). */
export function fold(text: string): string {
  return text.normalize('NFD').replace(COMBINING_MARKS, '').toLowerCase();
}

/** Folds `text` and maps each folded UTF-16 index back to its index in `text`. */
export function foldWithMap(text: string): { folded: string; map: number[] } {
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
  return { folded, map };
}

/** Where the folded `needle` occurs in `text`, in original indexes; null when absent. */
export function findFolded(text: string, needle: string): { start: number; end: number } | null {
  const { folded, map } = foldWithMap(text);
  const at = folded.indexOf(needle);
  if (at < 0) return null;
  return { start: map[at] as number, end: map[at + needle.length] as number };
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

/** Searches the local store; conversation matches first, then messages, newest first. */
export async function searchLocal(db: RelaisDb, query: string, max: number = LIMITS.SEARCH_RESULTS_MAX): Promise<SearchHit[]> {
  const needle = fold(query.trim());
  if (needle === '') return [];
  return db.transaction('r', db.conversations, db.messages, async () => {
    const hits: SearchHit[] = [];
    for (const conversation of await db.conversations.toArray()) {
      const names = [conversation.title ?? '', conversation.patient?.displayName ?? '', ...conversation.participants.map((p) => p.displayName)];
      for (const name of names) {
        const match = name === '' ? null : findFolded(name, needle);
        if (!match) continue;
        hits.push({
          conversationId: conversation.id,
          messageId: null,
          seq: null,
          time: conversation.createdAt,
          field: 'title',
          ...snippetOf(name, match),
        });
        break;
      }
    }
    const messageHits: SearchHit[] = [];
    await db.messages.each((message) => {
      if (message.kind === 'system' || message.body === '') return;
      // Cheap pre-check on the folded body before building the index map.
      if (!fold(message.body).includes(needle)) return;
      const match = findFolded(message.body, needle);
      if (!match) return;
      messageHits.push({
        conversationId: message.conversationId,
        messageId: message.messageId,
        seq: message.seq,
        time: message.time,
        field: 'body',
        ...snippetOf(message.body, match),
      });
    });
    messageHits.sort((a, b) => b.time - a.time);
    return [...hits, ...messageHits].slice(0, max);
  });
}
