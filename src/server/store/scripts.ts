import type { ChainableCommander } from 'ioredis';
import type { RedisClient as Redis } from '../redis/redis-connection.ts';

/**
 * Lua scripts, one per mutation kind, each touching the keys of ONE conversation (one slot).
 * Reply shape, shared by all conversation scripts:
 *   {'ok'|'dup'|'same', resultJson, ver, changeJson|'', 'member1,member2,...'}  or  {'err', code}
 * The members travel as one string: ioredis decodes each element of a reply on its own, and 50
 * member ids as 50 elements cost ~40 µs of gateway CPU per message against ~1 µs for one string.
 * 'ok' appended a change (fan it out and publish it); 'dup' is a replay answered from the dedupe hash
 * (fan out again in case the first attempt crashed before doing it); 'same' changed nothing.
 */

/** Lua: the Redis server's time in ms (one clock for every gateway), shared by every script file. */
export const LUA_NOW_MS = `local function now_ms()
  local t = redis.call('TIME')
  return string.format('%.0f', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
end
`;

/**
 * Lua: the reply, after publishing the change live on `channel` when one is given (see LIVE below).
 * The envelope is live-bus.ts's: members, an empty excepted user, the `changes` frame.
 */
const MEMBERS_TAIL = `local function tail(status, result, ver, change, channel)
  local members = table.concat(redis.call('SMEMBERS', KEYS[2]), ',')
  if channel and channel ~= '' and change ~= '' then
    redis.call('SPUBLISH', channel, members .. '\\n\\n{"type":"changes","changes":[' .. change .. ']}')
  end
  return {status, result, tostring(ver or '0'), change, members}
end
${LUA_NOW_MS}`;

/** KEYS: conversation keys. ARGV: userId, mutationId, conversationJson, memberId... */
const CREATE_CONVERSATION = `${MEMBERS_TAIL}
local meta, members, log, dedupe = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local userId, mutationId, conv = ARGV[1], ARGV[2], ARGV[3]
local dkey = userId .. ':' .. mutationId
local prior = redis.call('HGET', dedupe, dkey)
if prior then return tail('dup', prior, redis.call('HGET', meta, 'ver'), '') end
if redis.call('EXISTS', meta) == 1 then
  -- Same id again: the creator (another device, lost answer) or a member gets the conversation;
  -- anybody else must not learn that it exists.
  if redis.call('SISMEMBER', members, userId) == 1 then
    local existing = redis.call('HGET', meta, 'conv')
    redis.call('HSET', dedupe, dkey, existing)
    return tail('dup', existing, redis.call('HGET', meta, 'ver'), '')
  end
  return {'err', 'conversation_not_found'}
end
for i = 4, #ARGV do redis.call('SADD', members, ARGV[i]) end
local change = '{"type":"conversation","conversation":' .. conv .. '}'
redis.call('XADD', log, '1-0', 'e', change)
redis.call('HSET', meta, 'conv', conv, 'createdBy', userId, 'seq', 0, 'ver', 1, 'lastAt', now_ms())
redis.call('HSET', dedupe, dkey, conv)
return tail('ok', conv, 1, change)
`;

/*
 * LIVE: the append and read-marker scripts publish their change themselves when the gateway passes
 * the conversation's live channel (a single Redis; on a cluster the channel lives in another slot
 * and the gateway publishes). In the script, the live event is ordered exactly as the log (two
 * gateways appending to one conversation can no longer publish in the other order), leaves only
 * once the append is durable (Redis answers clients and subscribers after the AOF fsync), and the
 * gateway saves a command per message.
 */

/*
 * SESSION: the append and read-marker scripts take the writer's session key as an optional 7th key
 * (a single Redis only: it is not in the conversation's slot). Given, it must still name the writer,
 * checked before anything else, and its sliding TTL is refreshed as the lookup would have: the
 * gateway may then skip that lookup, and a push of messages costs one round trip (and one fsync wait
 * with `appendfsync always`) instead of two, with a revoked session refused in the same atomic step
 * as the write would have been.
 */
const SESSION_CHECK = `
if KEYS[7] then
  if redis.call('GET', KEYS[7]) ~= ARGV[1] then return {'err', 'unauthenticated'} end
  redis.call('EXPIRE', KEYS[7], ARGV[5])
end
`;

/**
 * KEYS: conversation keys, [session key]. ARGV: userId, mutationId, messageHead (message JSON
 * without seq/serverTime and closing brace), live channel ('' or absent: the caller publishes),
 * [session TTL seconds].
 */
const APPEND_MESSAGE = `${MEMBERS_TAIL}${SESSION_CHECK}
local meta, members, log, dedupe, seqver = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[6]
local userId, mutationId, head = ARGV[1], ARGV[2], ARGV[3]
if redis.call('SISMEMBER', members, userId) == 0 then return {'err', 'conversation_not_found'} end
local dkey = userId .. ':' .. mutationId
local prior = redis.call('HGET', dedupe, dkey)
if prior then return tail('dup', prior, redis.call('HGET', meta, 'ver'), '') end
local st = now_ms()
local seq = redis.call('HINCRBY', meta, 'seq', 1)
local ver = redis.call('HINCRBY', meta, 'ver', 1)
local change = '{"type":"message","message":' .. head .. ',"seq":' .. seq .. ',"serverTime":' .. st .. '}}'
redis.call('XADD', log, ver .. '-0', 'e', change)
redis.call('HSET', seqver, seq, ver)
redis.call('HSET', meta, 'lastAt', st)
local result = '{"seq":' .. seq .. ',"serverTime":' .. st .. '}'
redis.call('HSET', dedupe, dkey, result)
return tail('ok', result, ver, change, ARGV[4])
`;

