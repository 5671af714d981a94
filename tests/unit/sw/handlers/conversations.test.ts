import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { resultOf, swHarness } from '../kit/sw.ts';

/** Conversation requests that need the server's answer. */

describe('handleRequest() conversations', () => {
  it('creates a conversation online, answers the existing one for a direct pair, and refuses offline', async () => {
    const { call, login, ctx, conversation, paul, server } = swHarness();
    await login('anne');
    await ctx.active!.engine.whenIdle();
    const zoe = server.addUser('zoe', 'Zoé Petit');
    const created = resultOf<{ conversationId: string }>(await call('conversation.create', { participantIds: [zoe.id] }));
    expect(server.conversations.has(created.conversationId)).toBe(true);
    expect(await ctx.active!.db.conversations.get(created.conversationId)).toBeDefined();
    const existing = resultOf<{ conversationId: string }>(await call('conversation.create', { participantIds: [paul.id] }));
    expect(existing.conversationId).toBe(conversation.id);
    server.faults.push('network');
    expect(await call('conversation.create', { participantIds: [paul.id] })).toMatchObject({ ok: false, error: { code: 'offline' } });
  });

  it('reports an opening through the outbox: kept offline, sent once back online, nothing changed locally', async () => {
    const { call, login, ctx, conversation, anne, server } = swHarness();
    await login('anne');
    await ctx.active!.engine.whenIdle();
    const before = await ctx.active!.db.convStates.get(conversation.id);
    server.faults.push('network');
    expect(resultOf(await call('conversation.act', { kind: 'conversation.open', conversationId: conversation.id }))).toEqual({});
    await ctx.active!.engine.whenIdle();
    expect(server.opened).toEqual([]);
    expect(await ctx.active!.db.outbox.count()).toBe(1);
    await ctx.active!.engine.flush();
    expect(server.opened).toEqual([{ userId: anne.id, conversationId: conversation.id }]);
    expect(await ctx.active!.db.outbox.count()).toBe(0);
    expect(await ctx.active!.db.convStates.get(conversation.id)).toEqual(before);
  });
});
