import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { newId } from '../../../../src/shared/ids.ts';
import type { LocalMessage } from '../../../../src/shared/local-model.ts';
import { CLEANUP_MIN_INTERVAL_MS, cleanup, cleanupIfDue } from '../../../../src/sw/store/cleanup.ts';
import { RelaisDb } from '../../../../src/sw/store/db.ts';
import type { NotificationRow } from '../../../../src/sw/store/rows.ts';
import { enqueueMessage } from '../../../../src/sw/sync/outbox.ts';
import { DEFAULT_SETTINGS, writeSettings } from '../../../../src/sw/store/settings.ts';
import { freshIdb } from '../kit/device.ts';

const DAY = 24 * 60 * 60 * 1000;
const me = newId();
const colleague = newId();

function message(conversationId: string, seq: number | null, ageDays: number, extra: Partial<LocalMessage> = {}): LocalMessage {
  return {
    conversationId,
    messageId: newId(),
    seq,
    senderId: colleague,
    body: `m${seq ?? 'p'}`,
    urgent: false,
    time: Date.now() - ageDays * DAY,
    status: seq === null ? 'pending' : 'sent',
    ...extra,
  };
}

function notification(id: string, ageDays: number, extra: Partial<NotificationRow> = {}): NotificationRow {
  return {
    id,
    type: 'message',
    title: 'Dr Karim Benali',
    body: 'texte',
    link: '/c/x',
    conversationId: null,
    urgent: false,
    time: Date.now() - ageDays * DAY,
    read: false,
    ...extra,
  };
}

describe('TTL clean-up', () => {
  let db: RelaisDb;
  const conversationId = newId();

  beforeEach(() => {
    // Only the clock is faked: fake-indexeddb schedules its own work on real timers.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-26T08:00:00Z'));
    db = new RelaisDb(me, freshIdb());
  });
  afterEach(() => {
    db.close();
    vi.useRealTimers();
  });

  it('removes sent messages older than 30 days by default, keeping younger ones and the newest of each conversation', async () => {
    const old1 = message(conversationId, 1, 40);
    const old2 = message(conversationId, 2, 31);
    const young = message(conversationId, 3, 29);
    const otherConversation = newId();
    const onlyOld = message(otherConversation, 7, 60);
    await db.messages.bulkPut([old1, old2, young, onlyOld]);
    await db.reads.put({ conversationId, userId: me, seq: 3 });

    const report = await cleanup(db, me, Date.now());

    expect(report.messages).toBe(2);
    expect((await db.messages.toArray()).map((m) => m.body).sort()).toEqual(['m3', 'm7']);
  });

  it('never removes a pending or failed message, nor any outbox entry, however old', async () => {
    const pending = message(conversationId, null, 200, { senderId: me });
    await enqueueMessage(db, pending, pending.time);
    const failed = message(conversationId, null, 200, { senderId: me, status: 'failed', errorCode: 'message_too_long' });
    await db.messages.bulkPut([failed, message(conversationId, 1, 100), message(conversationId, 2, 100)]);

    await cleanup(db, me, Date.now());

    expect(await db.messages.get(pending.messageId)).toBeDefined();
    expect(await db.messages.get(failed.messageId)).toBeDefined();
    expect(await db.outbox.where('id').equals(pending.messageId).count()).toBe(1);
  });

  it('keeps an unread urgent message from someone else, and removes it once read', async () => {
    const urgent = message(conversationId, 1, 90, { urgent: true });
    await db.messages.bulkPut([urgent, message(conversationId, 2, 1)]);

    await cleanup(db, me, Date.now());
    expect(await db.messages.get(urgent.messageId)).toBeDefined();

    await db.reads.put({ conversationId, userId: me, seq: 1 });
    await cleanup(db, me, Date.now());
    expect(await db.messages.get(urgent.messageId)).toBeUndefined();
  });

  it('ages notifications (14 days, never an unread urgent one) and call history (90 days) by default', async () => {
    await db.notifications.bulkPut([
      notification('n-old', 15, { read: true }),
      notification('n-new', 13),
      notification('n-urgent-unread', 40, { urgent: true }),
    ]);
    await db.calls.bulkPut([
      { id: 'c-old', conversationId, time: Date.now() - 91 * DAY },
      { id: 'c-new', conversationId, time: Date.now() - 89 * DAY },
    ]);

    expect(await cleanup(db, me, Date.now())).toEqual({ messages: 0, notifications: 1, calls: 1 });
    expect((await db.notifications.toArray()).map((n) => n.id).sort()).toEqual(['n-new', 'n-urgent-unread']);
    expect((await db.calls.toArray()).map((c) => c.id)).toEqual(['c-new']);
  });

  it('follows the retention the user configured', async () => {
    await writeSettings(db, { ...DEFAULT_SETTINGS, retention: { messagesDays: 7, notificationsDays: 1, callsDays: 2 } });
    const eightDays = message(conversationId, 1, 8);
    await db.messages.bulkPut([eightDays, message(conversationId, 2, 0)]);
    await db.calls.put({ id: 'c3', conversationId, time: Date.now() - 3 * DAY });

    expect(await cleanup(db, me, Date.now())).toEqual({ messages: 1, notifications: 0, calls: 1 });
  });

  it('removes a message as it crosses its retention while time passes', async () => {
    const m = message(conversationId, 1, 29);
    await db.messages.bulkPut([m, message(conversationId, 2, 0)]);
    await cleanup(db, me, Date.now());
    expect(await db.messages.get(m.messageId)).toBeDefined();

    vi.setSystemTime(Date.now() + DAY + 1);
    await cleanup(db, me, Date.now());
    expect(await db.messages.get(m.messageId)).toBeUndefined();
  });

  it('runs at most once an hour from routine triggers (app open, activation, periodic sync)', async () => {
    expect(await cleanupIfDue(db, me, Date.now())).not.toBeNull();
    vi.setSystemTime(Date.now() + CLEANUP_MIN_INTERVAL_MS - 1);
    expect(await cleanupIfDue(db, me, Date.now())).toBeNull();
    vi.setSystemTime(Date.now() + 1);
    expect(await cleanupIfDue(db, me, Date.now())).not.toBeNull();
  });
});
