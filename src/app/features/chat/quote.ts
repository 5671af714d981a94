import type { LocalMessage } from '../../../shared/local-model.ts';

/**
 * A quote is shown from this device's own copy of the quoted message, author and text: the server
 * vouches only for which message it is (and, once sent, its author), never for what it says. Without
 * a copy the quote says so ("message cité indisponible") rather than trust anyone's excerpt.
 */

/** Characters of the quoted text shown above a reply (and in the composer while replying). */
export const QUOTE_PREVIEW_MAX = 200;

/**
 * The device's copy of the message `replyTo` names, from `copies` (messageId → message: the loaded
 * pages and the copies `messages.list` found for their quotes), or null when the device has none —
 * or one of another conversation, or by another author than the server recorded (not the quoted one).
 */
export function resolveQuote(
  replyTo: { messageId: string; senderId?: string | undefined },
  conversationId: string,
  copies: ReadonlyMap<string, LocalMessage>,
): LocalMessage | null {
  const copy = copies.get(replyTo.messageId);
  if (!copy || copy.conversationId !== conversationId) return null;
  if (replyTo.senderId !== undefined && copy.senderId !== replyTo.senderId) return null;
  return copy;
}

/**
 * What a quote shows of a message as it reads now: the start of its text (edited: the last one),
 * else the name of its first file; '' when withdrawn (the caller says so).
 */
export function quotePreview(message: LocalMessage): string {
  return (message.pendingBody ?? (message.body || message.attachments?.[0]?.name || '')).slice(0, QUOTE_PREVIEW_MAX);
}

/** One lookup table of the messages a conversation's quotes may name: the quoted copies, the loaded pages over them. */
export function quoteCopies(loaded: readonly LocalMessage[], quoted: ReadonlyMap<string, LocalMessage>): Map<string, LocalMessage> {
  const copies = new Map(quoted);
  for (const message of loaded) copies.set(message.messageId, message);
  return copies;
}
