import type { LocalMessage } from '../../shared/local-model.ts';

/**
 * A message as stored, with two keys for sparse indexes (SCHEMA_V4), each `[conversationId, seq]`
 * once sent: `ownKey` on the messages that never count as unread for the user (their own, and the
 * calls' `call.ended` lines), `urgentKey` on urgent messages from someone else.
 * A message without the key is not in that index, so the messages of others (most of what a device
 * stores) cost no index write for the first, and only the rare urgent ones for the second. (One
 * array-valued field each, not `[conversationId+…]` compound indexes: Dexie would then answer
 * `where('conversationId')` from whichever compound index it picks, maybe a sparse one.)
 */
export type StoredMessage = LocalMessage & { ownKey?: [string, number]; urgentKey?: [string, number] };

/** `message` with the sparse index keys it must carry for `userId` (see StoredMessage). */
export function withIndexKeys(message: StoredMessage, userId: string | undefined): StoredMessage {
  const { ownKey: _own, urgentKey: _urgent, ...plain } = message;
  const { conversationId, seq } = plain;
  if (seq === null) return plain;
  // A call's line (`call.ended`: answered, declined, cut off) is never unread: the parties were there;
  // nor an acknowledgement of an urgent message (`urgent.ack`): it answers a message already counted;
  // nor an edit or a withdrawal (`message.edited`, `message.redacted`): they change a message already counted.
  const type = plain.system?.type;
  const quiet = type === 'call.ended' || type === 'urgent.ack' || type === 'message.edited' || type === 'message.redacted';
  if ((userId !== undefined && plain.senderId === userId) || quiet) return { ...plain, ownKey: [conversationId, seq] };
  return plain.urgent ? { ...plain, urgentKey: [conversationId, seq] } : plain;
}
