import type { ChainableCommander } from 'ioredis';
import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import { CONVERSATION_SCRIPT_KEYS } from './keys.ts';
import { defineScript } from './lua/define-script.ts';
import { ALLOWANCE, APPEND, CLOCK, DEDUPE, MEMBERSHIP, REPLY, SESSION } from './lua/fragments.ts';

/**
 * The conversation scripts, one per mutation kind, each touching the keys of ONE conversation (one
 * slot), written over the shared fragments of store/lua/fragments.ts (reply shape, LIVE, SESSION).
 */

/** ARGV: userId, mutationId, conversationJson, memberId... */
const CREATE_CONVERSATION = defineScript({
  keys: CONVERSATION_SCRIPT_KEYS,
  argv: ['userId', 'mutationId', 'conv'],
  rest: 'memberIds',
  uses: [CLOCK, MEMBERSHIP, DEDUPE, APPEND, REPLY],
  body: `
local prior = replayed()
if prior then return reply_to_members('dup', prior, current_ver(), '') end
if redis.call('EXISTS', meta) == 1 then
  -- Same id again: the creator (another device, lost answer) or a member gets the conversation;
  -- anybody else must not learn that it exists.
  if is_member(userId) then
    local existing = redis.call('HGET', meta, 'conv')
    remember(existing)
    return reply_to_members('dup', existing, current_ver(), '')
  end
  return {'err', 'conversation_not_found'}
end
for _, id in ipairs(memberIds) do redis.call('SADD', members, id) end
local change = '{"type":"conversation","conversation":' .. conv .. '}'
-- Born with its message-id index (MESSAGE_IDS): nothing to index from an older log.
redis.call('HSET', meta, 'conv', conv, 'createdBy', userId, 'seq', 0, 'ver', 0, 'lastAt', now_ms(), 'idx', 1)
local ver = append_change(change)
remember(conv)
return reply_to_members('ok', conv, ver, change)
`,
});

/**
 * KEYS: conversation keys, [session key, [allowance key]]. ARGV: userId, mutationId, messageHead
 * (message JSON without replyTo, seq, serverTime and closing brace), quoted message id ('' or
 * absent: not a reply), live channel ('' or absent: the caller publishes), [session TTL seconds,
 * [allowance max, count, position, [take, window seconds]]] (ALLOWANCE in lua/fragments.ts: over it, `rate_limited`).
 * After the replay check, the message id must be free in the conversation (`message_id_taken`),
 * and a quoted message must be one of its messages (`reply_not_found`): the script writes the
 * quote's real author, `replyTo: {messageId, senderId}`.
 */
const APPEND_MESSAGE = defineScript({
  keys: [...CONVERSATION_SCRIPT_KEYS, 'session', 'allowance'],
  argv: ['userId', 'mutationId', 'head', 'replyTo', 'channel', 'sessionTtl', 'allowanceMax', 'allowanceCount', 'allowanceAt', 'allowanceTake', 'allowanceSeconds'],
  uses: [SESSION, ALLOWANCE, CLOCK, MEMBERSHIP, DEDUPE, APPEND, REPLY],
  body: `
if session_refused() then return {'err', 'unauthenticated'} end
if over_allowance() then return {'err', 'rate_limited'} end
if not is_member(userId) then return {'err', 'conversation_not_found'} end
local messageId = head_ids(head)
if not messageId then return {'err', 'bad_request'} end
index_ids()
-- The id first: another sender's, or this sender's with other content, is refused even where the
-- idempotency record would answer; the sender's identical resend answers the original, even once
-- that record has expired.
local fingerprint = redis.sha1hex(head .. '|' .. (replyTo or ''))
local own = own_resend(messageId, userId, fingerprint)
if own == false then return {'err', 'message_id_taken'} end
if own then
  local ver = redis.call('HGET', seqver, own)
  local entry = ver and redis.call('XRANGE', log, ver .. '-0', ver .. '-0')[1]
  if not entry then return {'err', 'message_id_taken'} end
  local result = '{"seq":' .. own .. ',"serverTime":' .. cjson.decode(entry[2][2]).message.serverTime .. '}'
  remember(result)
  return reply_to_members('dup', result, current_ver(), '')
end
local prior = replayed()
if prior then return reply_to_members('dup', prior, current_ver(), '') end
if replyTo and replyTo ~= '' then
  local author = id_author(replyTo)
  if not author then return {'err', 'reply_not_found'} end
  head = head .. ',"replyTo":{"messageId":"' .. replyTo .. '","senderId":"' .. author .. '"}'
end
local st = now_ms()
local seq, ver, change = append_message(head, st, fingerprint)
redis.call('HSET', meta, 'lastAt', st)
local result = '{"seq":' .. seq .. ',"serverTime":' .. st .. '}'
remember(result)
return reply_to_members('ok', result, ver, change, channel)
`,
});

