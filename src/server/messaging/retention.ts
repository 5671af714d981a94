import type { RedisClient } from '../redis/redis-connection.ts';
import { startLockedSweep, type Sweeper } from '../redis/locked-sweep.ts';
import { intFrom } from '../core/env.ts';
import { forgetNamedBlobs } from '../store/blob-sweep.ts';
import { KEYS } from '../store/keys.ts';
import { scanTaggedIds } from '../store/scan.ts';

/**
 * Server-side retention (off by default): messages older than `RELAIS_RETENTION_DAYS` are trimmed
 * from the conversation logs (the source of truth), with their history and message-id index entries
 * (a trimmed message can no longer be quoted, and its id is free again). The
 * conversation entry itself, read markers and everything younger stay. Devices keep what they
 * already hold until their own TTL clean-up removes it. Files the trimmed messages named leave with
 * the storage sweep (storage-sweep.ts) once no message names them.
 *
 * The log is ordered by version, which follows time, so each sweep reads a conversation from its
 * oldest entry and stops at the first message young enough. Deleting given entry ids (XDEL) never
 * races with appends, which only add newer ids. Several gateways share one sweep through a lock.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
const LOG_BATCH = 200;
const LOCK_KEY = 'relais:retention:lock';

export interface RetentionConfig {
  /** Age past which messages are trimmed, in days; 0 keeps everything (the default). */
  days: number;
  /** Minutes between sweeps (RELAIS_RETENTION_SWEEP_MINUTES, default 60). */
  sweepMinutes: number;
}

/** Reads RELAIS_RETENTION_DAYS (default 0: off) and RELAIS_RETENTION_SWEEP_MINUTES (default 60). */
export function loadRetentionConfig(env: NodeJS.ProcessEnv): RetentionConfig {
  return {
    days: intFrom(env.RELAIS_RETENTION_DAYS, 0, 'RELAIS_RETENTION_DAYS'),
    sweepMinutes: Math.max(1, intFrom(env.RELAIS_RETENTION_SWEEP_MINUTES, 60, 'RELAIS_RETENTION_SWEEP_MINUTES')),
  };
}

interface LogMessage {
  type?: string;
  message?: { seq?: number; serverTime?: number; messageId?: string; attachments?: unknown[] };
}

/** Trims one conversation's messages older than `before` (ms); resolves with how many went. */
export async function trimConversation(redis: RedisClient, conversationId: string, before: number): Promise<number> {
  const log = KEYS.convLog(conversationId);
  let start = '-';
  let trimmed = 0;
  for (;;) {
    const entries = await redis.xrange(log, start, '+', 'COUNT', LOG_BATCH);
    if (entries.length === 0) return trimmed;
    const ids: string[] = [];
    const seqs: string[] = [];
    const messageIds: string[] = [];
    let withFiles = false;
    let reachedYoung = false;
    for (const [id, fields] of entries) {
      const change = JSON.parse(fields[1] ?? 'null') as LogMessage | null;
      if (change?.type !== 'message') continue;
      if ((change.message?.serverTime ?? Infinity) >= before) {
        reachedYoung = true;
        break;
      }
      ids.push(id);
      if (change.message?.seq !== undefined) seqs.push(String(change.message.seq));
      if (change.message?.messageId !== undefined) messageIds.push(change.message.messageId);
      if (change.message?.attachments !== undefined) withFiles = true;
    }
    if (ids.length > 0) {
      await redis.xdel(log, ...ids);
      if (seqs.length > 0) await redis.hdel(KEYS.convSeqVer(conversationId), ...seqs);
      if (messageIds.length > 0) await redis.hdel(KEYS.convMessageIds(conversationId), ...messageIds);
      // Their files may be named by nothing now: the storage sweep looks again.
      if (withFiles) await forgetNamedBlobs(redis, conversationId);
      trimmed += ids.length;
    }
    if (reachedYoung || entries.length < LOG_BATCH) return trimmed;
    start = `(${entries[entries.length - 1]?.[0] ?? '0-0'}`;
  }
}

/** One sweep over every conversation at time `now`; resolves with the number of messages trimmed. */
export async function sweepRetention(redis: RedisClient, config: Pick<RetentionConfig, 'days'>, now: number): Promise<number> {
  if (config.days <= 0) return 0;
  const before = now - config.days * DAY_MS;
  let trimmed = 0;
  for (const conversationId of await scanTaggedIds(redis, '{c:*}:meta')) trimmed += await trimConversation(redis, conversationId, before);
  return trimmed;
}

/**
 * Starts periodic sweeps when retention is on (null when off). Among gateways sharing a store, the
 * one that takes the lock sweeps; a failed sweep is logged and tried again at the next tick.
 */
export function startRetention(
  redis: RedisClient,
  config: RetentionConfig,
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void },
): Sweeper | null {
  if (config.days <= 0) return null;
  const sweep = async () => ({ trimmed: await sweepRetention(redis, config, Date.now()), days: config.days });
  return startLockedSweep(redis, { name: 'retention sweep', lockKey: LOCK_KEY, intervalMs: config.sweepMinutes * 60_000, sweep }, log);
}
