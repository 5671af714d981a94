import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { swHarness } from '../kit/sw.ts';

/** Live frames a tab forwards from its WebSocket. */

describe('handleRequest() live frames', () => {
  it('stores live changes forwarded by a tab', async () => {
    const { call, login, ctx, conversation, paul, server } = swHarness();
    await login('anne');
    await ctx.active!.engine.whenIdle();
    const message = server.addMessage(conversation.id, paul, 'en direct');
    const reply = await call('live.frame', { frame: { type: 'changes', changes: [{ type: 'message', message }] } });
    expect(reply).toMatchObject({ ok: true });
    expect(await ctx.active!.db.messages.get(message.messageId)).toMatchObject({ status: 'sent', seq: 1 });
    expect(await call('live.frame', { frame: { type: 'changes', changes: [{ type: 'message' }] } })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
  });

  it('drops a hostile live frame that reuses the id of a colleague’s message, keeping her text', async () => {
    const { call, login, ctx, conversation, paul, anne, server } = swHarness();
    await login('anne');
    const original = server.addMessage(conversation.id, paul, 'Dose : 5 mg');
    await call('sync.now');
    const forged = { ...original, seq: original.seq + 1, senderId: anne.id, body: 'Dose : 50 mg' };
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await call('live.frame', { frame: { type: 'changes', changes: [{ type: 'message', message: forged }] } })).toMatchObject({ ok: true });
      expect(spy.mock.calls).toEqual([['relais sw: message id reuse failed', 'unknown', conversation.id, original.messageId]]);
    } finally {
      spy.mockRestore();
    }
    expect(await ctx.active!.db.messages.get(original.messageId)).toMatchObject({ senderId: paul.id, body: 'Dose : 5 mg', seq: original.seq });
  });

  it('tells tabs about preferences only when they changed, so a tab re-reading them cannot loop', async () => {
    const { call, login, events } = swHarness();
    await login('anne');
    const preferences = { showPreview: true, sound: false, muted: [], quietHours: null, lang: 'fr' };
    const told = () => events.filter((event) => event.topic === 'preferences').length;
    expect(await call('live.frame', { frame: { type: 'preferences', preferences } })).toMatchObject({ ok: true });
    expect(told()).toBe(1);
    // A tab hearing the event reads the same values from the server and hands them back.
    expect(await call('live.frame', { frame: { type: 'preferences', preferences: { ...preferences } } })).toMatchObject({ ok: true });
    expect(told()).toBe(1);
    await call('live.frame', { frame: { type: 'preferences', preferences: { ...preferences, sound: true } } });
    expect(told()).toBe(2);
  });
});
