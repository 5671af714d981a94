import { afterEach, describe, expect, it } from 'vitest';
import { lang } from '../../../../../src/app/core/i18n/lang.ts';
import { systemText } from '../../../../../src/app/features/chat/system-text.ts';
import type { SystemEvent } from '../../../../../src/shared/model.ts';

const names: Record<string, string> = { a: 'Dr Martin', b: 'Claire Dubois', k: 'Karim Haddad' };
const nameOf = (id: string) => names[id] ?? '?';
/** Intl writes a no-break space (or a narrow one) between a number and its unit: compare on plain spaces. */
const plain = (text: string): string => text.replace(/[\u00a0\u202f]/g, ' ');
const call = (fields: Partial<Extract<SystemEvent, { type: 'call.ended' }>>): SystemEvent =>
  ({ type: 'call.ended', callId: 'c', callerId: 'a', calleeId: 'k', outcome: 'completed', video: true, durationSeconds: 252, ...fields }) as SystemEvent;

afterEach(() => {
  lang.value = 'fr';
});

describe('systemText()', () => {
  it('turns group events into sentences with the names of the people involved', () => {
    expect(systemText({ type: 'participant.removed', by: 'a', userId: 'b' } as never, nameOf)).toBe('Dr Martin a retiré Claire Dubois');
    expect(systemText({ type: 'conversation.renamed', by: 'a', title: 'Cardio' } as never, nameOf)).toBe('Dr Martin a renommé le groupe « Cardio »');
  });

  it('says an answered call with who called whom, as each side sees it, and how long it lasted', () => {
    lang.value = 'fr';
    expect(plain(systemText(call({}), nameOf, 'k'))).toBe('Appel vidéo de Dr Martin · 4 min 12 s');
    expect(plain(systemText(call({}), nameOf, 'a'))).toBe('Appel vidéo à Karim Haddad · 4 min 12 s');
    expect(plain(systemText(call({ video: false, durationSeconds: 45 }), nameOf, 'k'))).toBe('Appel audio de Dr Martin · 45 s');
    lang.value = 'en';
    expect(plain(systemText(call({}), nameOf, 'k'))).toBe('Video call from Dr Martin · 4 mins 12 secs');
    expect(plain(systemText(call({ video: false }), nameOf, 'a'))).toBe('Audio call to Karim Haddad · 4 mins 12 secs');
  });

  it('says who declined, and a call cut off with the time it had lasted', () => {
    lang.value = 'fr';
    expect(systemText(call({ outcome: 'declined', durationSeconds: 0 }), nameOf, 'a')).toBe('Appel refusé par Karim Haddad');
    expect(systemText(call({ outcome: 'declined', durationSeconds: 0 }), nameOf, 'k')).toBe('Appel de Dr Martin refusé');
    expect(plain(systemText(call({ outcome: 'failed', durationSeconds: 75 }), nameOf, 'k'))).toBe('Appel interrompu avec Dr Martin · 1 min 15 s');
    expect(systemText(call({ outcome: 'failed', durationSeconds: 0 }), nameOf, 'a')).toBe('Appel interrompu avec Karim Haddad');
    lang.value = 'en';
    expect(systemText(call({ outcome: 'declined', durationSeconds: 0 }), nameOf, 'a')).toBe('Call declined by Karim Haddad');
    expect(systemText(call({ outcome: 'declined', durationSeconds: 0 }), nameOf, 'k')).toBe('Call from Dr Martin declined');
    expect(systemText({ type: 'call.missed', callId: 'c' }, nameOf, 'k')).toBe('Missed call');
  });

  it('keeps "Appel manqué" for a missed call, and a neutral line for an event it does not know', () => {
    expect(systemText({ type: 'call.missed', callId: 'c' }, nameOf, 'k')).toBe('Appel manqué');
    expect(systemText({ type: 'call.transferred' } as never, nameOf)).toBe('Événement de la conversation');
  });

  it('says who a ladder step alerted and who handed the duty over, addressing the viewer when the line names them', () => {
    const you = (id: string) => (id === 'k' ? 'Vous' : nameOf(id));
    const escalated: SystemEvent = { type: 'urgent.escalated', messageId: 'm', step: 1, userId: 'k', afterMinutes: 5 };
    expect(systemText(escalated, nameOf)).toBe('Sans réponse après 5 min : alerte envoyée à Karim Haddad (palier 1)');
    expect(systemText(escalated, you)).toBe('Sans réponse après 5 min : vous êtes alerté·e (palier 1)');
    const handover: SystemEvent = { type: 'function.handover', functionId: 'f', fromUserId: 'a', toUserId: 'k' };
    expect(systemText(handover, nameOf)).toBe('Dr Martin a transmis la garde à Karim Haddad');
    expect(systemText(handover, you)).toBe('Dr Martin vous a transmis la garde');
    expect(systemText({ ...handover, fromUserId: 'k', toUserId: 'a' }, you)).toBe('Vous avez transmis la garde à Dr Martin');
    lang.value = 'en';
    expect(systemText(escalated, nameOf)).toBe('No answer after 5 min: Karim Haddad alerted (step 1)');
    expect(systemText(handover, nameOf)).toBe('Dr Martin handed the duty over to Karim Haddad');
  });
});
