import type { LuaFragment } from './define-script.ts';

/*
 * The Lua every conversation script shares, composed by defineScript (define-script.ts). Reply
 * shape of the conversation scripts:
 *   {'ok'|'dup'|'same', resultJson, ver, changeJson|'', 'member1,member2,...'}  or  {'err', code}
 * The members travel as one string: ioredis decodes each element of a reply on its own, and 50
 * member ids as 50 elements cost ~40 µs of gateway CPU per message against ~1 µs for one string.
 * 'ok' appended a change (fan it out and publish it); 'dup' is a replay answered from the dedupe hash
 * (fan out again in case the first attempt crashed before doing it); 'same' changed nothing.
 */

/** The Redis server's time in ms: one clock for every gateway. */
export const CLOCK: LuaFragment = {
  name: 'CLOCK',
  lua: `
local function now_ms()
  local t = redis.call('TIME')
  return string.format('%.0f', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
end`,
};

/** Membership first, in every script: a non-member learns nothing, not even that the conversation exists. */
export const MEMBERSHIP: LuaFragment = {
  name: 'MEMBERSHIP',
  needs: { keys: ['members'] },
  lua: `
local function is_member(id)
  return redis.call('SISMEMBER', members, id) == 1
end`,
};

/**
 * A mutation id is applied once per user: a replay is answered what the first attempt answered.
 * Each reply is kept as `<unix seconds> <reply>` so the storage sweep can expire it
 * (RELAIS_DEDUPE_DAYS); a reply stored before that had no time and reads as it is.
 */
export const DEDUPE: LuaFragment = {
  name: 'DEDUPE',
  needs: { keys: ['dedupe'], argv: ['userId', 'mutationId'] },
  lua: `
local dedupe_field = userId .. ':' .. mutationId
local function replayed()
  local stored = redis.call('HGET', dedupe, dedupe_field)
  if not stored then return stored end
  return string.match(stored, '^%d+ (.*)$') or stored
end
local function remember(result)
  redis.call('HSET', dedupe, dedupe_field, redis.call('TIME')[1] .. ' ' .. result)
end`,
};

/**
 * MESSAGE_IDS: the conversation's message ids, `msgids` (messageId → `<seq> <senderId>[ <fingerprint>]`,
 * the fingerprint a SHA-1 of what the sender sent: head and quoted id, text or, one day, ciphertext),
 * so that an id is taken once, its own sender's identical resend is known as such, and a reply's
 * quoted author is the real one. Every head the gateway builds starts
 * `{"conversationId":"…","messageId":"…","senderId":"…"` (ids are UUIDs: no escapes), which
 * `head_ids` reads without decoding the body. A conversation stored before the index existed gets it
 * from its log the first time a message is sent to it (`index_ids`, once: `meta.idx`); the first id
 * wins, so a duplicate stored before then never takes over the original.
 */
export const MESSAGE_IDS: LuaFragment = {
  name: 'MESSAGE_IDS',
  needs: { keys: ['meta', 'log', 'msgids'] },
  lua: `
local function head_ids(head)
  return string.match(head, '^{"conversationId":"[^"]*","messageId":"([^"]+)","senderId":"([^"]+)"')
end
local function index_ids()
  if redis.call('HGET', meta, 'idx') == '1' then return end
  local start = '-'
  repeat
    local entries = redis.call('XRANGE', log, start, '+', 'COUNT', 500)
    for _, entry in ipairs(entries) do
      local change = cjson.decode(entry[2][2])
      local m = change.message
      if change.type == 'message' and type(m) == 'table' then
        redis.call('HSETNX', msgids, m.messageId, m.seq .. ' ' .. m.senderId)
      end
      start = '(' .. entry[1]
    end
  until #entries < 500
  redis.call('HSET', meta, 'idx', 1)
end
local function id_author(id)
  local value = redis.call('HGET', msgids, id)
  return value and string.match(value, '^%d+ ([^ ]+)')
end
-- The seq of the message this id names when it is this sender's with this fingerprint (an entry
-- indexed from the log, without one, counts as the same); nil when free; false when taken otherwise.
local function own_resend(id, sender, fingerprint)
  local value = redis.call('HGET', msgids, id)
  if not value then return nil end
  local seq, author, print = string.match(value, '^(%d+) ([^ ]+) ?(%x*)$')
  if author == sender and (print == '' or print == fingerprint) then return seq end
  return false
end`,
};

/**
 * The conversation log: every change gets the next version (its entry id `<ver>-0`); a message also
 * gets the next seq, indexed to its version for history pages and by its id (MESSAGE_IDS).
 */
export const APPEND: LuaFragment = {
  name: 'APPEND',
  needs: { keys: ['meta', 'log', 'seqver'] },
  uses: [MESSAGE_IDS],
  lua: `
local function current_ver()
  return redis.call('HGET', meta, 'ver')
end
local function append_change(change)
  local ver = redis.call('HINCRBY', meta, 'ver', 1)
  redis.call('XADD', log, ver .. '-0', 'e', change)
  return ver
end
local function append_message(head, st, fingerprint)
  local seq = redis.call('HINCRBY', meta, 'seq', 1)
  local change = '{"type":"message","message":' .. head .. ',"seq":' .. seq .. ',"serverTime":' .. st .. '}}'
  local ver = append_change(change)
  redis.call('HSET', seqver, seq, ver)
  local messageId, senderId = head_ids(head)
  redis.call('HSET', msgids, messageId, seq .. ' ' .. senderId .. (fingerprint and (' ' .. fingerprint) or ''))
  return seq, ver, change
end`,
};

