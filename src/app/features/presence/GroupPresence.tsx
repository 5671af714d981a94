import { useEffect, useRef, useState } from 'preact/hooks';
import type { Participant } from '../../../shared/model.ts';
import { tChat } from '../../core/i18n/chat.ts';
import { t } from '../../core/i18n/index.ts';
import { groupPresence, type ParticipantPresence } from './group-presence.ts';
import { presenceKnown, shownPresence } from './presence.ts';
import { presenceLabel } from './presence-label.ts';
import { participantName } from '../../ui/display.ts';

function stateLabel(entry: ParticipantPresence, now: number): string {
  if (entry.state === 'unknown') return tChat('presence.unknown');
  return presenceLabel({ userId: entry.participant.id, state: entry.state, lastSeen: entry.lastSeen }, now);
}

/**
 * A group's line under its title: "● 3 en ligne sur 5" then the participants' names. The count is a
 * disclosure button (tap, Enter or Space): it opens each other participant's presence ("En ligne",
 * "Absent·e", "Hors ligne · vu à 14:32"), kept live by the presence signal; Escape or a tap outside
 * closes it. Compact enough for a tablet header, whatever the size of the group.
 */
export function GroupPresence({ participants, myId }: { participants: Participant[]; myId: string | null }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  const summary = groupPresence(participants, myId, shownPresence.value);
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent): void => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      toggle.current?.focus();
    };
    const onPointer = (event: PointerEvent): void => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);
  const now = Date.now();
  const names = participants.map((p) => (p.id === myId ? tChat('chat.you') : participantName(p, t('user.deleted')))).join(', ');
  return (
    <div class="group-presence" ref={root}>
      <button
        ref={toggle}
        type="button"
        class="group-presence__toggle"
        data-testid="group-presence-summary"
        aria-expanded={open}
        aria-controls="group-presence-list"
        onClick={() => setOpen(!open)}
      >
        <span class={`presence-dot presence--${presenceKnown.value ? (summary.online > 0 ? 'online' : 'offline') : 'unknown'}`} aria-hidden="true" />
        {presenceKnown.value ? tChat('presence.groupOnline', { online: summary.online, total: summary.total }) : tChat('presence.unknown')}
      </button>
      <p class="chat-header__participants">{tChat('chat.participants', { names })}</p>
      {open && (
        <ul id="group-presence-list" class="group-presence__list" data-testid="group-presence-list" aria-label={tChat('presence.groupList')}>
          {summary.entries.map((entry) => (
            <li key={entry.participant.id} class="group-presence__item" data-testid="group-presence-item" data-user-id={entry.participant.id} data-state={entry.state}>
              <span class={`presence-dot presence--${entry.state}`} aria-hidden="true" />
              <span class="group-presence__name">{participantName(entry.participant, t('user.deleted'))}</span>
              <span class="visually-hidden">, </span>
              <span class="group-presence__state" data-testid="group-presence-state">
                {stateLabel(entry, now)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
