import type { Participant } from '../../../shared/model.ts';
import type { LocalMessage } from '../../../shared/local-model.ts';
import type { AckState } from '../../../shared/urgent-ack.ts';

/** One recipient's answer to an urgent message, from its `urgent.ack` line. */
export interface Ack {
  userId: string;
  claim: boolean;
  time: number;
}

/**
 * The answers to each urgent message among `messages`, by its id, in seq order: "Pris en compte"
 * and "Je prends en charge" lines (`urgent.ack`, written by the gateway as the recipient's).
 */
export function acksByMessage(messages: readonly LocalMessage[]): Map<string, Ack[]> {
  const acks = new Map<string, Ack[]>();
  for (const message of messages) {
    const event = message.system;
    if (message.kind !== 'system' || event?.type !== 'urgent.ack') continue;
    const list = acks.get(event.messageId) ?? [];
    list.push({ userId: message.senderId, claim: event.claim, time: message.time });
    acks.set(event.messageId, list);
  }
  return acks;
}


/** How `userId` answered, from the message's answers (a claim outranks an acknowledgement). */
export function stateOf(acks: readonly Ack[], userId: string | null): AckState {
  const own = acks.filter((ack) => ack.userId === userId);
  return own.some((ack) => ack.claim) ? 'claimed' : own.length > 0 ? 'acknowledged' : 'pending';
}

/**
 * The sender's view of an urgent message: each recipient (the participants but the sender, as they
 * are now) with where they stand, those still to answer first.
 */
export function recipientStates(message: LocalMessage, participants: readonly Participant[], acks: readonly Ack[]): { participant: Participant; state: AckState }[] {
  const order: Record<AckState, number> = { pending: 0, acknowledged: 1, claimed: 2 };
  return participants
    .filter((participant) => participant.id !== message.senderId)
    .map((participant) => ({ participant, state: stateOf(acks, participant.id) }))
    .sort((a, b) => order[a.state] - order[b.state]);
}
