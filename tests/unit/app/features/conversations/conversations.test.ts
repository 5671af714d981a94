import { describe, expect, it } from 'vitest';
import type { Conversation } from '../../../../../src/shared/model.ts';
import type { ConversationSummary } from '../../../../../src/shared/local-model.ts';
import { SystemEvent } from '../../../../../src/shared/model.ts';
import { sortByActivity, systemPreview } from '../../../../../src/app/features/conversations/conversations.ts';
import { t } from '../../../../../src/app/core/i18n/index.ts';

const ME = '01936b2e-7c4a-7def-8abc-0000000000a1';
const ANNE = '01936b2e-7c4a-7def-8abc-0000000000b1';
const PAUL = '01936b2e-7c4a-7def-8abc-0000000000c1';

function conversation(id: string): Conversation {
  return { id, kind: 'direct', title: null, participants: [], createdBy: ME, createdAt: 0, patient: null };
}

describe('sortByActivity()', () => {
  it('puts the most recent activity first', () => {
    const summary = (id: string, lastActivity: number): ConversationSummary => ({
      conversation: conversation(id),
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

describe('systemPreview()', () => {
  /** Every system line type the gateway writes (read off the schema, so a new type is in this list). */
  const types = [...(SystemEvent._zod.propValues?.type ?? [])].map(String);
  /** A group's changes: their own line in the conversation says who did what; the list says nothing. */
  const silent = ['conversation.renamed', 'participants.added', 'participant.removed', 'participant.left'];

  it('says what happened for every other line the gateway writes, escalations and handovers too', () => {
    expect(types).toEqual(expect.arrayContaining(['urgent.escalated', 'function.handover', 'message.edited', 'message.redacted']));
    for (const type of types.filter((type) => !silent.includes(type))) {
      const key = systemPreview(type);
      expect(key, type).not.toBeNull();
      expect(t(key!, {}, 'fr').length, type).toBeGreaterThan(0);
    }
    expect(t(systemPreview('urgent.escalated')!, {}, 'fr')).toBe('Sans réponse : escalade');
    expect(t(systemPreview('function.handover')!, {}, 'fr')).toBe('Garde transmise');
  });

  it('says nothing for a group change or for a type written by a newer server', () => {
    for (const type of silent) expect(systemPreview(type)).toBeNull();
    expect(systemPreview('future.event')).toBeNull();
    expect(systemPreview(undefined)).toBeNull();
  });
});
