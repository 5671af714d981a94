import { describe, expect, it } from 'vitest';
import type { Participant, Presence } from '../../../../../src/shared/model.ts';
import { groupPresence } from '../../../../../src/app/features/presence/group-presence.ts';
import { tChat } from '../../../../../src/app/core/i18n/chat.ts';

const ME = '01936b2e-7c4a-7def-8abc-0000000000a1';
const ANNE = '01936b2e-7c4a-7def-8abc-0000000000b1';
const PAUL = '01936b2e-7c4a-7def-8abc-0000000000c1';
const CLAIRE = '01936b2e-7c4a-7def-8abc-0000000000d1';
const SOPHIE = '01936b2e-7c4a-7def-8abc-0000000000e1';

const participants: Participant[] = [
  { id: ME, displayName: 'Dr Moi', role: 'doctor' },
  { id: PAUL, displayName: 'Paul Durand', role: 'nurse' },
  { id: ANNE, displayName: 'Dr Anne Martin', role: 'doctor' },
  { id: CLAIRE, displayName: 'Claire Dubois', role: 'nurse' },
  { id: SOPHIE, displayName: 'Sophie Leroy', role: 'secretary' },
];

const known = (...entries: Presence[]): Record<string, Presence> => Object.fromEntries(entries.map((entry) => [entry.userId, entry]));

describe('groupPresence()', () => {
  it('counts the other participants online, leaving the signed-in user out', () => {
    const summary = groupPresence(
      participants,
      ME,
      known(
        { userId: ME, state: 'online', lastSeen: null },
        { userId: ANNE, state: 'online', lastSeen: null },
        { userId: PAUL, state: 'away', lastSeen: null },
        { userId: CLAIRE, state: 'online', lastSeen: null },
      ),
    );
    expect(summary.online).toBe(2);
    expect(summary.total).toBe(4);
    expect(summary.entries.map((entry) => entry.participant.id)).not.toContain(ME);
    expect(tChat('presence.groupOnline', { online: summary.online, total: summary.total }, 'fr')).toBe('2 en ligne sur 4');
  });

  it('lists online, then away, then offline (most recently seen first), then unknown', () => {
    const summary = groupPresence(
      participants,
      ME,
      known(
        { userId: PAUL, state: 'offline', lastSeen: 1_000 },
        { userId: CLAIRE, state: 'offline', lastSeen: 5_000 },
        { userId: ANNE, state: 'away', lastSeen: null },
      ),
    );
    expect(summary.entries.map((entry) => [entry.participant.displayName, entry.state])).toEqual([
      ['Dr Anne Martin', 'away'],
      ['Claire Dubois', 'offline'],
      ['Paul Durand', 'offline'],
      ['Sophie Leroy', 'unknown'],
    ]);
    expect(summary.entries[1]?.lastSeen).toBe(5_000);
    expect(summary.online).toBe(0);
  });

  it('follows a presence change: the same participant counts once online', () => {
    const before = known({ userId: ANNE, state: 'offline', lastSeen: 1_000 });
    expect(groupPresence(participants, ME, before).online).toBe(0);
    const after = { ...before, [ANNE]: { userId: ANNE, state: 'online' as const, lastSeen: null } };
    const summary = groupPresence(participants, ME, after);
    expect(summary.online).toBe(1);
    expect(summary.entries[0]).toEqual({ participant: participants[2], state: 'online', lastSeen: null });
  });
});
