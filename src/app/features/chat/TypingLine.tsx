import type { Participant } from '../../../shared/model.ts';
import { tChat } from '../../core/i18n/chat.ts';
import { typing } from './typing.ts';

/** "Dr Martin écrit…" while someone types (expires ~6 s after their last signal). */
export function TypingLine({ conversationId, participants, myId }: { conversationId: string; participants: Participant[]; myId: string | null }) {
  const ids = Object.keys(typing.value[conversationId] ?? {}).filter((id) => id !== myId);
  const names = ids.map((id) => participants.find((p) => p.id === id)?.displayName).filter((n): n is string => Boolean(n));
  return (
    <p class="typing-line" data-testid="typing-indicator" aria-live="polite">
      {names.length === 0 ? '' : names.length === 1 ? tChat('chat.typing', { name: names[0] as string }) : tChat('chat.typingMany', { names: names.join(', ') })}
    </p>
  );
}
