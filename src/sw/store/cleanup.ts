import type { CleanupReport, LocalMessage, UserSettings } from '../../shared/local-model.ts';
import type { RelaisDb } from './db.ts';
import { META } from './meta.ts';
import { lastLocalSeq } from './queries.ts';
import { compactSearchIndex } from './search-index.ts';
import { readSettings } from './settings.ts';

/**
 * TTL clean-up of the local store: cached data past its retention goes, so a shared tablet does not
 * fill up. What it never removes:
 *   - anything in the outbox, and any pending or failed message (only `sent` ones are candidates);
 *   - an urgent message from someone else that this user has not read yet (nor its unread notification);
 *   - the newest sent message of each conversation (the list's summary, and the base the live
 *     gap detection compares new seqs with).
 * A removed message is still on the server: `GET /api/conversations/:id/messages?before=` pages it back.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
/** Runs triggered by routine events (app open, activation) are skipped when one ran this recently. */
export const CLEANUP_MIN_INTERVAL_MS = 60 * 60 * 1000;

/** True when `message` may be dropped from the local cache. */
function removable(message: LocalMessage, userId: string, readSeq: Map<string, number>, newest: Map<string, number>): boolean {
  if (message.status !== 'sent' || message.seq === null) return false;
  if (newest.get(message.conversationId) === message.seq) return false;
  const unread = message.senderId !== userId && message.seq > (readSeq.get(message.conversationId) ?? 0);
  return !(message.urgent && unread);
}

/**
 * Removes what is past retention at `now`; resolves with what was removed. One transaction, so a
 * crash leaves the store as it was.
 */
export async function cleanup(db: RelaisDb, userId: string, now: number, settings?: UserSettings): Promise<CleanupReport> {
  const { retention } = settings ?? (await readSettings(db));
  const messagesBefore = now - retention.messagesDays * DAY_MS;
  return db.transaction('rw', [db.messages, db.reads, db.notifications, db.calls, db.meta, db.searchChunks], async () => {
    const old = await db.messages.where('time').below(messagesBefore).toArray();
    const readSeq = new Map<string, number>();
    const newest = new Map<string, number>();
    for (const conversationId of new Set(old.map((m) => m.conversationId))) {
      readSeq.set(conversationId, (await db.reads.get([conversationId, userId]))?.seq ?? 0);
      newest.set(conversationId, await lastLocalSeq(db, conversationId));
    }
    const doomed = old.filter((m) => removable(m, userId, readSeq, newest));
    await db.messages.bulkDelete(doomed.map((m) => m.messageId));
    // The search index drops them too, and what it kept of messages deleted for me meanwhile.
    await compactSearchIndex(db);
    const notifications = await db.notifications
      .where('time')
      .below(now - retention.notificationsDays * DAY_MS)
      .filter((n) => !(n.urgent && !n.read))
      .delete();
    const calls = await db.calls.where('time').below(now - retention.callsDays * DAY_MS).delete();
    await db.meta.put({ key: META.lastCleanupAt, value: now });
    return { messages: doomed.length, notifications, calls };
  });
}

/** Runs the clean-up unless one ran less than CLEANUP_MIN_INTERVAL_MS ago; null when skipped. */
export async function cleanupIfDue(db: RelaisDb, userId: string, now: number): Promise<CleanupReport | null> {
  const last = (await db.meta.get(META.lastCleanupAt))?.value;
  if (typeof last === 'number' && now - last < CLEANUP_MIN_INTERVAL_MS && last <= now) return null;
  return cleanup(db, userId, now);
}
