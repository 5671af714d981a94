import { describe, expect, it } from 'vitest';
import type { Conversation } from '../../src/shared/model.ts';
import type { ConversationSummary } from '../../src/shared/local-model.ts';
import { badgeText, conversationTitle, isSendable, previewLine, showCounter } from '../../src/app/display.ts';
import { sortByActivity } from '../../src/app/state/conversations.ts';
import { createReloader } from '../../src/app/state/reloader.ts';
import { topicMatches } from '../../src/app/sw-client.ts';

const ME = '01936b2e-7c4a-7def-8abc-0000000000a1';
const ANNE = '01936b2e-7c4a-7def-8abc-0000000000b1';
const PAUL = '01936b2e-7c4a-7def-8abc-0000000000c1';

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
    expect(conversationTitle(conversation({ title: 'Staff du lundi' }), ME, 'Conversation')).toBe('Staff du lundi');
  });

  it('names the other participants, leaving the signed-in user out', () => {
    const group = conversation({
      kind: 'group',
      participants: [...conversation().participants, { id: PAUL, displayName: 'Paul Durand', role: 'nurse' }],
    });
    expect(conversationTitle(group, ME, 'Conversation')).toBe('Dr Anne Martin, Paul Durand');
  });

  it('falls back when nobody else is in it', () => {
    expect(conversationTitle(conversation({ participants: [{ id: ME, displayName: 'Dr Moi', role: 'doctor' }] }), ME, 'Conversation')).toBe('Conversation');
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

describe('sortByActivity()', () => {
  it('puts the most recent activity first', () => {
    const summary = (id: string, lastActivity: number): ConversationSummary => ({
      conversation: conversation({ id }),
      lastMessage: null,
      lastActivity,
      unread: 0,
      readSeq: 0,
      readBy: {},
    });
    const sorted = sortByActivity([summary(ANNE, 10), summary(PAUL, 30), summary(ME, 20)]);
    expect(sorted.map((s) => s.lastActivity)).toEqual([30, 20, 10]);
  });
});

describe('topicMatches()', () => {
  it('matches an exact topic or a prefix ending with a colon', () => {
    expect(topicMatches('conversations', 'conversations')).toBe(true);
    expect(topicMatches('messages:', 'messages:abc')).toBe(true);
    expect(topicMatches('messages:abc', 'messages:abcd')).toBe(false);
    expect(topicMatches('sync', 'sync:extra')).toBe(false);
  });
});

describe('createReloader()', () => {
  it('runs one load for a burst of triggers, plus one more for triggers during the load', async () => {
    const gates: (() => void)[] = [];
    let announceStart = (): void => undefined;
    const nextStart = (): Promise<void> => new Promise<void>((resolve) => (announceStart = resolve));
    let loads = 0;
    const reload = createReloader(async () => {
      loads += 1;
      announceStart();
      await new Promise<void>((resolve) => gates.push(resolve));
    });
    const first = reload();
    void reload();
    void reload();
    expect(loads).toBe(1);
    const secondStarted = nextStart();
    gates.shift()?.();
    await secondStarted;
    gates.shift()?.();
    await first;
    expect(loads).toBe(2);
    const third = reload();
    gates.shift()?.();
    await third;
    expect(loads).toBe(3);
  });

  it('keeps working after a failed load', async () => {
    let loads = 0;
    const reload = createReloader(async () => {
      loads += 1;
      if (loads === 1) throw new Error('storage');
    });
    await reload();
    await reload();
    expect(loads).toBe(2);
  });
});
