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

export async function ackLineId(conversationId: string, messageId: string, userId: string, claim: boolean): Promise<string> {
  const text = `relais.urgent-ack|${conversationId}|${messageId}|${userId}|${claim ? 'claim' : 'ack'}`;
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))).slice(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
