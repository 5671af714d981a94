import { describe, expect, it } from 'vitest';
import type { Conversation } from '../../../../../src/shared/model.ts';
import type { ConversationSummary } from '../../../../../src/shared/local-model.ts';
import { sortByActivity } from '../../../../../src/app/features/conversations/conversations.ts';

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
