import type { Change, Conversation, Message, User } from '../../../../src/shared/model.ts';
import { newId } from '../../../../src/shared/ids.ts';
import { applyChanges, type ApplyOutcome } from '../../../../src/sw/sync/apply-changes.ts';
import type { RelaisDb } from '../../../../src/sw/store/db.ts';

/** Server objects for the store's tests, and applying them as the sync engine does. */

/** A user (ids are fresh each time). */
export function userNamed(username: string, displayName: string, role: User['role'] = 'doctor'): User {
  return { id: newId(), username, displayName, role };
}

/** A conversation of `members` (a direct one created by the first, at time 1, unless `fields` say otherwise). */
export function conversationOf(members: readonly User[], fields: Partial<Conversation> = {}): Conversation {
  return {
    id: newId(),
    kind: 'direct',
    title: null,
    participants: members.map(({ id, displayName, role }) => ({ id, displayName, role })),
    createdBy: (members[0] as User).id,
    createdAt: 1,
    patient: null,
    ...fields,
  };
}

/**
 * Messages as the server stored them from `sender`: body `m<seq>`, server time seq × 1000, unless
 * `fields` say otherwise.
 */
export function messagesFrom(sender: User): (conversationId: string, seq: number, fields?: Partial<Message>) => Message {
  return (conversationId, seq, fields = {}) => ({
    conversationId,
    messageId: newId(),
    seq,
    senderId: sender.id,
    body: `m${seq}`,
    serverTime: seq * 1000,
    urgent: false,
    ...fields,
  });
}

/** Message changes, as a pull page or live frames carry them. */
export const asChanges = (...messages: Message[]): Change[] => messages.map((message) => ({ type: 'message', message }));

/** Applies `changes` to `userId`'s store as a pull page does (no gap detection, no notification, unless asked). */
export function applyFor(
  db: RelaisDb,
  userId: string,
  changes: readonly Change[],
  options: { detectGaps?: boolean; notify?: boolean } = {},
): Promise<ApplyOutcome> {
  return applyChanges(db, changes, { detectGaps: options.detectGaps ?? false, userId, ...(options.notify ? { notify: () => true } : {}) });
}

/** What a full read of the messages says about `userId`'s unread count and urgent flag (the indexes must agree). */
export function unreadByFullRead(
  messages: readonly { senderId: string; urgent: boolean; seq: number }[],
  readSeq: number,
  userId: string,
): { unread: number; urgent: boolean | undefined } {
  const fromOthers = messages.filter((m) => m.senderId !== userId);
  const unread = fromOthers.filter((m) => m.seq > readSeq);
  // true: an unread urgent message; false: urgent ones, all read; undefined: none from the others.
  return { unread: unread.length, urgent: unread.some((m) => m.urgent) || (fromOthers.some((m) => m.urgent) ? false : undefined) };
}
