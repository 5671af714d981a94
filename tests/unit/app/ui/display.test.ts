import { describe, expect, it } from 'vitest';
import type { Conversation } from '../../../../src/shared/model.ts';
import { badgeText, conversationTitle, isSendable, participantName, previewLine, showCounter } from '../../../../src/app/ui/display.ts';

const ME = '01936b2e-7c4a-7def-8abc-0000000000a1';
const ANNE = '01936b2e-7c4a-7def-8abc-0000000000b1';
const PAUL = '01936b2e-7c4a-7def-8abc-0000000000c1';

const LABELS = { untitled: 'Conversation', deleted: 'Compte supprimé' };

function conversation(overrides: Partial<Conversation> = {}): Conversation {
  return {
    id: '01936b2e-7c4a-7def-8abc-000000000001',
    kind: 'direct',
    title: null,
    participants: [
      { id: ME, displayName: 'Dr Moi', role: 'doctor' },
      { id: ANNE, displayName: 'Dr Anne Martin', role: 'doctor' },
    ],
    createdBy: ME,
    createdAt: 0,
    patient: null,
    ...overrides,
  };
}

describe('conversationTitle()', () => {
  it('uses the title when there is one', () => {
    expect(conversationTitle(conversation({ title: 'Staff du lundi' }), ME, LABELS)).toBe('Staff du lundi');
  });

  it('names the other participants, leaving the signed-in user out', () => {
    const group = conversation({
      kind: 'group',
      participants: [...conversation().participants, { id: PAUL, displayName: 'Paul Durand', role: 'nurse' }],
    });
    expect(conversationTitle(group, ME, LABELS)).toBe('Dr Anne Martin, Paul Durand');
  });

  it('names a deleted account from its marker with the label given, never from stored text', () => {
    const direct = conversation({ participants: [conversation().participants[0]!, { id: ANNE, displayName: '', role: 'doctor', deleted: true }] });
    expect(conversationTitle(direct, ME, LABELS)).toBe('Compte supprimé');
    expect(participantName({ displayName: '', deleted: true }, 'Deleted account')).toBe('Deleted account');
    expect(participantName({ displayName: 'Dr Anne Martin' }, 'Deleted account')).toBe('Dr Anne Martin');
  });

  it('falls back when nobody else is in it', () => {
    expect(conversationTitle(conversation({ participants: [{ id: ME, displayName: 'Dr Moi', role: 'doctor' }] }), ME, LABELS)).toBe('Conversation');
  });
});

describe('composer helpers', () => {
  it('shows the counter only in the last 500 characters before 8000', () => {
    expect(showCounter(7499)).toBe(false);
    expect(showCounter(7500)).toBe(true);
    expect(showCounter(8000)).toBe(true);
  });

  it('refuses blank or oversized bodies', () => {
    expect(isSendable('  \n ')).toBe(false);
    expect(isSendable('Bonjour')).toBe(true);
    expect(isSendable('x'.repeat(8001))).toBe(false);
  });

  it('puts a multi-line body on one line for the preview', () => {
    expect(previewLine('  Tension\n 12/8\tce matin ')).toBe('Tension 12/8 ce matin');
  });

  it('caps the badge at 99+', () => {
    expect(badgeText(7)).toBe('7');
    expect(badgeText(100)).toBe('99+');
  });
});
