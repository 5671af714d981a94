import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { newId } from '../../src/shared/ids.ts';
import type { LocalMessage } from '../../src/shared/local-model.ts';
import type { SwEvent } from '../../src/shared/sw-events.ts';
import type { SwReply } from '../../src/shared/sw-requests.ts';
import type { IdbDeps } from '../../src/sw/store/db.ts';
import { handleRequest } from '../../src/sw/router.ts';
import { SwContext } from '../../src/sw/session/context.ts';
import { FakeServer } from './sw-fake-server.ts';
import { BASE_URL, freshIdb } from './sw-test-kit.ts';

function setup() {
  const server = new FakeServer();
  const anne = server.addUser('anne', 'Dr Anne Martin');
  const paul = server.addUser('paul', 'Paul Durand');
  const conversation = server.addConversation([anne, paul]);
  const idb = freshIdb();
  const cookie = { userId: null as string | null };
  const events: SwEvent[] = [];
  const start = (deps: IdbDeps = idb) =>
    new SwContext({ fetch: server.fetchFor(cookie), baseUrl: BASE_URL, broadcast: (e) => events.push(e), idb: deps });
  const ctx = start();
  let n = 0;
  const call = async (op: string, args?: unknown, on: SwContext = ctx): Promise<SwReply> =>
    handleRequest(on, { id: `r${++n}`, op, ...(args === undefined ? {} : { args }) });
  const login = (username: string) => call('auth.login', { username, password: 'correct horse' });
  return { server, anne, paul, conversation, idb, cookie, events, ctx, start, call, login };
}

function resultOf<T>(reply: SwReply): T {
  if (!reply.ok) throw new Error(`expected ok, got ${reply.error.code}`);
  return reply.result as T;
}

describe('handleRequest() validation', () => {
  it('rejects malformed requests with bad_request, echoing the id when there is one', async () => {
    const { ctx } = setup();
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
    const { ctx } = setup();
    expect(await handleRequest(ctx, { id: 'u1', op: 'messages.delete', args: {} })).toEqual({
      id: 'u1',
      ok: false,
      error: { code: 'unknown_op' },
    });
  });

  it('answers no_session to data requests before sign-in', async () => {
    const { call, conversation } = setup();
    expect(await call('conversations.list')).toMatchObject({ ok: false, error: { code: 'no_session' } });
    expect(await call('messages.list', { conversationId: conversation.id })).toMatchObject({ ok: false, error: { code: 'no_session' } });
    expect(resultOf(await call('session.get'))).toEqual({ user: null, expired: false });
  });
});

