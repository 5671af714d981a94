import type { LocalMessage } from '../../../shared/local-model.ts';

/**
 * Merging pages of a conversation's messages (the SW answers them newest first, a page at a time).
 *
 *   loaded:   [ older pages …… | newest page as last read + unsent ]
 *   fresh:                [ newest page now + unsent ]
 *   merged:   [ older pages ][ fresh ]        loaded rows below the fresh page's lowest seq are kept
 */

/** What `messages.list` answers about one page. */
export interface MessagePageReply {
  messages: LocalMessage[];
  olderLocal: number;
}

/** The lowest seq of a list in display order (sent ones come first, by seq), or null. */
export function lowestSeq(messages: readonly LocalMessage[]): number | null {
  return messages[0]?.seq ?? null;
}

/**
 * The loaded messages with a fresh newest page merged in: older loaded pages are kept, the rest is
 * the fresh page (by messageId, so a message sent since shows once). When the fresh page does not
 * reach the loaded ones (more than a page arrived at once), it stands alone: a hole would be wrong.
 * `olderLocal`: sent messages stored before the first merged one.
 */
export function mergeNewest(loaded: readonly LocalMessage[], fresh: MessagePageReply): { messages: LocalMessage[]; olderLocal: number } {
  const cutoff = lowestSeq(fresh.messages);
  if (cutoff === null) return { messages: fresh.messages, olderLocal: 0 };
  const ids = new Set(fresh.messages.map((message) => message.messageId));
  const kept = loaded.filter((message) => message.seq !== null && message.seq < cutoff && !ids.has(message.messageId));
  const reaches = loaded.some((message) => message.seq !== null && message.seq >= cutoff - 1);
  if (kept.length === 0 || !reaches) return { messages: fresh.messages, olderLocal: fresh.olderLocal };
  return { messages: [...kept, ...fresh.messages], olderLocal: Math.max(0, fresh.olderLocal - kept.length) };
}

/** The loaded messages with an older page put in front (without the rows already loaded). */
export function prependOlder(loaded: readonly LocalMessage[], older: readonly LocalMessage[]): LocalMessage[] {
  const ids = new Set(loaded.map((message) => message.messageId));
  return [...older.filter((message) => !ids.has(message.messageId)), ...loaded];
}
