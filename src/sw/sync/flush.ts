import { LIMITS } from '../../shared/limits.ts';
import { META, getMeta } from '../store/meta.ts';
import { uploadStagedFiles } from './attachments.ts';
import { pushBatch } from './endpoints.ts';
import { applyPushResults, conversationOf } from './push-results.ts';
import type { RunResult } from './single-flight.ts';
import type { SyncRun } from './sync-run.ts';

/**
 * Flushing the outbox: its entries go to the server in order, a batch at a time, until it is empty.
 *
 *   outbox ──flush()──▶ files uploaded ─▶ POST /api/sync/push ──results──▶ messages sent/failed, entries removed
 *                          │ no answer / 5xx / 429: entries kept, retry in 1 s … 60 s
 *                          │ another refusal of the whole batch: entries kept, retried at the slowest pace
 *                          │ 401: everything kept, session expired, flushing stops
 *                          │ {reset}: the store lost its data, nothing applied: pull (it resets), push again
 */

/** Resets in a row after which the flush gives up until its next retry. */
const MAX_RESETS = 3;

/** One flush run: pushes batches until the outbox is empty or a batch must wait. */
export async function flushOutbox(run: SyncRun): Promise<RunResult> {
  const { db } = run;
  let resets = 0;
  for (;;) {
    if (run.halted()) return 'failed';
    const entries = await db.outbox.orderBy('key').limit(LIMITS.PUSH_BATCH_MAX).toArray();
    if (entries.length === 0) {
      run.cancelRetry();
      await run.report();
      return 'done';
    }
    const keys = entries.map((entry) => entry.key);
    // Files attached (maybe offline) go up before the message that names them.
    const staged = await uploadStagedFiles(db, run.api, entries);
    if (staged.expired) {
      run.expire();
      await run.report();
      return 'failed';
    }
    if (staged.transientCode) {
      run.answered(staged.transientCode === 'offline' ? 0 : 200);
      await run.retryLater(staged.transientCode, keys);
      await run.report();
      return 'failed';
    }
    if (staged.dropped > 0) {
      run.changed(entries.map(conversationOf).filter((id) => id !== undefined));
      continue;
    }
    // The cursor tells the server which epoch this outbox was written against (see the reset below).
    const mutations = entries.map(({ id, kind, args }) => ({ id, kind, args }));
    const answer = await pushBatch(run, mutations, await getMeta<string>(db, META.cursor));
    if (!answer.ok) {
      // After a 401 the session is gone and the entries wait for the next sign-in. A 5xx, 429 or no
      // answer is expected to pass; any other refusal of the whole batch is kept too (never drop an
      // offline message), retried at the slowest pace.
      if (answer.status !== 401) await run.retryLater(answer.code, keys, { slowest: answer.status !== 200 && !answer.transient });
      await run.report();
      return 'failed';
    }
    if (answer.body.reset) {
      // The store lost its data: nothing was applied. Reset first (it re-queues the creation of the
      // conversations the outbox writes to), then push again against the new epoch.
      resets += 1;
      if (resets > MAX_RESETS) {
        await run.retryLater('internal', keys);
        return 'failed';
      }
      await run.pull();
      continue;
    }
    const outcome = await applyPushResults(db, entries, answer.body.results);
    run.cancelRetry();
    await db.meta.put({ key: META.lastSyncAt, value: run.synced() });
    run.changed(outcome.touched);
    if (outcome.transientCode) {
      await run.retryLater(outcome.transientCode, keys);
      await run.report();
      return 'failed';
    }
    if (outcome.settled === 0) return 'done';
  }
}
