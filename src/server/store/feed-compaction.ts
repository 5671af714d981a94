import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import { KEYS } from './keys.ts';
import { defineScript } from './lua/define-script.ts';

/*
 * Bounded feeds. A user's feed (`{u:<id>}:feed`) gains an entry for each version range a
 * conversation moved; past `maxEntries` (RELAIS_FEED_MAX_ENTRIES) the sweep compacts it into one
 * entry per conversation, `from 0 to <what was fanned>`, in one script on the user's slot:
 *
 *   before:  [e1 X 0→4] [e2 Y 0→2] [e3 X 4→9] ... [eN Y 7→8]          (N > maxEntries)
 *   after:   [r1 X 0→9] [r2 Y 0→8]       feedcut = "eN r1 r2"
 *
 * XTRIM MAXLEN 0 (not DEL) keeps the stream's last id, so the rebuilt ids (and every later one)
 * sort after every old one. A cursor then resumes as follows (`resumeAfterCompaction`):
 *   - at eN, the old tail: the device had everything the rebuilt entries hold → it goes on after r2;
 *   - at any other old id (behind at the compaction, or a fresh device at 0-0): it reads r1, r2 —
 *     every conversation from its start again, which applying idempotently makes right, as after a
 *     reset but without dropping anything; its partial position named an entry that is gone → 0.
 * Only the last compaction is remembered: a cursor older than it is "behind". Conversations deleted
 * for everyone keep their entry, so a device that missed the delete still learns it.
 */

/** KEYS: feed, fanned, feedcut. ARGV: maxEntries. Reply: the entries the feed had (0: under the limit, untouched). */
const COMPACT_FEED = defineScript({
  keys: ['feed', 'fanned', 'feedcut'],
  argv: ['maxEntries'],
  body: `
local length = redis.call('XLEN', feed)
if length <= tonumber(maxEntries) then return 0 end
local tail = redis.call('XREVRANGE', feed, '+', '-', 'COUNT', 1)[1][1]
local versions = redis.call('HGETALL', fanned)
redis.call('XTRIM', feed, 'MAXLEN', 0)
local first, last = nil, nil
for i = 1, #versions, 2 do
  last = redis.call('XADD', feed, '*', 'c', versions[i], 'from', 0, 'to', versions[i + 1])
  first = first or last
end
if first then redis.call('SET', feedcut, tail .. ' ' .. first .. ' ' .. last) else redis.call('DEL', feedcut) end
return length
`,
});

interface CompactionCommands {
  relaisCompactFeed(...args: (string | number)[]): Promise<number>;
}

function withCompactionScript(redis: Redis): Redis & CompactionCommands {
  const typed = redis as Redis & Partial<CompactionCommands>;
  if (typeof typed.relaisCompactFeed !== 'function') redis.defineCommand('relaisCompactFeed', { numberOfKeys: 3, lua: COMPACT_FEED });
  return redis as Redis & CompactionCommands;
}

/** Compacts the user's feed when it holds more than `maxEntries` entries; resolves with how many it held (0: left alone). */
export async function compactFeed(redis: Redis, userId: string, maxEntries: number): Promise<number> {
  return withCompactionScript(redis).relaisCompactFeed(KEYS.userFeed(userId), KEYS.userFanned(userId), KEYS.userFeedCut(userId), maxEntries);
}

/** Orders two stream ids `<ms>-<n>`. */
function compareIds(a: string, b: string): number {
  const [am = 0n, an = 0n] = a.split('-').map(BigInt);
  const [bm = 0n, bn = 0n] = b.split('-').map(BigInt);
  if (am !== bm) return am < bm ? -1 : 1;
  return an === bn ? 0 : an < bn ? -1 : 1;
}

/** Where a pull cursor's position goes on after the user's last feed compaction (see above). */
export async function resumeAfterCompaction<C extends { feedId: string; partialVer: number }>(
  redis: Redis,
  userId: string,
  cursor: C,
): Promise<C> {
  const cut = await redis.get(KEYS.userFeedCut(userId));
  if (cut === null) return cursor;
  const [tail = '', first = '', last = ''] = cut.split(' ');
  if (cursor.feedId === tail) return { ...cursor, feedId: last, partialVer: 0 };
  if (compareIds(cursor.feedId, first) < 0) return { ...cursor, partialVer: 0 };
  return cursor;
}
