import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import { KEYS } from './keys.ts';
import { defineScript } from './lua/define-script.ts';

/**
 * Real erasure of a conversation deleted for everyone. The delete script only freezes it (no
 * members: every read and write answers not found); this takes its content off the server:
 *
 *   log     each message becomes a tombstone under the same entry id and seq —
 *           {conversationId, messageId, seq, senderId, serverTime, body: '', urgent: false} —
 *           so a device pulling later still gets a gap-free seq and then `conversation.deleted`;
 *           `conversation` entries (title, names, patient) go; read markers, user states and the
 *           delete itself stay (ids and numbers only)
 *   meta    the conversation JSON goes (`erased` = 1 marks the end)
 *   dedupe  the replies holding the conversation JSON (create, group changes) go
 *   files   released by the blob sweep (blob-sweep.ts), which sees the conversation deleted
 *
 * The log is rewritten a batch at a time into `{c:<id>}:erasing`, which then replaces it: nothing
 * appends to a deleted conversation, so the batches need no lock; a gateway stopping in the middle
 * leaves `erasedUpTo`, and the next call (the sweep's) goes on from there.
 */

const ERASE_BATCH = 500;

/**
 * KEYS: meta, log, erasing. ARGV: batch size.
 * Reply: -1 not deleted (nothing done), 0 done (now or before), 1 more to do.
 */
const ERASE_LOG = defineScript({
  keys: ['meta', 'log', 'erasing'],
  argv: ['batch'],
  body: `
if redis.call('HGET', meta, 'deleted') ~= '1' then return -1 end
if redis.call('HGET', meta, 'erased') == '1' then return 0 end
local from = redis.call('HGET', meta, 'erasedUpTo') or '0-0'
local entries = redis.call('XRANGE', log, '(' .. from, '+', 'COUNT', tonumber(batch))
for _, entry in ipairs(entries) do
  local json = entry[2][2]
  local change = cjson.decode(json)
  if change.type == 'message' then
    local m = change.message
    local tomb = string.format(
      '{"type":"message","message":{"conversationId":%s,"messageId":%s,"seq":%d,"senderId":%s,"body":"","serverTime":%d,"urgent":false}}',
      cjson.encode(m.conversationId), cjson.encode(m.messageId), m.seq, cjson.encode(m.senderId), m.serverTime)
    redis.call('XADD', erasing, entry[1], 'e', tomb)
  elseif change.type ~= 'conversation' then
    redis.call('XADD', erasing, entry[1], 'e', json)
  end
end
if #entries == tonumber(batch) then
  redis.call('HSET', meta, 'erasedUpTo', entries[#entries][1])
  return 1
end
if redis.call('EXISTS', erasing) == 1 then redis.call('RENAME', erasing, log) else redis.call('DEL', log) end
redis.call('HDEL', meta, 'erasedUpTo', 'conv')
redis.call('HSET', meta, 'erased', 1)
return 0
`,
});

interface ErasureCommands {
  relaisEraseLog(...args: (string | number)[]): Promise<number>;
}

function withErasureScript(redis: Redis): Redis & ErasureCommands {
  const typed = redis as Redis & Partial<ErasureCommands>;
  if (typeof typed.relaisEraseLog !== 'function') redis.defineCommand('relaisEraseLog', { numberOfKeys: 3, lua: ERASE_LOG });
  return redis as Redis & ErasureCommands;
}

/** The dedupe replies that are a conversation's JSON (create, group changes), which erasure drops. */
function holdsConversation(reply: string): boolean {
  // Replies may carry their time first (DEDUPE in lua/fragments.ts): `<seconds> <json>`.
  return /^(\d+ )?\{"id":/.test(reply);
}

/**
 * Erases a conversation deleted for everyone (see above); idempotent, resumable. Resolves false when
 * the conversation is not deleted (nothing touched).
 */
export async function eraseConversation(redis: Redis, conversationId: string): Promise<boolean> {
  const scripts = withErasureScript(redis);
  const keys = [KEYS.convMeta(conversationId), KEYS.convLog(conversationId), KEYS.convErasing(conversationId)];
  let status: number;
  do status = await scripts.relaisEraseLog(...keys, ERASE_BATCH);
  while (status === 1);
  if (status === -1) return false;
  const dedupe = KEYS.convDedupe(conversationId);
  let cursor = '0';
  do {
    const [next, flat] = await redis.hscan(dedupe, cursor, 'COUNT', ERASE_BATCH);
    cursor = next;
    const drop: string[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) if (holdsConversation(flat[i + 1] as string)) drop.push(flat[i] as string);
    if (drop.length > 0) await redis.hdel(dedupe, ...drop);
  } while (cursor !== '0');
  return true;
}

/** True once a conversation deleted for everyone has been erased. */
export async function isErased(redis: Redis, conversationId: string): Promise<boolean> {
  return (await redis.hget(KEYS.convMeta(conversationId), 'erased')) === '1';
}
