import { describe, expect, it } from 'vitest';
import { systemText } from '../../../../../src/app/features/chat/system-text.ts';

describe('systemText()', () => {
  it('turns group events into sentences with the names of the people involved', () => {
    const names: Record<string, string> = { a: 'Dr Martin', b: 'Claire Dubois' };
    const nameOf = (id: string) => names[id] ?? '?';
    expect(systemText({ type: 'participant.removed', by: 'a', userId: 'b' } as never, nameOf)).toBe('Dr Martin a retiré Claire Dubois');
    expect(systemText({ type: 'conversation.renamed', by: 'a', title: 'Cardio' } as never, nameOf)).toBe('Dr Martin a renommé le groupe « Cardio »');
  });
});
