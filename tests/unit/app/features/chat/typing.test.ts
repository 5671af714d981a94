import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { newId } from '../../../../../src/shared/ids.ts';
import { clearTyping, noteTyping, typing, TYPING_EXPIRES_MS } from '../../../../../src/app/features/chat/typing.ts';

describe('typing indicator state', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shows a typing user and forgets them about 6 s after their last signal', () => {
    const conversationId = newId();
    const userId = newId();
    noteTyping(conversationId, userId, Date.now());
    expect(Object.keys(typing.value[conversationId] ?? {})).toEqual([userId]);
    vi.advanceTimersByTime(TYPING_EXPIRES_MS - 500);
    expect(Object.keys(typing.value[conversationId] ?? {})).toEqual([userId]);
    vi.advanceTimersByTime(1_000);
    expect(Object.keys(typing.value[conversationId] ?? {})).toEqual([]);
  });

  it('forgets a user at once when their message arrives', () => {
    const conversationId = newId();
    const userId = newId();
    noteTyping(conversationId, userId, Date.now());
    clearTyping(conversationId, userId);
    expect(Object.keys(typing.value[conversationId] ?? {})).toEqual([]);
  });
});
