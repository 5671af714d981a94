import { LIMITS } from '../../shared/limits.ts';
import type { Conversation, UserSummary } from '../../shared/model.ts';

/** Show the composer's counter once this close to the limit. */
export const COUNTER_THRESHOLD = 500;

/**
 * A person's name as shown: a deleted account (a tombstone, its stored name empty) is named
 * `deletedLabel` ("Compte supprimé" / "Deleted account"), from the marker. The label is passed in:
 * this module stays free of the i18n catalogue, which would split the app shell's chunks.
 */
export function participantName(person: Pick<UserSummary, 'displayName' | 'deleted'>, deletedLabel: string): string {
  return person.deleted ? deletedLabel : person.displayName;
}

/**
 * What a conversation is called: its title, else the other participants' names (the signed-in user
 * left out; a deleted account named `labels.deleted`), else `labels.untitled` (a conversation with oneself).
 */
export function conversationTitle(conversation: Conversation, myId: string | null, labels: { untitled: string; deleted: string }): string {
  if (conversation.title) return conversation.title;
  const names = conversation.participants.filter((p) => p.id !== myId).map((p) => participantName(p, labels.deleted));
  return names.length > 0 ? names.join(', ') : labels.untitled;
}

/** A message body on one line for the list preview (the ellipsis itself is CSS). */
export function previewLine(body: string): string {
  return body.replace(/\s+/g, ' ').trim();
}

/** True when the composer should show "n / 8000". */
export function showCounter(length: number): boolean {
  return length >= LIMITS.MESSAGE_BODY_MAX - COUNTER_THRESHOLD;
}

/** True when a draft is worth sending (not only spaces and line breaks). */
export function isSendable(body: string): boolean {
  return body.trim().length > 0 && body.length <= LIMITS.MESSAGE_BODY_MAX;
}

/** Badge text: exact up to 99, then "99+" so it fits in a round badge. */
export function badgeText(count: number): string {
  return count > 99 ? '99+' : String(count);
}