/**
 * KEYS: conversation keys, [session key]. ARGV: userId, seq, conversationId, live channel ('' or
 * absent: the caller publishes), [session TTL seconds]. Only moves forward, clamped to the last seq.
 */
const MARK_READ = `${MEMBERS_TAIL}${SESSION_CHECK}
local meta, members, log, reads = KEYS[1], KEYS[2], KEYS[3], KEYS[5]
local userId, conversationId = ARGV[1], ARGV[3]
if redis.call('SISMEMBER', members, userId) == 0 then return {'err', 'conversation_not_found'} end
local top = tonumber(redis.call('HGET', meta, 'seq') or '0')
local want = tonumber(ARGV[2])
if want > top then want = top end
local cur = tonumber(redis.call('HGET', reads, userId) or '0')
if want <= cur then return tail('same', '{}', redis.call('HGET', meta, 'ver'), '') end
redis.call('HSET', reads, userId, want)
local ver = redis.call('HINCRBY', meta, 'ver', 1)
local change = '{"type":"read","conversationId":"' .. conversationId .. '","userId":"' .. userId .. '","seq":' .. want .. '}'
redis.call('XADD', log, ver .. '-0', 'e', change)
return tail('ok', '{}', ver, change, ARGV[4])
`;

/**
 * KEYS: user feed, user fanned. ARGV: conversationId, ver.
 * Records "conversation changed from its last fanned version up to ver" in the user's feed, once.
 */
const FANOUT = `
local from = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
local to = tonumber(ARGV[2])
if to <= from then return 0 end
redis.call('XADD', KEYS[1], '*', 'c', ARGV[1], 'from', from, 'to', to)
redis.call('HSET', KEYS[2], ARGV[1], to)
return 1
`;

type ScriptArg = string | number;
type ScriptReply = Promise<unknown>;

/** The scripts as commands on a connection (EVALSHA with EVAL fallback, handled by ioredis). */
export interface ScriptCommands {
  relaisCreateConversation(...args: ScriptArg[]): ScriptReply;
  relaisAppendMessage(...args: ScriptArg[]): ScriptReply;
  /** The same with the writer's session as a 7th key (see SESSION). */
  relaisAppendMessageAs(...args: ScriptArg[]): ScriptReply;
  relaisMarkRead(...args: ScriptArg[]): ScriptReply;
  relaisMarkReadAs(...args: ScriptArg[]): ScriptReply;
  relaisFanout(...args: ScriptArg[]): ScriptReply;
}

/** The same commands queued on a pipeline. */
export interface PipelineScriptCommands {
  relaisFanout(...args: ScriptArg[]): ChainableCommander;
}

/** Defines the Relais scripts on a connection (idempotent) and returns it typed with them. */
export function withScripts(redis: Redis): Redis & ScriptCommands {
  const typed = redis as Redis & Partial<ScriptCommands>;
  if (typeof typed.relaisFanout !== 'function') {
    redis.defineCommand('relaisCreateConversation', { numberOfKeys: 6, lua: CREATE_CONVERSATION });
    redis.defineCommand('relaisAppendMessage', { numberOfKeys: 6, lua: APPEND_MESSAGE });
    redis.defineCommand('relaisAppendMessageAs', { numberOfKeys: 7, lua: APPEND_MESSAGE });
    redis.defineCommand('relaisMarkRead', { numberOfKeys: 6, lua: MARK_READ });
    redis.defineCommand('relaisMarkReadAs', { numberOfKeys: 7, lua: MARK_READ });
    redis.defineCommand('relaisFanout', { numberOfKeys: 2, lua: FANOUT });
  }
  return redis as Redis & ScriptCommands;
}

/** A parsed conversation-script reply. */
export type ScriptOutcome =
  | { status: 'err'; code: string }
  | { status: 'ok' | 'dup' | 'same'; result: string; ver: number; change: string; memberIds: string[] };

/** Turns the raw array a conversation script returns into a ScriptOutcome. */
export function parseOutcome(raw: unknown): ScriptOutcome {
  if (!Array.isArray(raw) || typeof raw[0] !== 'string') throw new Error('unexpected script reply');
  const parts = raw.map((v) => String(v));
  const status = parts[0];
  if (status === 'err') return { status: 'err', code: parts[1] ?? 'internal' };
  if (status !== 'ok' && status !== 'dup' && status !== 'same') throw new Error('unexpected script status');
  return {
    status,
    result: parts[1] ?? '{}',
    ver: Number(parts[2] ?? 0),
    change: parts[3] ?? '',
    memberIds: parts[4] ? parts[4].split(',') : [],
  };
}
