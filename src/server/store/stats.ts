import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import type { StatsReply } from '../../shared/http.ts';
import type { Change, Message } from '../../shared/model.ts';
import { KEYS } from './keys.ts';
import { defineScript } from './lua/define-script.ts';

const DAY_MS = 86_400_000;
export const STATS_DAYS = 30;
/** Log entries read per conversation at most (the newest), whatever the number of unread or recent ones. */
export const STATS_WINDOW = 5_000;

/** The median of a list of numbers (null when empty). */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Response delays of `userId` in one conversation's messages (oldest first): from the first message
 * of others after my last message to my next message, in ms.
 */
export function responseDelays(messages: readonly Message[], userId: string): number[] {
  const delays: number[] = [];
  let waitingSince: number | null = null;
  for (const message of messages) {
    if (message.kind === 'system') continue;
    if (message.senderId === userId) {
      if (waitingSince !== null) delays.push(message.serverTime - waitingSince);
      waitingSince = null;
    } else if (waitingSince === null) {
      waitingSince = message.serverTime;
    }
  }
  return delays;
}

/**
 * Lua, one conversation (one slot): the user's read marker, archive and "deleted for me" positions,
 * the last message's seq, and the tail of the log the statistics need — every entry from the first
 * message that is unread or sent at or after ARGV[2] (ms). Log ids are versions (`<ver>-0`), not
 * times, so that first message is found by a binary search over seq (the `seqver` index gives each
 * seq's version, the entry its `serverTime`), instead of reading the whole log:
 *
 *   seq:     hidden+1 ...................................... top
 *   wanted:  no  no  no  no  no | yes yes yes yes yes yes yes
 *                                ^ first message kept: unread (seq > read marker) or recent
 *
 * "wanted" only turns from no to yes as seq grows: retention trims a prefix of the messages, the
 * read marker splits seq in two, and serverTime (Redis's clock, one script at a time per
 * conversation) grows with seq.
 * At most `window` entries are read, the newest (STATS_WINDOW): a conversation with more unread or
 * recent entries than that is counted on its newest ones, so one request costs at most
 * STATS_WINDOW entries per conversation however long a log grows.
 * KEYS: meta, seqver, log, reads, user states. ARGV: userId, since (ms), window.
 * Reply: {readSeq, archivedAtSeq|'', hiddenUpToSeq, lastSeq (0: none visible), entries newest first}.
 */
const STATS_TAIL = defineScript({
  keys: ['meta', 'seqver', 'log', 'reads', 'ustate'],
  argv: ['userId', 'sinceMs', 'window'],
  body: `
local since = tonumber(sinceMs)
local readSeq = tonumber(redis.call('HGET', reads, userId) or '0')
local state = redis.call('HMGET', ustate, userId .. ':a', userId .. ':h')
local hidden = tonumber(state[2] or '0')
local top = tonumber(redis.call('HGET', meta, 'seq') or '0')
local function wanted(seq)
  local ver = redis.call('HGET', seqver, seq)
  if not ver then return false end
  if seq > readSeq then return true end
  local entry = redis.call('XRANGE', log, ver .. '-0', ver .. '-0')[1]
  if not entry then return false end
  local t = tonumber(string.match(entry[2][2], '"serverTime":(%d+)}}$') or '0')
  return t >= since
end
local lo, hi = hidden + 1, top + 1
while lo < hi do
  local mid = math.floor((lo + hi) / 2)
  if wanted(mid) then hi = mid else lo = mid + 1 end
end
local entries = {}
if lo <= top then
  entries = redis.call('XREVRANGE', log, '+', redis.call('HGET', seqver, lo) .. '-0', 'COUNT', tonumber(window))
end
local last = 0
if top > hidden and redis.call('HEXISTS', seqver, top) == 1 then last = top end
return {tostring(readSeq), state[1] or '', tostring(hidden), tostring(last), entries}
`,
});

/**
 * Time the tail starts before the 30-day cutoff. serverTime only grows with seq while Redis's clock
 * does; this slack keeps the counts exact across a clock stepped back by up to an hour (the extra
 * messages read are filtered out by their serverTime).
 */
const CLOCK_SLACK_MS = 60 * 60 * 1000;

interface StatsCommands {
  relaisStatsTail(...args: (string | number)[]): Promise<unknown>;
}

