import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import { SW_OPS, type SwOp } from '../../../src/shared/sw-requests.ts';
import { handleRequest } from '../../../src/sw/router.ts';
import { PASSWORD, resultOf, swHarness } from './kit/sw.ts';

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

describe('handleRequest() while the device is locked', () => {
  /** Valid args for every op, so that what answers is the lock, not the schema. */
  const sampleArgs = (conversationId: string, messageId: string): Record<SwOp, unknown> => ({
    'session.get': undefined,
    'auth.login': { username: 'anne', password: PASSWORD },
    'auth.logout': undefined,
    'auth.sso': undefined,
    'auth.lock': undefined,
    'auth.unlock': { password: PASSWORD },
    'live.frame': { frame: { type: 'pong', serverTime: 1 } },
    'conversations.list': undefined,
    'conversation.act': { kind: 'conversation.archive', conversationId },
    search: { q: 'tension' },
    'messages.older': { conversationId },
    'file.get': { localId: 'f1' },
    'presence.get': { userIds: [messageId] },
    'conversation.create': { participantIds: [messageId] },
    'messages.list': { conversationId },
    'message.send': { conversationId, messageId, body: 'Tension 12/8' },
    'message.retry': { messageId },
    'read.mark': { conversationId, seq: 1 },
    'users.search': { q: 'mar' },
    'sync.now': undefined,
    'sync.state': undefined,
    'draft.set': { conversationId, text: 'brouillon' },
    'draft.get': { conversationId },
    'settings.get': undefined,
    'settings.set': { retention: { messagesDays: 30, notificationsDays: 14, callsDays: 90 }, lockMinutes: 10 },
    'storage.cleanup': undefined,
    'storage.estimate': undefined,
    'notifications.list': undefined,
    'notifications.read': { ids: ['n1'] },
    'notifications.delete': { ids: ['n1'] },
  });
  const OPEN = ['session.get', 'auth.login', 'auth.logout', 'auth.sso', 'auth.lock', 'auth.unlock', 'live.frame'];

  it('refuses every data request with locked, and changes nothing', async () => {
    const { call, login, conversation, ctx, server } = swHarness();
    await login('anne');
    const draft = { conversationId: conversation.id, text: 'avant le verrouillage' };
    expect(resultOf(await call('draft.set', draft))).toEqual({});
    expect(resultOf(await call('auth.lock'))).toMatchObject({ locked: true });
    const requestsBefore = server.requests.length;
    const args = sampleArgs(conversation.id, newId());
    const refused = SW_OPS.filter((op) => !OPEN.includes(op));
    expect(refused).toEqual(expect.arrayContaining(['conversations.list', 'messages.list', 'search', 'file.get', 'presence.get', 'notifications.list']));
    for (const op of refused) {
      expect({ op, reply: await call(op, args[op]) }).toEqual({ op, reply: expect.objectContaining({ ok: false, error: { code: 'locked' } }) });
    }
    // Nothing reached the server nor the store.
    expect(server.requests.length).toBe(requestsBefore);
    expect(await ctx.active!.db.outbox.count()).toBe(0);
    expect(resultOf(await call('session.get'))).toMatchObject({ locked: true, user: { username: 'anne' } });
    // Unlocked, the same requests answer again.
    resultOf(await call('auth.unlock', { password: PASSWORD }));
    expect(resultOf(await call('draft.get', { conversationId: conversation.id }))).toEqual({ text: draft.text });
    expect(resultOf<{ conversations: unknown[] }>(await call('conversations.list')).conversations).toHaveLength(1);
  });

  it('still stores the live frames the tab forwards, and answers them with nothing', async () => {
    const { call, login, conversation, ctx, anne } = swHarness();
    await login('paul');
    await call('auth.lock');
    const message = { conversationId: conversation.id, messageId: newId(), seq: 1, senderId: anne.id, body: 'Tension 12/8', serverTime: 1, urgent: false };
    expect(resultOf(await call('live.frame', { frame: { type: 'changes', changes: [{ type: 'message', message }] } }))).toEqual({});
    expect((await ctx.active!.db.messages.get(message.messageId))?.body).toBe('Tension 12/8');
    expect(await call('messages.list', { conversationId: conversation.id })).toMatchObject({ ok: false, error: { code: 'locked' } });
  });

  it('stays locked across a service worker restart', async () => {
    const { call, login, ctx, start, conversation } = swHarness();
    await login('anne');
    await call('auth.lock');
    ctx.close();
    const restarted = start();
    expect(await call('messages.list', { conversationId: conversation.id }, restarted)).toMatchObject({ ok: false, error: { code: 'locked' } });
  });

  it('lets the user sign out of a locked device', async () => {
    const { call, login } = swHarness();
    await login('anne');
    await call('auth.lock');
    expect(resultOf(await call('auth.logout'))).toEqual({ discarded: 0 });
    expect(await call('conversations.list')).toMatchObject({ ok: false, error: { code: 'no_session' } });
  });
});
