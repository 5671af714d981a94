import { describe, expect, it, vi } from 'vitest';
import type { SwEvent } from '../../../../../src/shared/sw-events.ts';

/** Each `messages.list` asked, answered by the test. */
const asked: ((page: unknown) => void)[] = [];
const request = vi.fn((_op: string) => new Promise((resolve) => asked.push(resolve)));
const listeners = new Map<string, (event: SwEvent) => void>();
const subscribe = vi.fn((key: string, listener: (event: SwEvent) => void) => {
  listeners.set(key, listener);
  return () => listeners.delete(key);
});
vi.mock('../../../../../src/app/core/sw-client.ts', () => ({ request, subscribe, onTopic: vi.fn() }));

const { startMessages, messages, readSeq } = await import('../../../../../src/app/features/chat/messages.ts');
const { route } = await import('../../../../../src/app/core/route.ts');
const { session } = await import('../../../../../src/app/core/session.ts');

const CONVERSATION = '0190a5b0-0000-7000-8000-000000000001';
const USER = { id: '0190a5b0-0000-7000-8000-0000000000aa', username: 'anne', displayName: 'Dr Anne Martin', role: 'doctor' as const };
const message = (seq: number) => ({ messageId: `m${seq}`, conversationId: CONVERSATION, senderId: USER.id, body: `Tension ${seq}`, time: seq, seq, status: 'sent', kind: 'text' });
const page = (seqs: number[], read = 0) => ({ messages: seqs.map(message), olderLocal: 0, quoted: [], readSeq: read, readBy: {} });
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const answer = async (reply: unknown): Promise<void> => {
  asked.shift()?.(reply);
  await settle();
};
const changed = async (): Promise<void> => {
  listeners.get(`messages:${CONVERSATION}`)?.({ topic: `messages:${CONVERSATION}`, data: { conversationId: CONVERSATION } } as SwEvent);
  await settle();
};

describe('the open conversation’s messages', () => {
  it('renders nothing again when a change event brings back the page already shown, and shows a page that did change', async () => {
    session.value = { user: USER, expired: false } as never;
    startMessages();
    route.value = { name: 'conversation', conversationId: CONVERSATION };
    await answer(page([1, 2]));
    const shown = messages.value;
    expect(shown.map((m) => m.messageId)).toEqual(['m1', 'm2']);

    // The same page again (the record of the opening, say): the very same list stays, nothing renders.
    await changed();
    await answer(page([1, 2]));
    expect(messages.value).toBe(shown);

    // Read up to 2 now: a new page, shown.
    await changed();
    await answer(page([1, 2], 2));
    expect(messages.value).not.toBe(shown);
    expect(readSeq.value).toBe(2);

    // A new message: shown too.
    await changed();
    await answer(page([1, 2, 3], 2));
    expect(messages.value.map((m) => m.messageId)).toEqual(['m1', 'm2', 'm3']);
  });
});
