/**
 * The id of the line that records one recipient's acknowledgement of an urgent message: derived from
 * (conversation, message, recipient, claim) rather than drawn, so an acknowledgement is written once
 * whatever retries, devices or gateways send it — the conversation's message-id index refuses a
 * second one, and answers the first to the same sender — and a device can show its own before the
 * gateway has it, under the id the gateway will use. A UUID version 8 (RFC 9562 §5.8: custom), the
 * first 16 bytes of a SHA-256, version and variant bits set: valid wherever an id is.
 */
/** True for an id of version 8: the server's derived ids, which no device may give a message (`message.send`). */
export function isDerivedId(id: string): boolean {
  return id.charAt(14) === '8';
}

export function ackLineId(conversationId: string, messageId: string, userId: string, claim: boolean): Promise<string> {
  return derivedId(`relais.urgent-ack|${conversationId}|${messageId}|${userId}|${claim ? 'claim' : 'ack'}`);
}

/** The id of the line that records a message's redaction: one per message, whatever retries or devices send it. */
export function redactionLineId(conversationId: string, messageId: string): Promise<string> {
  return derivedId(`relais.redact|${conversationId}|${messageId}`);
}

/** A version 8 id derived from `text` (see above): the same text, the same id, on any gateway or device. */
export async function derivedId(text: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))).slice(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Where one recipient stands on an urgent message: no answer yet, "Pris en compte", or "Je prends en charge". */
export type AckState = 'pending' | 'acknowledged' | 'claimed';

/** The ids a recipient's two possible answers to a message are written under: [acknowledgement, claim]. */
export function answerLineIds(conversationId: string, messageId: string, userId: string): Promise<[string, string]> {
  return Promise.all([ackLineId(conversationId, messageId, userId, false), ackLineId(conversationId, messageId, userId, true)]);
}

/**
 * Where `userId` stands, from what the conversation's message-id index holds under their two answer
 * ids (`<seq> <senderId>`, or nothing): a line counts only if it is their own (a claim outranks an
 * acknowledgement).
 */
export function answerFrom(userId: string, [acked, claimed]: readonly (string | null | undefined)[]): AckState {
  const theirs = (indexed: string | null | undefined): boolean => indexed?.split(' ')[1] === userId;
  return theirs(claimed) ? 'claimed' : theirs(acked) ? 'acknowledged' : 'pending';
}
