import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import { handleRequest } from '../../../src/sw/router.ts';
import { resultOf, swHarness } from './kit/sw.ts';

/** The router validates every request, dispatches it, and answers a failure with a code (logged when unexpected). */

describe('handleRequest() validation', () => {
  it('rejects malformed requests with bad_request, echoing the id when there is one', async () => {
    const { ctx } = swHarness();
    const bad: unknown[] = [
      null,
      'session.get',
      { op: 'session.get' },
      { id: 'x1', op: 'message.send', args: { conversationId: 'not-a-uuid', messageId: newId(), body: 'a' } },
      { id: 'x2', op: 'message.send', args: { conversationId: newId(), messageId: newId(), body: '' } },
      { id: 'x3', op: 'draft.get', args: { conversationId: newId(), extra: true } },
      { id: 'x4', op: 42 },
      { id: 'x5', op: 'messages.list', args: { conversationId: newId(), limit: 1001 } },
      { id: 'x6', op: 'messages.list', args: { conversationId: newId(), limit: 0 } },
      { id: 'x7', op: 'messages.list', args: { conversationId: newId(), beforeSeq: 1.5 } },
    ];
    for (const raw of bad) {
      const reply = await handleRequest(ctx, raw);
      expect(reply).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    expect(await handleRequest(ctx, bad[3])).toMatchObject({ id: 'x1' });
  });

  it('answers unknown_op for an op it does not know', async () => {
    const { ctx } = swHarness();
    expect(await handleRequest(ctx, { id: 'u1', op: 'messages.delete', args: {} })).toEqual({
      id: 'u1',
      ok: false,
      error: { code: 'unknown_op' },
    });
  });

  it('answers no_session to data requests before sign-in', async () => {
    const { call, conversation } = swHarness();
    expect(await call('conversations.list')).toMatchObject({ ok: false, error: { code: 'no_session' } });
    expect(await call('messages.list', { conversationId: conversation.id })).toMatchObject({ ok: false, error: { code: 'no_session' } });
    expect(resultOf(await call('session.get'))).toEqual({ user: null, expired: false });
  });
});

describe('handleRequest() failures', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('answers internal for a bug in a handler, and logs the request id, op and error name, never the args', async () => {
    const { call, login, ctx, conversation } = swHarness();
    await login('anne');
    await ctx.active!.engine.whenIdle();
    const bug = () => {
      throw new TypeError('Cannot read properties of undefined');
    };
    ctx.active!.db.messages.hook('creating', bug);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const messageId = newId();

    const reply = await handleRequest(ctx, { id: 'bug-1', op: 'message.send', args: { conversationId: conversation.id, messageId, body: 'Résultats de Mme Petit' } });

    expect(reply).toEqual({ id: 'bug-1', ok: false, error: { code: 'internal' } });
    expect(logged).toHaveBeenCalledTimes(1);
    expect(logged).toHaveBeenCalledWith('relais sw: request failed', 'TypeError', 'bug-1', 'message.send');
    const printed = JSON.stringify(logged.mock.calls);
    for (const content of ['Petit', conversation.id, messageId, 'Cannot read']) expect(printed).not.toContain(content);
    ctx.active!.db.messages.hook('creating').unsubscribe(bug);
    expect(await call('draft.get', { conversationId: conversation.id })).toMatchObject({ ok: true });
  });

  it('answers storage_error when the store itself fails, and logs it', async () => {
    const { call, login, ctx, conversation } = swHarness();
    await login('anne');
    await ctx.active!.engine.whenIdle();
    ctx.active!.engine.stop();
    ctx.active!.db.close();
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);

    expect(await call('draft.get', { conversationId: conversation.id })).toMatchObject({ ok: false, error: { code: 'storage_error' } });
    expect(logged).toHaveBeenCalledWith('relais sw: request failed', 'DatabaseClosedError', expect.any(String), 'draft.get');
  });

  it('logs nothing for an expected failure', async () => {
    const { call } = swHarness();
    const logged = vi.spyOn(console, 'error');
    expect(await call('conversations.list')).toMatchObject({ ok: false, error: { code: 'no_session' } });
    expect(logged).not.toHaveBeenCalled();
  });
});
