import type { RelaisDb } from '../store/db.ts';
import { META, getMeta } from '../store/meta.ts';
import { applyChanges, applyTables } from './apply-changes.ts';
import { pullPage } from './endpoints.ts';
import { requeueAfterReset } from './outbox.ts';
import type { RunResult } from './single-flight.ts';
import type { SyncRun } from './sync-run.ts';

/**
 * Pulling what changed for the user since the stored cursor, page by page:
 *
 *   cursor ──pull()───▶ GET /api/sync/pull?cursor=c0 ─▶ page 1 (changes, c1, hasMore) ─▶ … ─▶ hasMore false
 *      ▲                    each page and its cursor are stored in ONE transaction, so a crash
 *      │                    between pages resumes from the last stored cursor (changes re-apply
 *      │                    idempotently)
 *      └── {reset, c'}: the server lost our history (epoch changed): drop conversations, sent
 *          messages, reads; keep pending/failed messages and the outbox; pull from c'; flush.
 */

/** Resets in a row after which the pull gives up (the server keeps changing epochs). */
const MAX_RESETS = 3;

/**
 * After a pull `reset` (the server's epoch changed): drops what the server will send again
 * (conversations, sent messages, reads) and stores the new cursor, in one transaction. Pending and
 * failed messages and the outbox stay: only this device has them (the outbox gets the re-creation
 * of the conversations it writes to, see `requeueAfterReset`). Resolves with the ids of the
 * conversations that were dropped.
 */
async function resetLocalStore(db: RelaisDb, cursor: string, options: { userId: string; now: number }): Promise<string[]> {
  return db.transaction('rw', applyTables(db), async () => {
    await requeueAfterReset(db, options);
    const dropped = (await db.conversations.toCollection().primaryKeys()) as string[];
    await db.conversations.clear();
    await db.messages.where('status').equals('sent').delete();
    await db.searchChunks.clear();
    await db.reads.clear();
    await db.convStates.clear();
    await db.meta.put({ key: META.cursor, value: cursor });
    return dropped;
  });
}

/** One pull run: applies every page since the stored cursor (resetting the store when told to). */
export async function pullChanges(run: SyncRun): Promise<RunResult> {
  const { db } = run;
  let resets = 0;
  // A device's first pull (or one after a reset) brings history back: that is not news to notify.
  let notify = (await getMeta<string>(db, META.cursor)) !== undefined;
  for (;;) {
    if (run.halted()) return 'failed';
    const answer = await pullPage(run, await getMeta<string>(db, META.cursor));
    if (!answer.ok) {
      // After a 401 the session is gone (the engine knows): its code is already in the state.
      if (answer.status !== 401) run.failed(answer.code);
      await run.report();
      return 'failed';
    }
    const page = answer.body;
    if ('reset' in page) {
      resets += 1;
      if (resets > MAX_RESETS) {
        run.failed('internal');
        return 'failed';
      }
      // Forget what the server will resend; keep what only this device has.
      run.storeReset(await resetLocalStore(db, page.cursor, { userId: run.userId, now: run.now() }));
      notify = false;
      continue;
    }
    // Asked outside the transaction (which would commit at a non-IndexedDB await).
    const news = notify ? await run.news() : undefined;
    const outcome = await db.transaction('rw', applyTables(db), async () => {
      const applied = await applyChanges(db, page.changes, { detectGaps: false, userId: run.userId, ...(news ? { notify: news } : {}) });
      await db.meta.put({ key: META.cursor, value: page.cursor });
      await db.meta.put({ key: META.lastSyncAt, value: run.now() });
      return applied;
    });
    run.synced();
    run.changed(outcome.touched);
    if (!page.hasMore) break;
  }
  // Re-send the outbox against the new epoch. A flush that asked for this pull (push answered
  // `reset`) is waiting on it and pushes again itself: awaiting it here would deadlock.
  if (resets > 0) {
    if (run.flushing()) void run.flush();
    else await run.flush();
  }
  return 'done';
}
