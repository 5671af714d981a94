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
    const { logs, floors } = await readPlan(redis, userId, plan);
    for (const [i, p] of plan.entries()) {
      const log = p.take > 0 ? (logs[i] ?? []) : [];
      const floor = floors.get(p.conversationId) ?? 0;
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

type LogEntry = [string, string[]];

/**
 * The log entries of each planned feed entry, and each conversation's join floor (the history rule,
 * store/lifecycle.ts: a user added with a floor gets nothing logged before it), in one round trip.
 * Feed entries of one conversation that follow each other in its log (versions are gap-free: the
 * next one starts where the last ended), each wholly taken, are read with one `XRANGE` and split
 * by version; a floor is read once per conversation. A device behind another one of the same user
 * (the tablet after the phone pulled all day, each pull adding an entry per conversation changed)
 * reads pages of many small entries of a few conversations: a read and a floor per entry before.
 */
async function readPlan(
  redis: Redis,
  userId: string,
  plan: readonly { conversationId: string; from: number; to: number; take: number }[],
): Promise<{ logs: LogEntry[][]; floors: Map<string, number> }> {
  const reads: { conversationId: string; from: number; to: number; count: number; entries: number[] }[] = [];
  const open = new Map<string, number>();
  for (const [i, p] of plan.entries()) {
    const whole = p.take === p.to - p.from && p.take > 0;
    const at = whole ? open.get(p.conversationId) : undefined;
    const last = at === undefined ? undefined : reads[at];
    if (last && last.to === p.from) {
      last.to = p.to;
      last.count += p.take;
      last.entries.push(i);
      continue;
    }
    const index = reads.push({ conversationId: p.conversationId, from: p.from, to: p.to, count: Math.max(p.take, 1), entries: [i] }) - 1;
    if (whole) open.set(p.conversationId, index);
    else open.delete(p.conversationId);
  }
  const conversations = [...new Set(plan.map((p) => p.conversationId))];
  const pipeline = crossSlotPipeline(redis);
  for (const r of reads) pipeline.xrange(KEYS.convLog(r.conversationId), `${r.from + 1}-0`, `${r.to}-0`, 'COUNT', r.count);
  for (const conversationId of conversations) pipeline.hget(KEYS.convUserState(conversationId), `${userId}:jv`);
  const replies = await execOrThrow(pipeline.exec());
  const logs: LogEntry[][] = plan.map(() => []);
  for (const [k, r] of reads.entries()) {
    const log = (replies[k] ?? []) as LogEntry[];
    // Split by version: each feed entry's part is (from, to].
    let next = 0;
    for (const i of r.entries) {
      const { to } = plan[i] as { to: number };
      const part: LogEntry[] = [];
      while (next < log.length && Number.parseInt((log[next] as LogEntry)[0], 10) <= to) part.push(log[next++] as LogEntry);
      logs[i] = part;
    }
  }
  const floors = new Map(conversations.map((conversationId, k) => [conversationId, Number(replies[reads.length + k] ?? 0)]));
  return { logs, floors };
}

function fieldMap(fields: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) out[fields[i] as string] = fields[i + 1] as string;
  return out;
}
