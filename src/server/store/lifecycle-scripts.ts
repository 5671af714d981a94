import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import { LIFECYCLE_SCRIPT_KEYS } from './keys.ts';
import { defineScript } from './lua/define-script.ts';
import { APPEND, CLOCK, DEDUPE, MEMBERSHIP, REPLY } from './lua/fragments.ts';

/**
 * Lua scripts of the conversation lifecycle (archive, delete, groups), over the same fragments as
 * scripts.ts (store/lua): one conversation slot each, membership first (a non-member learns
 * nothing), dedupe on (user, mutation id), then authorization with stable codes. Same reply shape.
 * KEYS: the conversation keys of keys.ts (CONVERSATION_SCRIPT_KEYS), then `{c:<id>}:ustate` and `{c:<id>}:former`.
 */

const LIFECYCLE_FRAGMENTS = [CLOCK, MEMBERSHIP, DEDUPE, APPEND, REPLY];

/**
 * ARGV: userId, mutationId, conversationId, action (archive|unarchive|hide).
 * Per-user state; the change goes to that user only (the pull filters other users' states out).
 * Archived = archivedAtSeq set and no message past it: a new message brings it back to the inbox.
 */
const USER_STATE = defineScript({
  keys: LIFECYCLE_SCRIPT_KEYS,
  argv: ['userId', 'mutationId', 'conversationId', 'action'],
  uses: LIFECYCLE_FRAGMENTS,
  body: `
if not is_member(userId) then return {'err', 'conversation_not_found'} end
local prior = replayed()
if prior then return reply('dup', prior, current_ver(), '', userId) end
local top = tonumber(redis.call('HGET', meta, 'seq') or '0')
if action == 'archive' then redis.call('HSET', ustate, userId .. ':a', top)
elseif action == 'unarchive' then redis.call('HDEL', ustate, userId .. ':a')
else redis.call('HSET', ustate, userId .. ':h', top) end
local a = redis.call('HGET', ustate, userId .. ':a')
local h = redis.call('HGET', ustate, userId .. ':h') or '0'
local result = '{"archivedAtSeq":' .. (a or 'null') .. ',"hiddenUpToSeq":' .. h .. '}'
local change = '{"type":"conversation.userState","conversationId":"' .. conversationId .. '","userId":"' .. userId ..
  '","archivedAtSeq":' .. (a or 'null') .. ',"hiddenUpToSeq":' .. h .. '}'
local ver = append_change(change)
remember(result)
return reply('ok', result, ver, change, userId)
`,
});

/**
 * ARGV: userId, mutationId, conversationId, isAdmin ('1'|'0').
 * Delete for everyone: creator or admin. The members move to `former` (so a replay fans out to the
 * same people) and the member set is dropped: every later read or write answers not found.
 */
const DELETE = defineScript({
  keys: LIFECYCLE_SCRIPT_KEYS,
  argv: ['userId', 'mutationId', 'conversationId', 'isAdmin'],
  uses: LIFECYCLE_FRAGMENTS,
  body: `
local prior = replayed()
if prior and redis.call('SISMEMBER', former, userId) == 1 then
  return reply('dup', prior, current_ver(), '', table.concat(redis.call('SMEMBERS', former), ','))
end
if not is_member(userId) then return {'err', 'conversation_not_found'} end
if redis.call('HGET', meta, 'createdBy') ~= userId and isAdmin ~= '1' then return {'err', 'forbidden'} end
local change = '{"type":"conversation.deleted","conversationId":"' .. conversationId .. '","by":"' .. userId .. '"}'
local ver = append_change(change)
redis.call('HSET', meta, 'deleted', 1)
redis.call('SUNIONSTORE', former, members)
redis.call('DEL', members)
remember('{}')
return reply('ok', '{}', ver, change, table.concat(redis.call('SMEMBERS', former), ','))
`,
});

/**
 * ARGV: userId, mutationId, action (rename|add|remove|leave), isAdmin, expectedConv, newConv,
 * systemHead (a message without seq/serverTime and its closing brace), floored (comma-separated ids
 * of added users who see no earlier history: patients), targetId...
 * An added user with a floor gets `<id>:js` (last seq before), `<id>:jv` (last log version before)
 * and `<id>:jt` (time) in ustate: the pull, history pages and file downloads hide what came before.
 * Compare-and-set on the conversation JSON (the gateway built the new one): 'retry' when it moved.
 * Appends the new conversation and a system message; members after the change, plus the removed
 * user (who must learn they are out), are returned for the fanout.
 */
const UPDATE_GROUP = defineScript({
  keys: LIFECYCLE_SCRIPT_KEYS,
  argv: ['userId', 'mutationId', 'action', 'isAdmin', 'expected', 'conv', 'head', 'floored'],
  rest: 'targetIds',
  uses: LIFECYCLE_FRAGMENTS,
  body: `
if not is_member(userId) then return {'err', 'conversation_not_found'} end
local prior = replayed()
if prior then return reply('dup', prior, current_ver(), '', table.concat(redis.call('SMEMBERS', members), ',')) end
if action ~= 'leave' and redis.call('HGET', meta, 'createdBy') ~= userId and isAdmin ~= '1' then
  return {'err', 'forbidden'}
end
if redis.call('HGET', meta, 'conv') ~= expected then return {'err', 'retry'} end
local gone = {}
if action == 'add' then
  -- The history rule: who joins with a floor (a patient) sees nothing of the log before this change.
  local top, fromVer, joinedAt = redis.call('HGET', meta, 'seq') or '0', current_ver() or '0', now_ms()
  for id in string.gmatch(floored, '[^,]+') do
    redis.call('HSET', ustate, id .. ':js', top, id .. ':jv', fromVer, id .. ':jt', joinedAt)
  end
  for _, id in ipairs(targetIds) do redis.call('SADD', members, id) end
elseif action == 'remove' then
  if not is_member(targetIds[1]) then return {'err', 'participants_invalid'} end
  redis.call('SREM', members, targetIds[1])
  gone[1] = targetIds[1]
elseif action == 'leave' then
  redis.call('SREM', members, userId)
  gone[1] = userId
end
local st = now_ms()
local convChange = '{"type":"conversation","conversation":' .. conv .. '}'
append_change(convChange)
local _, ver, msgChange = append_message(head, st)
redis.call('HSET', meta, 'conv', conv, 'lastAt', st)
remember(conv)
local notified = redis.call('SMEMBERS', members)
for _, id in ipairs(gone) do notified[#notified + 1] = id end
return reply('ok', conv, ver, convChange .. ',' .. msgChange, table.concat(notified, ','))
`,
});

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
    const keys = LIFECYCLE_SCRIPT_KEYS.length;
    redis.defineCommand('relaisUserState', { numberOfKeys: keys, lua: USER_STATE });
    redis.defineCommand('relaisDeleteConversation', { numberOfKeys: keys, lua: DELETE });
    redis.defineCommand('relaisUpdateGroup', { numberOfKeys: keys, lua: UPDATE_GROUP });
  }
  return redis as Redis & LifecycleCommands;
}
