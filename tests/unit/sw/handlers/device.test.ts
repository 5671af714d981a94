import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { newId } from '../../../../src/shared/ids.ts';
import { DEFAULT_SETTINGS } from '../../../../src/sw/store/settings.ts';
import { resultOf, swHarness } from '../kit/sw.ts';

/** Device requests: the user's settings and the store's clean-up. */

const DAY = 24 * 60 * 60 * 1000;

describe('settings', () => {
  it('answers the defaults (30/14/90 days, lock after 10 min), then what the user saved', async () => {
    const { call, login } = swHarness();
    await login();
    expect(resultOf(await call('settings.get'))).toEqual(DEFAULT_SETTINGS);
    const mine = { retention: { messagesDays: 60, notificationsDays: 7, callsDays: 30 }, lockMinutes: 5 };
    expect(resultOf(await call('settings.set', mine))).toEqual(mine);
    expect(resultOf(await call('settings.get'))).toEqual(mine);
  });

  it('refuses out-of-range settings with bad_request', async () => {
    const { call, login } = swHarness();
    await login();
    const reply = await call('settings.set', { ...DEFAULT_SETTINGS, lockMinutes: 0 });
    expect(reply).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });
});

describe('storage', () => {
  it('runs the TTL clean-up when the app opens, keeping the outbox', async () => {
    const { call, login, ctx, conversation, anne } = swHarness();
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
    const { call, login, ctx, conversation, anne, server } = swHarness();
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