/**
 * LIVE: the append and read-marker scripts publish their change themselves when the gateway passes
 * the conversation's live channel (`relais:live:{c:<id>}`: its hash tag is the conversation's, so on a
 * Redis Cluster too it lives in the script's slot). In the script, the live event is ordered exactly as the log (two
 * gateways appending to one conversation can no longer publish in the other order), leaves only
 * once the append is durable (Redis answers clients and subscribers after the AOF fsync), and the
 * gateway saves a command per message. The envelope is realtime/live-envelope.ts's: members, an
 * empty excepted user, the `changes` frame.
 */
export const PUBLISH: LuaFragment = {
  name: 'PUBLISH',
  lua: `
local function publish(channel, member_list, change)
  if channel and channel ~= '' and change ~= '' then
    redis.call('SPUBLISH', channel, member_list .. '\\n\\n{"type":"changes","changes":[' .. change .. ']}')
  end
end`,
};

/** The reply of a conversation script; `reply_to_members` notifies the current members (and publishes). */
export const REPLY: LuaFragment = {
  name: 'REPLY',
  needs: { keys: ['members'] },
  uses: [PUBLISH],
  lua: `
local function reply(status, result, ver, change, member_list)
  return {status, result, tostring(ver or '0'), change, member_list}
end
local function reply_to_members(status, result, ver, change, channel)
  local member_list = table.concat(redis.call('SMEMBERS', members), ',')
  publish(channel, member_list, change)
  return reply(status, result, ver, change, member_list)
end`,
};

/**
 * SESSION_OWNER: a session's value is `<userId> <deadline, unix seconds>` (auth/sessions.ts).
 * `session_owner()` answers its user while it lives, renewing its sliding TTL but never past the
 * deadline (its absolute lifetime), so the key itself expires by then; nil when it is gone.
 */
export const SESSION_OWNER: LuaFragment = {
  name: 'SESSION_OWNER',
  needs: { keys: ['session'], argv: ['sessionTtl'] },
  lua: `
local function session_owner()
  local value = redis.call('GET', session)
  if not value then return nil end
  local owner, deadline = string.match(value, '^(%S+) (%d+)$')
  if not owner then return nil end
  local left = tonumber(deadline) - tonumber(redis.call('TIME')[1])
  if left <= 0 then
    redis.call('DEL', session)
    return nil
  end
  redis.call('EXPIRE', session, math.min(tonumber(sessionTtl), left))
  return owner
end`,
};

/**
 * SESSION: the append and read-marker scripts take the writer's session key as an optional last key
 * (a single Redis only: it is not in the conversation's slot). Given, it must still name the writer,
 * checked before anything else, and its sliding TTL is refreshed as the lookup would have: the
 * gateway may then skip that lookup (auth/session-hints.ts), and a push of messages costs one round
 * trip (and one fsync wait with `appendfsync always`) instead of two, with a revoked session refused
 * in the same atomic step as the write would have been.
 */
export const SESSION: LuaFragment = {
  name: 'SESSION',
  needs: { argv: ['userId'] },
  uses: [SESSION_OWNER],
  lua: `
local function session_refused()
  if not session then return false end
  return session_owner() ~= userId
end`,
};

/**
 * ALLOWANCE: the append script may take the sender's message allowance key as a last key (after the
 * session; a single Redis only), so a push of messages costs the gateway no separate take
 * (messaging/send-limits.ts): the batch's first script that runs takes the whole batch
 * (`allowanceTake` = its `allowanceCount`, and the window's `allowanceSeconds`), exactly as
 * rate-limiter-flexible's own script does on the same key (SET NX with the window, INCRBY, an expiry
 * if missing: abuse/abuse-limits.ts reads and takes the same count); the batch's later scripts
 * (`allowanceTake` 0 or absent) read it. Each runs after the one before it on the same connection,
 * so the count includes this batch, and more only if another push of the same user came in between:
 * the message at position `allowanceAt` (1-based) of the batch's `allowanceCount` fits while
 * count − allowanceCount + allowanceAt ≤ allowanceMax. A missing key when reading (the window ended
 * within the batch) is refused too: never more than the allowance, and what follows a refused
 * message of the batch is refused as well (the sender's order). A take over the allowance still
 * counts, as the library's does: a client retrying in a loop gains nothing.
 */
export const ALLOWANCE: LuaFragment = {
  name: 'ALLOWANCE',
  needs: { keys: ['allowance'], argv: ['allowanceMax', 'allowanceCount', 'allowanceAt', 'allowanceTake', 'allowanceSeconds'] },
  lua: `
local function over_allowance()
  if not allowance then return false end
  local used
  local take = tonumber(allowanceTake or '0') or 0
  if take > 0 then
    redis.call('SET', allowance, 0, 'EX', allowanceSeconds, 'NX')
    used = redis.call('INCRBY', allowance, take)
    if redis.call('PTTL', allowance) == -1 then redis.call('EXPIRE', allowance, allowanceSeconds) end
  else
    used = redis.call('GET', allowance)
    if not used then return true end
  end
  return tonumber(used) - tonumber(allowanceCount) + tonumber(allowanceAt) > tonumber(allowanceMax)
end`,
};
