import { useEffect } from 'preact/hooks';
import type { Conversation } from '../../../shared/model.ts';
import { tChat } from '../../core/i18n/chat.ts';
import { presenceLabel } from '../presence/presence-label.ts';
import { loadPresence, presenceKnown, shownPresence } from '../presence/presence.ts';
import { currentStatus } from '../presence/availability.ts';
import { profileLine, statusLabel } from '../presence/status-label.ts';

/**
 * Under the title: the patient the conversation is about, and the other person's presence, availability
 * status, job title and service (1:1; a group's presence is GroupPresence).
 */
export function ChatSubtitle({ conversation, myId }: { conversation: Conversation; myId: string | null }) {
  const others = conversation.participants.filter((p) => p.id !== myId);
  // Everyone's presence (a group shows each participant's): asked again when someone joins.
  const otherIds = others.map((p) => p.id).join(',');
  useEffect(() => loadPresence(otherIds === '' ? [] : otherIds.split(',')), [otherIds]);
  const peer = conversation.kind === 'direct' ? others[0] : undefined;
  const state = peer ? shownPresence.value[peer.id] : undefined;
  const now = Date.now();
  const status = currentStatus(peer?.id, now);
  const profile = peer ? profileLine(peer) : '';
  return (
    <>
      {conversation.patient && (
        <p class="chat-header__patient" data-testid="chat-patient">
          {tChat('chat.patient', { name: conversation.patient.displayName, id: conversation.patient.nationalId })}
        </p>
      )}
      {peer && !presenceKnown.value && (
        <p class="chat-header__presence presence presence--unknown" data-testid="chat-presence">
          {tChat('presence.unknown')}
        </p>
      )}
      {peer && state && (
        <p class={`chat-header__presence presence presence--${state.state}`} data-testid="chat-presence">
          {presenceLabel(state, now)}
        </p>
      )}
      {status && (
        <p class={`chat-header__status status status--${status.state}`} data-testid="chat-status">
          {statusLabel(status, now)}
        </p>
      )}
      {profile && (
        <p class="chat-header__profile" data-testid="chat-profile">
          {profile}
        </p>
      )}
    </>
  );
}
