import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { newId } from '../../../../src/shared/ids.ts';
import type { LocalMessage } from '../../../../src/shared/local-model.ts';
import { resultOf, swHarness } from '../kit/sw.ts';

/** Message requests: sending with its local echo, retrying, reading, drafts. */

describe('handleRequest() messages', () => {
  it('echoes a sent message at once, then shows it sent', async () => {
    const { call, login, ctx, conversation, anne, events } = swHarness();
    await login('anne');
    await ctx.active!.engine.whenIdle();
    const messageId = newId();
    const reply = resultOf<{ message: LocalMessage }>(await call('message.send', { conversationId: conversation.id, messageId, body: 'Bonjour' }));
    expect(reply.message).toMatchObject({ messageId, status: 'pending', seq: null, senderId: anne.id });
    expect(events).toContainEqual({ topic: `messages:${conversation.id}`, data: { conversationId: conversation.id } });
    await ctx.active!.engine.whenIdle();
    const list = resultOf<{ messages: LocalMessage[] }>(await call('messages.list', { conversationId: conversation.id }));
    expect(list.messages).toHaveLength(1);
    expect(list.messages[0]).toMatchObject({ messageId, status: 'sent', seq: 1 });
  });

  it('answers not_found when retrying an unknown message', async () => {
    const { call, login } = swHarness();
    await login('anne');
    expect(await call('message.retry', { messageId: newId() })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('marks a conversation read locally and on the server', async () => {
    const { call, login, ctx, conversation, anne, server } = swHarness();
    await login('anne');
    await ctx.active!.engine.whenIdle();
    expect(await call('read.mark', { conversationId: conversation.id, seq: 3 })).toMatchObject({ ok: true });
    await ctx.active!.engine.whenIdle();
    expect(server.feed(anne.id)).toContainEqual({ type: 'read', conversationId: conversation.id, userId: anne.id, seq: 3 });
    const list = resultOf<{ readSeq: number; summary: unknown }>(await call('messages.list', { conversationId: conversation.id }));
    expect(list.readSeq).toBe(3);
    expect(list.summary).toMatchObject({ readSeq: 3 });
    // An older page leaves the header's summary out: only the newest one carries it.
    const older = resultOf<{ readSeq: number; summary?: unknown }>(await call('messages.list', { conversationId: conversation.id, beforeSeq: 2, limit: 1 }));
    expect(older.readSeq).toBe(3);
    expect(older.summary).toBeUndefined();
  });

  it('keeps drafts per conversation', async () => {
    const { call, login } = swHarness();
    await login('anne');
    const conversationId = newId();
    await call('draft.set', { conversationId, text: 'brouillon' });
    expect(resultOf(await call('draft.get', { conversationId }))).toEqual({ text: 'brouillon' });
    await call('draft.set', { conversationId, text: '' });
    expect(resultOf(await call('draft.get', { conversationId }))).toEqual({ text: '' });
  });
});
