import type { Participant, Presence, PresenceState } from '../../../shared/model.ts';

/** One other participant of a group and what is known of their presence (`unknown` until asked). */
export interface ParticipantPresence {
  participant: Participant;
  state: PresenceState | 'unknown';
  lastSeen: number | null;
}

/** What a group header shows: how many of the others are online, and each of them. */
export interface GroupPresence {
  online: number;
  total: number;
  /** Online first, then away, offline (most recently seen first), unknown; by name within each. */
  entries: ParticipantPresence[];
}

const RANK: Record<ParticipantPresence['state'], number> = { online: 0, away: 1, offline: 2, unknown: 3 };

/**
 * The presence of a group's other participants (the signed-in user left out), from the presence
 * signal's map: the header's "3 en ligne sur 5" and the detail list behind it.
 */
export function groupPresence(
  participants: readonly Participant[],
  myId: string | null,
  known: Readonly<Record<string, Presence>>,
): GroupPresence {
  const entries = participants
    .filter((participant) => participant.id !== myId)
    .map((participant): ParticipantPresence => {
      const entry = known[participant.id];
      return { participant, state: entry?.state ?? 'unknown', lastSeen: entry?.state === 'offline' ? entry.lastSeen : null };
    })
    .sort(
      (a, b) =>
        RANK[a.state] - RANK[b.state] ||
        (b.lastSeen ?? 0) - (a.lastSeen ?? 0) ||
        a.participant.displayName.localeCompare(b.participant.displayName, 'fr'),
    );
  return { online: entries.filter((entry) => entry.state === 'online').length, total: entries.length, entries };
}