describe('handleRequest() session', () => {
  it('signs in, syncs, and resumes the same user after a restart', async () => {
    const { call, login, anne, conversation, ctx, start, events } = setup();
    expect(resultOf(await login('anne'))).toEqual({ user: anne, expired: false });
    await ctx.active!.engine.whenIdle();
    const list = resultOf<{ conversations: { conversation: { id: string } }[] }>(await call('conversations.list'));
    expect(list.conversations.map((s) => s.conversation.id)).toEqual([conversation.id]);
    expect(events).toContainEqual({ topic: 'auth', data: { user: anne, expired: false } });

    ctx.close();
    const restarted = start();
    expect(resultOf(await call('session.get', undefined, restarted))).toEqual({ user: anne, expired: false });
    const again = resultOf<{ conversations: unknown[] }>(await call('conversations.list', undefined, restarted));
    expect(again.conversations).toHaveLength(1);
  });

  it('refuses bad credentials with invalid_credentials', async () => {
    const { call } = setup();
    expect(await call('auth.login', { username: 'anne', password: 'wrong' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_credentials' },
    });
  });

  it('shows nothing of the previous user to the next one', async () => {
    const { call, login, ctx, server, anne } = setup();
    await login('anne');
    await ctx.active!.engine.whenIdle();
    await call('draft.set', { conversationId: newId(), text: 'secret' });
    server.addUser('zoe', 'Zoé Petit');
    const reply = await login('zoe');
    expect(resultOf<{ user: { username: string } }>(reply).user.username).toBe('zoe');
    await ctx.active!.engine.whenIdle();
    const list = resultOf<{ conversations: unknown[] }>(await call('conversations.list'));
    expect(list.conversations).toEqual([]);
    expect(ctx.active!.db.name).not.toContain(anne.id);
  });

  it('signs out: deletes the database and reports the discarded outbox', async () => {
    const { call, login, ctx, conversation, server, anne, idb } = setup();
    await login('anne');
    await ctx.active!.engine.whenIdle();
    server.faults.push('network');
    await call('message.send', { conversationId: conversation.id, messageId: newId(), body: 'hors ligne' });
    await ctx.active!.engine.whenIdle();
    ctx.active!.engine.stop();
    expect(resultOf(await call('auth.logout'))).toEqual({ discarded: 1 });
    expect(resultOf(await call('session.get'))).toEqual({ user: null, expired: false });
    const names = (await idb.indexedDB.databases()).map((d) => d.name);
    expect(names).not.toContain(`relais-${anne.id}`);
  });
});

describe('handleRequest() session expiry', () => {
  it('keeps an offline message through session expiry and delivers it once the same user signs in again', async () => {
    const { call, login, ctx, conversation, server, anne, start } = setup();
    await login('anne');
    await ctx.active!.engine.whenIdle();
    server.expired.add(anne.id);
    const messageId = newId();
    await call('message.send', { conversationId: conversation.id, messageId, body: 'gardé' });
    await ctx.active!.engine.whenIdle();
    expect(resultOf(await call('session.get'))).toEqual({ user: anne, expired: true });

    // The service worker restarts while the session is expired: still expired, nothing pushed.
    ctx.close();
    const restarted = start();
    expect(resultOf(await call('session.get', undefined, restarted))).toEqual({ user: anne, expired: true });
    expect(await restarted.active!.db.outbox.count()).toBe(1);

    expect(resultOf(await call('auth.login', { username: 'anne', password: 'correct horse' }, restarted))).toEqual({
      user: anne,
      expired: false,
    });
    await restarted.active!.engine.whenIdle();
    expect(server.logs.get(conversation.id)!.map((m) => m.messageId)).toEqual([messageId]);
    expect(await restarted.active!.db.messages.get(messageId)).toMatchObject({ status: 'sent', seq: 1 });
  });

  it('answers not_found when retrying an unknown message', async () => {
    const { call, login } = setup();
    await login('anne');
    expect(await call('message.retry', { messageId: newId() })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});

describe('handleRequest() messaging', () => {
  it('echoes a sent message at once, then shows it sent', async () => {
    const { call, login, ctx, conversation, anne, events } = setup();
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

  it('creates a conversation online, answers the existing one for a direct pair, and refuses offline', async () => {
    const { call, login, ctx, conversation, paul, server } = setup();
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

  it('stores live changes forwarded by a tab', async () => {
    const { call, login, ctx, conversation, paul, server } = setup();
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

  it('tells tabs about preferences only when they changed, so a tab re-reading them cannot loop', async () => {
    const { call, login, events } = setup();
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

  it('keeps drafts per conversation', async () => {
    const { call, login } = setup();
    await login('anne');
    const conversationId = newId();
    await call('draft.set', { conversationId, text: 'brouillon' });
    expect(resultOf(await call('draft.get', { conversationId }))).toEqual({ text: 'brouillon' });
    await call('draft.set', { conversationId, text: '' });
    expect(resultOf(await call('draft.get', { conversationId }))).toEqual({ text: '' });
  });

  it('searches users online', async () => {
    const { call, login, paul } = setup();
    await login('anne');
    const reply = resultOf<{ users: { id: string }[] }>(await call('users.search', { q: 'paul' }));
    expect(reply.users.map((u) => u.id)).toEqual([paul.id]);
  });

  it('marks a conversation read locally and on the server', async () => {
    const { call, login, ctx, conversation, anne, server } = setup();
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
});

describe('handleRequest() failures', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('answers internal for a bug in a handler, and logs the request id, op and error name, never the args', async () => {
    const { call, login, ctx, conversation } = setup();
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
    const { call, login, ctx, conversation } = setup();
    await login('anne');
    await ctx.active!.engine.whenIdle();
    ctx.active!.engine.stop();
    ctx.active!.db.close();
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);

    expect(await call('draft.get', { conversationId: conversation.id })).toMatchObject({ ok: false, error: { code: 'storage_error' } });
    expect(logged).toHaveBeenCalledWith('relais sw: request failed', 'DatabaseClosedError', expect.any(String), 'draft.get');
  });

  it('logs nothing for an expected failure', async () => {
    const { call } = setup();
    const logged = vi.spyOn(console, 'error');
    expect(await call('conversations.list')).toMatchObject({ ok: false, error: { code: 'no_session' } });
    expect(logged).not.toHaveBeenCalled();
  });
});
