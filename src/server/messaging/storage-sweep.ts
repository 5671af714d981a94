import type { RedisClient } from '../redis/redis-connection.ts';
import { startLockedSweep, type Sweeper } from '../redis/locked-sweep.ts';
import { intFrom } from '../core/env.ts';
import { backfillBlobRefs, releaseConversationBlobs, removeStaleUploads } from '../store/blob-sweep.ts';
import { expireDedupe } from '../store/dedupe-expiry.ts';
import { eraseConversation } from '../store/erasure.ts';
import { compactFeed } from '../store/feed-compaction.ts';
import { KEYS } from '../store/keys.ts';
import { scanTaggedIds } from '../store/scan.ts';

/**
 * The storage sweep keeps the store bounded (always on; one gateway at a time through a lock, and
 * every step idempotent, so a sweep cut short is finished by the next):
 *   - conversations deleted for everyone are erased (store/erasure.ts; the delete already did it
 *     unless its gateway stopped) and their files released;
 *   - files no message names any more are released after UPLOAD_GRACE_DAYS (store/blob-sweep.ts);
 *   - idempotency records older than RELAIS_DEDUPE_DAYS go (store/dedupe-expiry.ts);
 *   - feeds over RELAIS_FEED_MAX_ENTRIES are compacted (store/feed-compaction.ts);
 *   - temporary upload files an hour old (a gateway stopped mid-upload) are removed.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
/** A file no message names is kept this long after its upload (a device may upload, then go offline before sending). */
export const UPLOAD_GRACE_DAYS = 7;
const STALE_UPLOAD_MS = 60 * 60 * 1000;
const LOCK_KEY = 'relais:storage-sweep:lock';

export interface StorageConfig {
  /** Days an idempotency record is kept (RELAIS_DEDUPE_DAYS, default 30, at least 1). */
  dedupeDays: number;
  /** Entries past which a user's feed is compacted (RELAIS_FEED_MAX_ENTRIES, default 10,000, at least 100). */
  feedMaxEntries: number;
}

/** Reads RELAIS_DEDUPE_DAYS and RELAIS_FEED_MAX_ENTRIES. */
export function loadStorageConfig(env: NodeJS.ProcessEnv): StorageConfig {
  return {
    dedupeDays: Math.max(1, intFrom(env.RELAIS_DEDUPE_DAYS, 30, 'RELAIS_DEDUPE_DAYS')),
    feedMaxEntries: Math.max(100, intFrom(env.RELAIS_FEED_MAX_ENTRIES, 10_000, 'RELAIS_FEED_MAX_ENTRIES')),
  };
}

export interface SweepReport {
  erased: number;
  filesRemoved: number;
  dedupeExpired: number;
  feedsCompacted: number;
}

/** One storage sweep at time `now` (ms) over the whole store and the blob directory. */
export async function sweepStorage(
  redis: RedisClient,
  config: StorageConfig & { blobDir: string },
  now: number,
): Promise<SweepReport> {
  const report: SweepReport = { erased: 0, filesRemoved: 0, dedupeExpired: 0, feedsCompacted: 0 };
  const conversationIds = await scanTaggedIds(redis, '{c:*}:meta');
  await backfillBlobRefs(redis, conversationIds);
  const nowSeconds = Math.floor(now / 1000);
  const dedupeBefore = nowSeconds - config.dedupeDays * 86_400;
  for (const conversationId of conversationIds) {
    const [deleted, erased] = await redis.hmget(KEYS.convMeta(conversationId), 'deleted', 'erased');
    if (deleted === '1' && erased !== '1' && (await eraseConversation(redis, conversationId))) report.erased += 1;
    report.filesRemoved += await releaseConversationBlobs(redis, config.blobDir, conversationId, {
      deleted: deleted === '1',
      graceMs: UPLOAD_GRACE_DAYS * DAY_MS,
      now,
    });
    report.dedupeExpired += await expireDedupe(redis, conversationId, dedupeBefore, nowSeconds);
  }
  for (const userId of await scanTaggedIds(redis, '{u:*}:feed')) {
    if ((await compactFeed(redis, userId, config.feedMaxEntries)) > 0) report.feedsCompacted += 1;
  }
  await removeStaleUploads(config.blobDir, STALE_UPLOAD_MS, now);
  return report;
}

/**
 * Sweeps every `sweepMinutes` (RELAIS_RETENTION_SWEEP_MINUTES) and once at start; among gateways
 * sharing a store, the one that takes the lock sweeps. A failed sweep is logged and tried again.
 */
export function startStorageSweep(
  redis: RedisClient,
  config: StorageConfig & { blobDir: string; sweepMinutes: number },
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void },
): Sweeper {
  const sweep = () => sweepStorage(redis, config, Date.now());
  return startLockedSweep(redis, { name: 'storage sweep', lockKey: LOCK_KEY, intervalMs: config.sweepMinutes * 60_000, sweep }, log);
}