/**
 * KEYS: conversation keys, [session key]. ARGV: userId, seq, conversationId, live channel ('' or
 * absent: the caller publishes), [session TTL seconds]. Only moves forward, clamped to the last seq.
 */
const MARK_READ = defineScript({
  keys: [...CONVERSATION_SCRIPT_KEYS, 'session'],
  argv: ['userId', 'seq', 'conversationId', 'channel', 'sessionTtl'],
  uses: [SESSION, MEMBERSHIP, APPEND, REPLY],
  body: `
if session_refused() then return {'err', 'unauthenticated'} end
if not is_member(userId) then return {'err', 'conversation_not_found'} end
local top = tonumber(redis.call('HGET', meta, 'seq') or '0')
local want = tonumber(seq)
if want > top then want = top end
local cur = tonumber(redis.call('HGET', reads, userId) or '0')
if want <= cur then return reply_to_members('same', '{}', current_ver(), '') end
redis.call('HSET', reads, userId, want)
local change = '{"type":"read","conversationId":"' .. conversationId .. '","userId":"' .. userId .. '","seq":' .. want .. '}'
local ver = append_change(change)
return reply_to_members('ok', '{}', ver, change, channel)
`,
});

/**
 * KEYS: user feed, user fanned. ARGV: conversationId, ver.
 * Records "conversation changed from its last fanned version up to ver" in the user's feed, once.
 */
const FANOUT = defineScript({
  keys: ['feed', 'fanned'],
  argv: ['conversationId', 'ver'],
  body: `
local from = tonumber(redis.call('HGET', fanned, conversationId) or '0')
local to = tonumber(ver)
if to <= from then return 0 end
redis.call('XADD', feed, '*', 'c', conversationId, 'from', from, 'to', to)
redis.call('HSET', fanned, conversationId, to)
return 1
`,
});

type ScriptArg = string | number;
type ScriptReply = Promise<unknown>;

/** The scripts as commands on a connection (EVALSHA with EVAL fallback, handled by ioredis). */
export interface ScriptCommands {
  relaisCreateConversation(...args: ScriptArg[]): ScriptReply;
  relaisAppendMessage(...args: ScriptArg[]): ScriptReply;
  /** The same with the writer's session as a last key (see SESSION in lua/fragments.ts). */
  relaisAppendMessageAs(...args: ScriptArg[]): ScriptReply;
  /** The same with the session and then the sender's message allowance (see ALLOWANCE in lua/fragments.ts). */
  relaisAppendMessageAsAllowed(...args: ScriptArg[]): ScriptReply;
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
    const keys = CONVERSATION_SCRIPT_KEYS.length;
    redis.defineCommand('relaisCreateConversation', { numberOfKeys: keys, lua: CREATE_CONVERSATION });
    redis.defineCommand('relaisAppendMessage', { numberOfKeys: keys, lua: APPEND_MESSAGE });
    redis.defineCommand('relaisAppendMessageAs', { numberOfKeys: keys + 1, lua: APPEND_MESSAGE });
    redis.defineCommand('relaisAppendMessageAsAllowed', { numberOfKeys: keys + 2, lua: APPEND_MESSAGE });
    redis.defineCommand('relaisMarkRead', { numberOfKeys: keys, lua: MARK_READ });
    redis.defineCommand('relaisMarkReadAs', { numberOfKeys: keys + 1, lua: MARK_READ });
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