/** Defines the stats script on a connection (idempotent). */
function withStatsScript(redis: Redis): Redis & StatsCommands {
  const typed = redis as Redis & Partial<StatsCommands>;
  if (typeof typed.relaisStatsTail !== 'function') redis.defineCommand('relaisStatsTail', { numberOfKeys: 5, lua: STATS_TAIL });
  return redis as Redis & StatsCommands;
}

/** What STATS_TAIL answers for one conversation. */
export interface StatsTail {
  readSeq: number;
  archivedAtSeq: number | null;
  hiddenUpToSeq: number;
  /** seq of the last message the user still sees (0: none). */
  lastSeq: number;
  /** Log entries (id, fields) from the first unread or recent message on, oldest first, the newest `window` at most. */
  entries: [string, string[]][];
  /** True when the window cut older unread or recent entries off. */
  windowFull: boolean;
}

/** One conversation's unread or recent tail for the user (see STATS_TAIL): one script, one round trip. */
export async function readStatsTail(
  redis: Redis,
  conversationId: string,
  userId: string,
  since: number,
  window: number = STATS_WINDOW,
): Promise<StatsTail> {
  const [readSeq, archivedAt, hidden, last, entries] = (await withStatsScript(redis).relaisStatsTail(
    KEYS.convMeta(conversationId),
    KEYS.convSeqVer(conversationId),
    KEYS.convLog(conversationId),
    KEYS.convReads(conversationId),
    KEYS.convUserState(conversationId),
    userId,
    since,
    window,
  )) as [string, string, string, string, [string, string[]][]];
  return {
    readSeq: Number(readSeq),
    archivedAtSeq: archivedAt === '' ? null : Number(archivedAt),
    hiddenUpToSeq: Number(hidden),
    lastSeq: Number(last),
    entries: entries.reverse(),
    windowFull: entries.length >= window,
  };
}

/**
 * The user's messaging statistics over the last 30 days, computed from the conversation logs (the
 * source of truth): sent, received, unread now, active and archived conversations, median response
 * time. Each conversation costs one script reading only its unread or recent tail (see STATS_TAIL),
 * all of them at once.
 */
export async function userStats(
  redis: Redis,
  userId: string,
  now: number = Date.now(),
  window: number = STATS_WINDOW,
): Promise<StatsReply> {
  const since = now - STATS_DAYS * DAY_MS;
  const ids = await redis.smembers(KEYS.userConvs(userId));
  const tails = await Promise.all(ids.map((id) => readStatsTail(redis, id, userId, since - CLOCK_SLACK_MS, window)));
  let sent = 0;
  let received = 0;
  let unread = 0;
  let active = 0;
  let archived = 0;
  const delays: number[] = [];
  for (const { readSeq, archivedAtSeq, hiddenUpToSeq: hiddenUpTo, lastSeq: top, entries, windowFull } of tails) {
    if (hiddenUpTo > 0 && top <= hiddenUpTo) continue; // deleted for me, nothing since
    if (archivedAtSeq !== null && top <= archivedAtSeq) archived += 1;
    else active += 1;
    const recent: Message[] = [];
    let lowestSeq = Infinity;
    for (const [, fields] of entries) {
      const json = fields[1] ?? '';
      // Read markers and conversation changes sit between the messages: skip them unparsed.
      if (!json.startsWith('{"type":"message"')) continue;
      const message = (JSON.parse(json) as Change & { type: 'message' }).message;
      lowestSeq = Math.min(lowestSeq, message.seq);
      if (message.seq <= hiddenUpTo) continue;
      if (message.kind !== 'system' && message.senderId !== userId && message.seq > readSeq) unread += 1;
      if (message.serverTime < since) continue;
      recent.push(message);
      if (message.kind === 'system') continue;
      if (message.senderId === userId) sent += 1;
      else received += 1;
    }
    // Unread messages older than the window count by seq alone (their senders unread: not read).
    if (windowFull && Number.isFinite(lowestSeq)) unread += Math.max(0, lowestSeq - 1 - Math.max(readSeq, hiddenUpTo));
    delays.push(...responseDelays(recent, userId));
  }
  const med = median(delays);
  return {
    days: STATS_DAYS,
    sent,
    received,
    unread,
    activeConversations: active,
    archivedConversations: archived,
    medianResponseSeconds: med === null ? null : Math.round(med / 1000),
  };
}
