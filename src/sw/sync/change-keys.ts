import type { Change } from '../../shared/model.ts';

/**
 * When two live changes are the same: each change has a subject and a state, and a change is a
 * repeat when its subject's last applied state is its own (live-apply.ts drops repeats).
 *
 *   change                       subject                      state
 *   message                      its message id               seq and server time (what the store
 *                                                             itself compares: same ⇒ left as it is)
 *   read                         conversation + reader        seq
 *   conversation, .deleted,      the conversation             the whole change (the wire carries no
 *   .userState                                                version: a rename back is a new change,
 *                                                             unlike the last one applied)
 *
 * Conversation-level subjects are the bare conversation id, so a writer of a conversation can
 * forget its subject by that id.
 */
export function changeKey(change: Change): [subject: string, state: string] {
  if (change.type === 'message') return [`m ${change.message.messageId}`, `${change.message.seq} ${change.message.serverTime}`];
  if (change.type === 'read') return [`r ${change.conversationId} ${change.userId}`, `${change.seq}`];
  return ['conversation' in change ? change.conversation.id : change.conversationId, JSON.stringify(change)];
}
