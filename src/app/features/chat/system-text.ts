import type { SystemEvent } from '../../../shared/model.ts';
import { tChat } from '../../core/i18n/chat.ts';
import { formatCallDuration } from '../../core/i18n/duration.ts';

type CallEnded = Extract<SystemEvent, { type: 'call.ended' }>;

/**
 * A call's line as `myId` sees it: who called whom ("Appel vidéo de Dr Martin", "Appel vidéo à
 * Karim Haddad"), then how long it lasted ("· 4 min 12 s"); "Appel refusé par …" for the caller,
 * "Appel de … refusé" for anyone else; "Appel interrompu avec …" when the connection was lost.
 */
function callEndedText(event: CallEnded, nameOf: (userId: string) => string, myId: string | null): string {
  const outgoing = event.callerId === myId;
  const media = event.video ? 'video' : 'audio';
  const lasted = event.durationSeconds > 0 ? ` · ${formatCallDuration(event.durationSeconds)}` : '';
  switch (event.outcome) {
    case 'declined':
      return outgoing ? tChat('system.callDeclinedBy', { name: nameOf(event.calleeId) }) : tChat('system.callDeclinedFrom', { name: nameOf(event.callerId) });
    case 'failed':
      return tChat('system.callCut', { name: nameOf(outgoing ? event.calleeId : event.callerId) }) + lasted;
    default:
      return (outgoing ? tChat(`system.callTo.${media}`, { name: nameOf(event.calleeId) }) : tChat(`system.callFrom.${media}`, { name: nameOf(event.callerId) })) + lasted;
  }
}

/** The sentence a system message shows ("Dr Martin a renommé le groupe « Cardiologie »"), as `myId` sees it; `senderId`: who the line is written as. */
export function systemText(event: SystemEvent | undefined, nameOf: (userId: string) => string, myId: string | null = null, senderId = ''): string {
  switch (event?.type) {
    case 'urgent.ack':
      // Written as the recipient's: the sender of the line is who answered.
      if (senderId === myId) return tChat(event.claim ? 'system.youClaimed' : 'system.youAcknowledged');
      return tChat(event.claim ? 'system.claimed' : 'system.acknowledged', { name: nameOf(senderId) });
    case 'urgent.escalated': {
      // `nameOf` says "Vous" for the viewer, whom the line's sentence then addresses.
      const name = nameOf(event.userId);
      const params = { minutes: String(event.afterMinutes), step: String(event.step) };
      return name === tChat('chat.you') ? tChat('system.escalatedYou', params) : tChat('system.escalated', { ...params, name });
    }
    case 'function.handover': {
      const [from, to] = [nameOf(event.fromUserId), nameOf(event.toUserId)];
      if (to === tChat('chat.you')) return tChat('system.handoverToYou', { from });
      return tChat(from === tChat('chat.you') ? 'system.handoverByYou' : 'system.handover', { from, to });
    }
    case 'call.missed':
      return tChat('chat.missedCall');
    case 'call.ended':
      return callEndedText(event, nameOf, myId);
    case 'conversation.renamed':
      return tChat('system.renamed', { name: nameOf(event.by), title: event.title });
    case 'participants.added':
      return tChat('system.added', { name: nameOf(event.by), names: event.userIds.map(nameOf).join(', ') });
    case 'participant.removed':
      return tChat('system.removed', { name: nameOf(event.by), target: nameOf(event.userId) });
    case 'participant.left':
      return tChat('system.left', { name: nameOf(event.userId) });
    default:
      return tChat('system.unknown');
  }
}
