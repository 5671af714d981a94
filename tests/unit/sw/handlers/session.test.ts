import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { newId } from '../../../../src/shared/ids.ts';
import type { SessionState } from '../../../../src/shared/local-model.ts';
import type { SwReply } from '../../../../src/shared/sw-requests.ts';
import { createVerifier } from '../../../../src/sw/session/lock.ts';
import { PASSWORD, resultOf, swHarness } from '../kit/sw.ts';

/** Session requests: sign-in and sign-out, session expiry, the screen lock. */

describe('handleRequest() session', () => {
  it('signs in, syncs, and resumes the same user after a restart', async () => {
    const { call, login, anne, conversation, ctx, start, events } = swHarness();
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
    const { call } = swHarness();
    expect(await call('auth.login', { username: 'anne', password: 'wrong' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_credentials' },
    });
  });

  it('passes a second factor through to the server, and its refusals back as codes', async () => {
    const { call, server, anne } = swHarness();
    server.otpCodes.set(anne.id, '123456');
    const asked = await call('auth.login', { username: 'anne', password: PASSWORD });
    expect(asked).toMatchObject({ ok: false, error: { code: 'otp_required' } });
    const wrong = await call('auth.login', { username: 'anne', password: PASSWORD, otp: '654321' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'otp_invalid' } });
    expect(resultOf(await call('auth.login', { username: 'anne', password: PASSWORD, otp: '123456' }))).toEqual({ user: anne, expired: false });
  });

  it('shows nothing of the previous user to the next one', async () => {
    const { call, login, ctx, server, anne } = swHarness();
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
    const { call, login, ctx, conversation, server, anne, idb } = swHarness();
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
    const { call, login, ctx, conversation, server, anne, start } = swHarness();
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
});

describe('remote wipe', () => {
  for (const code of ['device_revoked', 'account_closed'] as const) {
    it(`wipes the user's store, outbox included, when the server answers ${code}, and says why until the next sign-in`, async () => {
      const { call, login, ctx, conversation, server, anne, signedOut, idb, start } = swHarness();
      await login('anne');
      await ctx.active!.engine.whenIdle();
      server.revoked.set(anne.id, code);
      await call('message.send', { conversationId: conversation.id, messageId: newId(), body: 'jamais envoyé' });
      await expect.poll(() => signedOut.length).toBe(1);
      expect(signedOut).toEqual([anne.id]);
      expect(resultOf(await call('session.get'))).toEqual({ user: null, expired: false, wiped: code });
      expect((await idb.indexedDB.databases()).map((d) => d.name)).not.toContain(`relais-${anne.id}`);
      // Nothing of hers comes back after a restart either; whoever signs in next is not told.
      expect(resultOf(await call('session.get', undefined, start()))).toMatchObject({ user: null });
      server.revoked.clear();
      expect(resultOf(await call('auth.login', { username: 'anne', password: 'correct horse' }))).toEqual({ user: anne, expired: false });
      expect(server.logs.get(conversation.id) ?? []).toEqual([]);
    });
  }

  it('takes a 401 session_replaced (a request sent with the cookie its own new sign-in replaced) for neither a sign-out nor a wipe', async () => {
    const { call, login, ctx, anne, signedOut, server } = swHarness();
    await login('anne');
    await ctx.active!.engine.whenIdle();
    server.faults.push({ status: 401, code: 'session_replaced' });
    await ctx.active!.engine.sync('start');
    expect(resultOf(await call('session.get'))).toEqual({ user: anne, expired: false });
    expect(ctx.active!.engine.expired).toBe(false);
    expect(signedOut).toEqual([]);
  });

  it('keeps the store on a plain expiry (idle session): only a session ended from elsewhere wipes', async () => {
    const { call, login, ctx, server, anne, signedOut } = swHarness();
    await login('anne');
    await ctx.active!.engine.whenIdle();
    server.expired.add(anne.id);
    await ctx.active!.engine.sync('start');
    expect(resultOf(await call('session.get'))).toEqual({ user: anne, expired: true });
    expect(signedOut).toEqual([]);
  });
});

describe('screen lock', () => {
  it('locks every tab and stays locked across a service worker restart', async () => {
    const { call, login, ctx, start, events } = swHarness();
    await login();
    expect(resultOf(await call('auth.lock'))).toMatchObject({ locked: true });
    expect(events.at(-1)).toMatchObject({ topic: 'auth', data: { locked: true } });

    ctx.close();
    const restarted = start();
    expect(resultOf(await call('session.get', undefined, restarted))).toMatchObject({ locked: true, expired: false });
  });

  it('says whether a password can unlock this device: yes after a password sign-in, no after single sign-on, across a restart', async () => {
    const { call, login, ctx, start, anne } = swHarness();
    await login();
    await call('auth.lock');
    expect(resultOf<SessionState>(await call('session.get')).unlock).toMatchObject({ failures: 0, password: true });

    // Signed in again through the identity provider (as `auth.sso` does): no password was typed here.
    await ctx.signIn(anne);
    await call('auth.lock');
    expect(resultOf<SessionState>(await call('session.get')).unlock).toMatchObject({ password: false });
    ctx.close();
    const restarted = start();
    expect(resultOf<SessionState>(await call('session.get', undefined, restarted)).unlock).toMatchObject({ password: false });
  });

  it('unlocks online through the server, refusing a wrong password', async () => {
    const { call, login, server } = swHarness();
    await login();
    await call('auth.lock');
    expect(await call('auth.unlock', { password: 'wrong' })).toMatchObject({ ok: false, error: { code: 'invalid_credentials' } });
    expect(resultOf(await call('session.get'))).toMatchObject({ locked: true });
    const before = server.requests.length;
    expect(resultOf(await call('auth.unlock', { password: PASSWORD }))).not.toHaveProperty('locked');
    expect(server.requests.slice(before).some((r) => r.path === '/api/auth/login')).toBe(true);
  });

  it('unlocks offline against the salted hash kept in the session store, which holds no password', async () => {
    const { call, login, server, ctx } = swHarness();
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

describe('offline unlock attempts', () => {
  /**
   * Anne signed in then locked, on a device whose clock the test moves. Her stored verifier is made
   * with few iterations so that a dozen checks stay quick (the count is read from the verifier).
   */
  async function lockedOffline() {
    let now = 1_700_000_000_000;
    const sw = swHarness({ now: () => now });
    await sw.login('anne');
    await sw.ctx.sessionDb.session.update('current', { verifier: await createVerifier(PASSWORD, 1_000) });
    await sw.call('auth.lock');
    /** An unlock attempt with the network down. */
    const offline = (password: string, on = sw.ctx): Promise<SwReply> => {
      sw.server.faults.push('network');
      return sw.call('auth.unlock', { password }, on);
    };
    const unlockState = async (on = sw.ctx) => resultOf<SessionState>(await sw.call('session.get', undefined, on)).unlock;
    return { ...sw, offline, unlockState, now: () => now, tick: (ms: number) => void (now += ms) };
  }

  it('waits longer after each failure from the third on, and keeps counting across a restart', async () => {
    const { offline, unlockState, now, tick, ctx, start, events } = await lockedOffline();
    const waits: number[] = [];
    for (let failure = 1; failure <= 6; failure++) {
      tick(waits.at(-1) ?? 0);
      expect(await offline('wrong')).toMatchObject({ ok: false, error: { code: 'invalid_credentials' } });
      const state = await unlockState();
      expect(state?.failures).toBe(failure);
      waits.push((state?.retryAt ?? 0) - now());
      // The lock screen hears of it at once.
      expect(events.at(-1)).toMatchObject({ topic: 'auth', data: { locked: true, unlock: state } });
    }
    expect(waits).toEqual([0, 0, 5_000, 10_000, 20_000, 40_000]);

    // During the wait even the right password is not checked, and the attempt costs nothing.
    tick(39_999);
    expect(await offline(PASSWORD)).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect((await unlockState())?.failures).toBe(6);

    // A restarted service worker remembers the failures and the wait.
    ctx.close();
    const restarted = start();
    expect((await unlockState(restarted))?.failures).toBe(6);
    expect(await offline(PASSWORD, restarted)).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    tick(1);
    expect(resultOf<SessionState>(await offline(PASSWORD, restarted))).not.toHaveProperty('locked');
    // Unlocked: the count starts again.
    expect((await restarted.sessionDb.session.get('current'))?.unlock).toEqual({ failures: 0, retryAt: 0 });
  });

  it('after 10 failures unlocks only through the server: offline the right password is refused, online it works', async () => {
    const { offline, unlockState, tick, call, server } = await lockedOffline();
    for (let failure = 1; failure <= 10; failure++) {
      expect(await offline('wrong')).toMatchObject({ ok: false, error: { code: 'invalid_credentials' } });
      tick(10 * 60_000);
    }
    expect((await unlockState())?.failures).toBe(10);
    expect(await offline(PASSWORD)).toMatchObject({ ok: false, error: { code: 'offline' } });
    tick(24 * 60 * 60_000);
    expect(await offline(PASSWORD)).toMatchObject({ ok: false, error: { code: 'offline' } });

    const before = server.requests.length;
    expect(resultOf<SessionState>(await call('auth.unlock', { password: PASSWORD }))).toMatchObject({ user: { username: 'anne' }, expired: false });
    expect(server.requests.slice(before).map((r) => r.path)).toContain('/api/auth/login');
    expect(resultOf<SessionState>(await call('session.get'))).not.toHaveProperty('locked');
  });

  it('counts attempts made at once, each: they cannot share one try', async () => {
    const { offline, unlockState } = await lockedOffline();
    const replies = await Promise.all(Array.from({ length: 6 }, () => offline('wrong')));
    const codes = replies.map((reply) => (reply.ok ? 'ok' : reply.error.code)).sort();
    expect(codes).toEqual(['invalid_credentials', 'invalid_credentials', 'invalid_credentials', 'rate_limited', 'rate_limited', 'rate_limited']);
    expect((await unlockState())?.failures).toBe(3);
  });
});

describe('sign-out on a shared tablet', () => {
  it('deletes the user database and asks the SW to wipe caches and notifications', async () => {
    const { call, login, anne, signedOut, start } = swHarness();
    await login();
    await call('draft.set', { conversationId: newId(), text: 'brouillon' });
    expect(resultOf(await call('auth.logout'))).toEqual({ discarded: 0 });
    expect(signedOut).toEqual([anne.id]);
    const names = (await indexedDB.databases?.()) ?? [];
    expect(names.map((d) => d.name)).not.toContain(`relais-${anne.id}`);
    expect(resultOf(await call('session.get', undefined, start()))).toEqual({ user: null, expired: false });
  });
});
