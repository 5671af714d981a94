import { crossSlotPipeline, type RedisClient as Redis } from '../redis/redis-connection.ts';
import type { Change } from '../../shared/model.ts';
import { currentEpoch } from './epoch.ts';
import { execOrThrow, repairFeed } from './feed.ts';
import { resumeAfterCompaction } from './feed-compaction.ts';
import { KEYS } from './keys.ts';

/*
 * The pull cursor, `<epoch>.<feedId>.<partialVer>`:
 *
 *   user feed:   ... [feedId] [next: c=X from=4 to=9] [c=Y from=0 to=2] ...
 *                         ▲          └ log of X: 5 6 7 | 8 9
 *                 everything up to here      partialVer=7: versions ≤ 7 of the next entry were sent
 *
 * feedId is the last feed entry delivered completely; partialVer (0 when none) is how far the entry
 * after it was delivered when a page ended in its middle.
 *
 * Parsed strictly: the epoch 1–64 base64url characters, each number at most 16 digits and a safe
 * integer (a stream id part past 2^64 made Redis refuse the range: a 500). A cursor that does not
 * parse is answered like one of another epoch, with a reset (sync-routes.ts): the server cannot
 * know where such a device was, and a reset is what every device already recovers from without
 * losing anything (it keeps its outbox and pulls everything again).
 */

export interface Cursor {
  epoch: string;
  feedId: string;
  partialVer: number;
}

const CURSOR = /^([A-Za-z0-9_-]{1,64})\.(\d{1,16})-(\d{1,16})\.(\d{1,16})$/;

/** Parses a cursor; null when malformed (see above: a number past Number.MAX_SAFE_INTEGER is). */
export function parseCursor(text: string): Cursor | null {
  const m = CURSOR.exec(text);
  if (!m) return null;
  const [ms, seq, partialVer] = [Number(m[2]), Number(m[3]), Number(m[4])];
  if (![ms, seq, partialVer].every(Number.isSafeInteger)) return null;
  return { epoch: m[1] as string, feedId: `${ms}-${seq}`, partialVer };
}

export function formatCursor(c: Cursor): string {
  return `${c.epoch}.${c.feedId}.${c.partialVer}`;
}

/**
 * True when a cursor was minted under another epoch (the store lost its data since) or does not
 * parse. A push carrying such a cursor is refused with `reset` so the device resyncs first.
 */
export async function cursorIsStale(redis: Redis, cursorText: string): Promise<boolean> {
  const parsed = parseCursor(cursorText);
  return parsed === null || parsed.epoch !== (await currentEpoch(redis));
}

export type PullOutcome =
  | { reset: true; cursor: string }
  | { changes: Change[]; cursor: string; hasMore: boolean };

const FEED_BATCH = 100;

/**
 * Everything that changed for the user after the cursor (no cursor: from the start), at most `limit`
 * changes; a reset with the first cursor when the cursor is of another epoch or does not parse.
 */
export async function pull(redis: Redis, userId: string, cursorText: string | undefined, limit: number): Promise<PullOutcome> {
  const epoch = await currentEpoch(redis);
  let cursor: Cursor = { epoch, feedId: '0-0', partialVer: 0 };
  if (cursorText !== undefined && cursorText !== '') {
    const parsed = parseCursor(cursorText);
    if (parsed === null || parsed.epoch !== epoch) return { reset: true, cursor: formatCursor(cursor) };
    cursor = await resumeAfterCompaction(redis, userId, parsed);
  }
  await repairFeed(redis, userId);

  const changes: Change[] = [];
  const feedKey = KEYS.userFeed(userId);
  for (;;) {
    const entries = await redis.xrange(feedKey, `(${cursor.feedId}`, '+', 'COUNT', FEED_BATCH);
    if (entries.length === 0) return { changes, cursor: formatCursor(cursor), hasMore: false };
    // Plan the log ranges of this batch from the feed (versions are gap-free), then read them at once.
    const plan: { feedId: string; conversationId: string; from: number; to: number; take: number }[] = [];
    let room = limit - changes.length;
    for (const [feedId, fields] of entries) {
      if (room === 0) break;
      const f = fieldMap(fields);
      const to = Number(f.to);
      // A partialVer past the entry (only a forged cursor has one) delivers nothing of it.
      const from = Math.min(to, Math.max(Number(f.from), plan.length === 0 ? cursor.partialVer : 0));
      const take = Math.min(to - from, room);
      room -= take;
      plan.push({ feedId, conversationId: f.c ?? '', from, to, take });
    }
    const read = crossSlotPipeline(redis);
    for (const p of plan) read.xrange(KEYS.convLog(p.conversationId), `${p.from + 1}-0`, `${p.to}-0`, 'COUNT', Math.max(p.take, 1));
    // The history rule (store/lifecycle.ts): a user added with a floor gets nothing logged before it.
    for (const p of plan) read.hget(KEYS.convUserState(p.conversationId), `${userId}:jv`);
    const replies = await execOrThrow(read.exec());
    const logs = replies.slice(0, plan.length) as [string, string[]][][];
    const floors = replies.slice(plan.length).map((ver) => Number(ver ?? 0));
    for (const [i, p] of plan.entries()) {
      const log = p.take > 0 ? (logs[i] ?? []) : [];
      const floor = floors[i] ?? 0;
      for (const [entryId, fields] of log) {
        if (floor > 0 && Number.parseInt(entryId, 10) <= floor) continue;
        const change = JSON.parse(fieldMap(fields).e ?? 'null') as Change;
        // Archive and "delete for me" are private: each user only gets their own.
        if (change.type === 'conversation.userState' && change.userId !== userId) continue;
        changes.push(change);
      }
      if (p.take < p.to - p.from) {
        // Page full in the middle of this entry: keep its predecessor and how far it went.
        const lastVer = p.from + p.take;
        return { changes, cursor: formatCursor({ epoch, feedId: cursor.feedId, partialVer: lastVer }), hasMore: true };
      }
      cursor = { epoch, feedId: p.feedId, partialVer: 0 };
    }
    if (changes.length >= limit) {
      const next = await redis.xrange(feedKey, `(${cursor.feedId}`, '+', 'COUNT', 1);
      return { changes, cursor: formatCursor(cursor), hasMore: next.length > 0 };
    }
  }
}

function fieldMap(fields: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) out[fields[i] as string] = fields[i + 1] as string;
  return out;
}
