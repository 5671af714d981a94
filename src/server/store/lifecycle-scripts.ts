import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import { LUA_NOW_MS } from './scripts.ts';

/**
 * Lua scripts of the conversation lifecycle (archive, delete, groups), in the style of scripts.ts:
 * one conversation slot each, membership first (a non-member learns nothing), dedupe on
 * (user, mutation id), then authorization with stable codes. Same reply shape as scripts.ts:
 *   {'ok'|'dup'|'same', resultJson, ver, changeJson|'', 'member1,member2,...'}  or  {'err', code}
 * KEYS: the six conversation keys of keys.ts, then `{c:<id>}:ustate` and `{c:<id>}:former`.
 */

const HEAD = `
local meta, members, log, dedupe, seqver, ustate, former = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[6], KEYS[7], KEYS[8]
${LUA_NOW_MS}`;

/**
 * ARGV: userId, mutationId, conversationId, action (archive|unarchive|hide).
 * Per-user state; the change goes to that user only (the pull filters other users' states out).
 * Archived = archivedAtSeq set and no message past it: a new message brings it back to the inbox.
 */
const USER_STATE = `${HEAD}
local userId, mutationId, conversationId, action = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if redis.call('SISMEMBER', members, userId) == 0 then return {'err', 'conversation_not_found'} end
local dkey = userId .. ':' .. mutationId
local prior = redis.call('HGET', dedupe, dkey)
if prior then return {'dup', prior, redis.call('HGET', meta, 'ver'), '', userId} end
local top = tonumber(redis.call('HGET', meta, 'seq') or '0')
if action == 'archive' then redis.call('HSET', ustate, userId .. ':a', top)
elseif action == 'unarchive' then redis.call('HDEL', ustate, userId .. ':a')
else redis.call('HSET', ustate, userId .. ':h', top) end
local a = redis.call('HGET', ustate, userId .. ':a')
local h = redis.call('HGET', ustate, userId .. ':h') or '0'
local ver = redis.call('HINCRBY', meta, 'ver', 1)
local result = '{"archivedAtSeq":' .. (a or 'null') .. ',"hiddenUpToSeq":' .. h .. '}'
local change = '{"type":"conversation.userState","conversationId":"' .. conversationId .. '","userId":"' .. userId ..
  '","archivedAtSeq":' .. (a or 'null') .. ',"hiddenUpToSeq":' .. h .. '}'
redis.call('XADD', log, ver .. '-0', 'e', change)
redis.call('HSET', dedupe, dkey, result)
return {'ok', result, tostring(ver), change, userId}
`;

/**
 * ARGV: userId, mutationId, conversationId, isAdmin ('1'|'0').
 * Delete for everyone: creator or admin. The members move to `former` (so a replay fans out to the
 * same people) and the member set is dropped: every later read or write answers not found.
 */
const DELETE = `${HEAD}
local userId, mutationId, conversationId, isAdmin = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local dkey = userId .. ':' .. mutationId
local prior = redis.call('HGET', dedupe, dkey)
if prior and redis.call('SISMEMBER', former, userId) == 1 then
  return {'dup', prior, redis.call('HGET', meta, 'ver'), '', table.concat(redis.call('SMEMBERS', former), ',')}
end
if redis.call('SISMEMBER', members, userId) == 0 then return {'err', 'conversation_not_found'} end
if redis.call('HGET', meta, 'createdBy') ~= userId and isAdmin ~= '1' then return {'err', 'forbidden'} end
local ver = redis.call('HINCRBY', meta, 'ver', 1)
local change = '{"type":"conversation.deleted","conversationId":"' .. conversationId .. '","by":"' .. userId .. '"}'
redis.call('XADD', log, ver .. '-0', 'e', change)
redis.call('HSET', meta, 'deleted', 1)
redis.call('SUNIONSTORE', former, members)
redis.call('DEL', members)
redis.call('HSET', dedupe, dkey, '{}')
return {'ok', '{}', tostring(ver), change, table.concat(redis.call('SMEMBERS', former), ',')}
`;

/**
 * ARGV: userId, mutationId, action (rename|add|remove|leave), isAdmin, expectedConv, newConv,
 * systemHead (a message without seq/serverTime and its closing brace), targetId...
 * Compare-and-set on the conversation JSON (the gateway built the new one): 'retry' when it moved.
 * Appends the new conversation and a system message; members after the change, plus the removed
 * user (who must learn they are out), are returned for the fanout.
 */
const UPDATE_GROUP = `${HEAD}
local userId, mutationId, action, isAdmin, expected, conv, head = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
if redis.call('SISMEMBER', members, userId) == 0 then return {'err', 'conversation_not_found'} end
local dkey = userId .. ':' .. mutationId
local prior = redis.call('HGET', dedupe, dkey)
if prior then return {'dup', prior, redis.call('HGET', meta, 'ver'), '', table.concat(redis.call('SMEMBERS', members), ',')} end
if action ~= 'leave' and redis.call('HGET', meta, 'createdBy') ~= userId and isAdmin ~= '1' then
  return {'err', 'forbidden'}
end
if redis.call('HGET', meta, 'conv') ~= expected then return {'err', 'retry'} end
local gone = {}
if action == 'add' then
  for i = 8, #ARGV do redis.call('SADD', members, ARGV[i]) end
elseif action == 'remove' then
  if redis.call('SISMEMBER', members, ARGV[8]) == 0 then return {'err', 'participants_invalid'} end
  redis.call('SREM', members, ARGV[8])
  gone[1] = ARGV[8]
elseif action == 'leave' then
  redis.call('SREM', members, userId)
  gone[1] = userId
end
local st = now_ms()
local ver = redis.call('HINCRBY', meta, 'ver', 1)
local convChange = '{"type":"conversation","conversation":' .. conv .. '}'
redis.call('XADD', log, ver .. '-0', 'e', convChange)
local seq = redis.call('HINCRBY', meta, 'seq', 1)
ver = redis.call('HINCRBY', meta, 'ver', 1)
local msgChange = '{"type":"message","message":' .. head .. ',"seq":' .. seq .. ',"serverTime":' .. st .. '}}'
redis.call('XADD', log, ver .. '-0', 'e', msgChange)
redis.call('HSET', seqver, seq, ver)
redis.call('HSET', meta, 'conv', conv, 'lastAt', st)
redis.call('HSET', dedupe, dkey, conv)
local notified = redis.call('SMEMBERS', members)
for _, id in ipairs(gone) do notified[#notified + 1] = id end
return {'ok', conv, tostring(ver), convChange .. ',' .. msgChange, table.concat(notified, ',')}
`;

type ScriptArg = string | number;

/** The lifecycle scripts as commands on a connection. */
export interface LifecycleCommands {
  relaisUserState(...args: ScriptArg[]): Promise<unknown>;
  relaisDeleteConversation(...args: ScriptArg[]): Promise<unknown>;
  relaisUpdateGroup(...args: ScriptArg[]): Promise<unknown>;
}

/** Defines the lifecycle scripts on a connection (idempotent) and returns it typed with them. */
export function withLifecycleScripts(redis: Redis): Redis & LifecycleCommands {
  const typed = redis as Redis & Partial<LifecycleCommands>;
  if (typeof typed.relaisUpdateGroup !== 'function') {
    redis.defineCommand('relaisUserState', { numberOfKeys: 8, lua: USER_STATE });
    redis.defineCommand('relaisDeleteConversation', { numberOfKeys: 8, lua: DELETE });
    redis.defineCommand('relaisUpdateGroup', { numberOfKeys: 8, lua: UPDATE_GROUP });
  }
  return redis as Redis & LifecycleCommands;
}
