import type { SystemEvent } from '../../../shared/model.ts';
import { tChat } from '../../core/i18n/chat.ts';

/** The sentence a system message shows ("Dr Martin a renommé le groupe « Cardiologie »"). */
export function systemText(event: SystemEvent | undefined, nameOf: (userId: string) => string): string {
  switch (event?.type) {
    case 'call.missed':
      return tChat('chat.missedCall');
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
