import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { newId } from '../../src/shared/ids.ts';
import type { SwEvent } from '../../src/shared/sw-events.ts';
import type { SwReply } from '../../src/shared/sw-requests.ts';
import { handleRequest } from '../../src/sw/router.ts';
import { SwContext } from '../../src/sw/session/context.ts';
import { DEFAULT_SETTINGS } from '../../src/sw/store/settings.ts';
import { FakeServer } from './sw-fake-server.ts';
import { BASE_URL, freshIdb } from './sw-test-kit.ts';

const PASSWORD = 'correct horse';
const DAY = 24 * 60 * 60 * 1000;

function setup() {
  const server = new FakeServer();
  const anne = server.addUser('anne', 'Dr Anne Martin');
  const paul = server.addUser('paul', 'Paul Durand');
  const conversation = server.addConversation([anne, paul]);
  const idb = freshIdb();
  const cookie = { userId: null as string | null };
  const events: SwEvent[] = [];
  const signedOut: string[] = [];
  const start = () =>
    new SwContext({
      fetch: server.fetchFor(cookie),
      baseUrl: BASE_URL,
      broadcast: (e) => events.push(e),
      idb,
      onSignedOut: async (userId) => {
        signedOut.push(userId);
      },
    });
  const ctx = start();
  let n = 0;
  const call = (op: string, args?: unknown, on: SwContext = ctx): Promise<SwReply> =>
    handleRequest(on, { id: `r${++n}`, op, ...(args === undefined ? {} : { args }) });
  const login = async () => {
    const reply = await call('auth.login', { username: 'anne', password: PASSWORD });
    await ctx.active?.engine.whenIdle();
    return reply;
  };
  return { server, anne, conversation, ctx, start, call, login, events, signedOut };
}

function resultOf<T>(reply: SwReply): T {
  if (!reply.ok) throw new Error(`expected ok, got ${reply.error.code}`);
  return reply.result as T;
}

describe('settings', () => {
  it('answers the defaults (30/14/90 days, lock after 10 min), then what the user saved', async () => {
    const { call, login } = setup();
    await login();
    expect(resultOf(await call('settings.get'))).toEqual(DEFAULT_SETTINGS);
    const mine = { retention: { messagesDays: 60, notificationsDays: 7, callsDays: 30 }, lockMinutes: 5 };
    expect(resultOf(await call('settings.set', mine))).toEqual(mine);
    expect(resultOf(await call('settings.get'))).toEqual(mine);
  });

  it('refuses out-of-range settings with bad_request', async () => {
    const { call, login } = setup();
    await login();
    const reply = await call('settings.set', { ...DEFAULT_SETTINGS, lockMinutes: 0 });
    expect(reply).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });
});

describe('screen lock', () => {
  it('locks every tab and stays locked across a service worker restart', async () => {
    const { call, login, ctx, start, events } = setup();
    await login();
    expect(resultOf(await call('auth.lock'))).toMatchObject({ locked: true });
    expect(events.at(-1)).toMatchObject({ topic: 'auth', data: { locked: true } });

    ctx.close();
    const restarted = start();
    expect(resultOf(await call('session.get', undefined, restarted))).toMatchObject({ locked: true, expired: false });
  });

  it('unlocks online through the server, refusing a wrong password', async () => {
    const { call, login, server } = setup();
    await login();
    await call('auth.lock');
    expect(await call('auth.unlock', { password: 'wrong' })).toMatchObject({ ok: false, error: { code: 'invalid_credentials' } });
    expect(resultOf(await call('session.get'))).toMatchObject({ locked: true });
    const before = server.requests.length;
    expect(resultOf(await call('auth.unlock', { password: PASSWORD }))).not.toHaveProperty('locked');
    expect(server.requests.slice(before).some((r) => r.path === '/api/auth/login')).toBe(true);
  });

  it('unlocks offline against the salted hash kept in the session store, which holds no password', async () => {
    const { call, login, server, ctx } = setup();
    await login();
    const row = await ctx.sessionDb.session.get('current');
    expect(row?.verifier?.salt).toBeTruthy();
    expect(JSON.stringify(row)).not.toContain(PASSWORD);
    await call('auth.lock');

    server.faults.push('network');
    expect(await call('auth.unlock', { password: 'wrong' })).toMatchObject({ ok: false, error: { code: 'invalid_credentials' } });
    server.faults.push('network');
    expect(resultOf(await call('auth.unlock', { password: PASSWORD }))).toMatchObject({ user: { username: 'anne' } });
    expect(resultOf(await call('session.get'))).not.toHaveProperty('locked');
  });
});

describe('sign-out on a shared tablet', () => {
  it('deletes the user database and asks the SW to wipe caches and notifications', async () => {
    const { call, login, anne, signedOut, start } = setup();
    await login();
    await call('draft.set', { conversationId: newId(), text: 'brouillon' });
    expect(resultOf(await call('auth.logout'))).toEqual({ discarded: 0 });
    expect(signedOut).toEqual([anne.id]);
    const names = (await indexedDB.databases?.()) ?? [];
    expect(names.map((d) => d.name)).not.toContain(`relais-${anne.id}`);
    expect(resultOf(await call('session.get', undefined, start()))).toEqual({ user: null, expired: false });
  });
});

describe('storage', () => {
  it('runs the TTL clean-up when the app opens, keeping the outbox', async () => {
    const { call, login, ctx, conversation, anne } = setup();
    await login();
    const db = ctx.active!.db;
    const old = Date.now() - 45 * DAY;
    await db.messages.bulkPut([
      { conversationId: conversation.id, messageId: newId(), seq: 1, senderId: anne.id, body: 'vieux', urgent: false, time: old, status: 'sent' },
      { conversationId: conversation.id, messageId: newId(), seq: 2, senderId: anne.id, body: 'récent', urgent: false, time: Date.now(), status: 'sent' },
    ]);
    expect(resultOf(await call('storage.cleanup'))).toEqual({ messages: 1, notifications: 0, calls: 0 });
    expect((await db.messages.toArray()).map((m) => m.body)).toEqual(['récent']);
  });

  it('answers storage_full on QuotaExceededError, loses no outbox entry, and frees space', async () => {
    const { call, login, ctx, conversation, anne, server } = setup();
    await login();
    const db = ctx.active!.db;
    server.gate = new Promise(() => undefined); // the network hangs: the first message stays queued
    const first = { conversationId: conversation.id, messageId: newId(), body: 'déjà en attente' };
    resultOf(await call('message.send', first));
    const old = { conversationId: conversation.id, messageId: newId(), seq: 1, senderId: anne.id, body: 'ancien', urgent: false, time: Date.now() - 60 * DAY, status: 'sent' as const };
    await db.messages.bulkPut([old, { ...old, messageId: newId(), seq: 2, time: Date.now() }]);
    const refuse = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    db.messages.hook('creating', refuse);

    const refused = newId();
    const reply = await call('message.send', { conversationId: conversation.id, messageId: refused, body: 'trop' });

    expect(reply).toMatchObject({ ok: false, error: { code: 'storage_full' } });
    db.messages.hook('creating').unsubscribe(refuse);
    const outbox = await db.outbox.toArray();
    expect(outbox.map((e) => e.id)).toEqual([first.messageId]);
    expect(await db.messages.get(refused)).toBeUndefined(); // nothing half-written: the composer gets its text back
    expect(await db.messages.get(first.messageId)).toMatchObject({ status: 'pending' });
    expect(await db.messages.get(old.messageId)).toBeUndefined();
  });
});
