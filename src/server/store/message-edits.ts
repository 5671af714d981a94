import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import type { MessageEditArgs, MessageRedactArgs } from '../../shared/mutations.ts';
import { redactionLineId } from '../../shared/urgent-ack.ts';
import { forgetNamedBlobs } from './blob-sweep.ts';
import { settle, type StoreOutcome, type WriteOptions } from './conversations.ts';
import { CONVERSATION_SCRIPT_KEYS, conversationKeys } from './keys.ts';
import { defineScript, type LuaFragment } from './lua/define-script.ts';
import { APPEND, CLOCK, DEDUPE, MEMBERSHIP, REPLY } from './lua/fragments.ts';
import { parseOutcome } from './scripts.ts';

/*
 * Edit and redact: both are new lines in the conversation's seq order, written as the author's.
 *
 *   message (seq 12, "5 mg")
 *   message.edited  {messageId: <12's id>}  body "10 mg"   ← message.edit, within the edit window
 *   message.redacted {messageId: <12's id>} body ""        ← message.redact, at any time
 *
 * A redaction also erases: the log entries of the message and of every `message.edited` line naming
 * it are put back under the same entry ids and seqs with an empty body and `redacted: true`, no
 * files, quote or urgent text (a device pulling from scratch never receives the old text), and the
 * message's fingerprint in the message-id index (a hash of its text) goes. A stream entry cannot be
 * rewritten in place: the entries from the message's on are taken out and added again in one atomic
 * step (the stream's last id set back in between), so the cost grows with what came after it.
 */

/** The message of the conversation an id names (index, then log): `seq, ver, message`, or nothing. */
const TARGET: LuaFragment = {
  name: 'TARGET',
  needs: { keys: ['msgids', 'seqver', 'log'], argv: ['userId'] },
  lua: `
local function target_of(id)
  local value = redis.call('HGET', msgids, id)
  local seq = value and string.match(value, '^(%d+) ')
  local ver = seq and redis.call('HGET', seqver, seq)
  local entry = ver and redis.call('XRANGE', log, ver .. '-0', ver .. '-0')[1]
  if not entry then return nil end
  local change = cjson.decode(entry[2][2])
  if change.type ~= 'message' then return nil end
  return seq, ver, change.message
end
local function refused_target(m)
  if not m then return 'message_not_found' end
  if m.senderId ~= userId or m.kind == 'system' then return 'forbidden' end
  return nil
end`,
};

/** ARGV: userId, mutationId, line head (body: the new text), target id, '1' when the new body is empty, window ms, live channel. */
const EDIT_MESSAGE = defineScript({
  keys: CONVERSATION_SCRIPT_KEYS,
  argv: ['userId', 'mutationId', 'head', 'targetId', 'emptyBody', 'windowMs', 'channel'],
  uses: [CLOCK, MEMBERSHIP, DEDUPE, APPEND, REPLY, TARGET],
  body: `
if not is_member(userId) then return {'err', 'conversation_not_found'} end
index_ids()
local prior = replayed()
if prior then return reply_to_members('dup', prior, current_ver(), '') end
local lineId = head_ids(head)
if not lineId then return {'err', 'bad_request'} end
if redis.call('HEXISTS', msgids, lineId) == 1 then return {'err', 'message_id_taken'} end
local _, _, m = target_of(targetId)
local refused = refused_target(m)
if refused then return {'err', refused} end
if m.redacted then return {'err', 'message_redacted'} end
if emptyBody == '1' and type(m.attachments) ~= 'table' then return {'err', 'bad_request'} end
local st = now_ms()
if tonumber(st) - m.serverTime > tonumber(windowMs) then return {'err', 'edit_window_passed'} end
local seq, ver, change = append_message(head, st, redis.sha1hex(head))
local result = '{"seq":' .. seq .. ',"serverTime":' .. st .. '}'
remember(result)
return reply_to_members('ok', result, ver, change, channel)
`,
});

/** ARGV: userId, mutationId, line head (its id derived from the target's), target id, live channel. */
const REDACT_MESSAGE = defineScript({
  keys: CONVERSATION_SCRIPT_KEYS,
  argv: ['userId', 'mutationId', 'head', 'targetId', 'channel'],
  uses: [CLOCK, MEMBERSHIP, DEDUPE, APPEND, REPLY, TARGET],
  body: `
if not is_member(userId) then return {'err', 'conversation_not_found'} end
index_ids()
local prior = replayed()
if prior then return reply_to_members('dup', prior, current_ver(), '') end
local seq, from, m = target_of(targetId)
local refused = refused_target(m)
if refused then return {'err', refused} end
local lineId = head_ids(head)
local fingerprint = redis.sha1hex(head)
local own = own_resend(lineId, userId, fingerprint)
if own == false then return {'err', 'message_id_taken'} end
if own then
  -- Withdrawn already (another device, another mutation id): the first line answers.
  local _, _, line = target_of(lineId)
  if not line then return {'err', 'message_not_found'} end
  local result = '{"seq":' .. own .. ',"serverTime":' .. string.format('%d', line.serverTime) .. '}'
  remember(result)
  return reply_to_members('dup', result, current_ver(), '')
end
local function tomb(e)
  local system = ''
  if e.kind == 'system' then system = ',"kind":"system","system":{"type":"message.edited","messageId":' .. cjson.encode(targetId) .. '}' end
  return string.format('{"type":"message","message":{"conversationId":%s,"messageId":%s,"seq":%d,"senderId":%s,"body":"","serverTime":%d,"urgent":%s%s,"redacted":true}}',
    cjson.encode(e.conversationId), cjson.encode(e.messageId), e.seq, cjson.encode(e.senderId), e.serverTime, tostring(e.urgent == true), system)
end
local entries = redis.call('XRANGE', log, from .. '-0', '+')
for _, entry in ipairs(entries) do redis.call('XDEL', log, entry[1]) end
redis.call('XSETID', log, (tonumber(from) - 1) .. '-0')
for _, entry in ipairs(entries) do
  local json = entry[2][2]
  if string.find(json, targetId, 1, true) then
    local change = cjson.decode(json)
    local e = change.message
    if change.type == 'message' and (e.messageId == targetId or (e.kind == 'system' and e.system.type == 'message.edited' and e.system.messageId == targetId)) then
      json = tomb(e)
    end
    redis.call('XADD', log, entry[1], 'e', json)
  else
    redis.call('XADD', log, entry[1], unpack(entry[2]))
  end
end
local st = now_ms()
local lseq, ver, change = append_message(head, st, fingerprint)
-- The fingerprint was a hash of the text: it goes too (this id stays taken for good).
redis.call('HSET', msgids, targetId, seq .. ' ' .. userId .. ' 0')
local result = '{"seq":' .. lseq .. ',"serverTime":' .. st .. '}'
remember(result)
return reply_to_members('ok', result, ver, change, channel)
`,
});

interface EditCommands {
  relaisEditMessage(...args: (string | number)[]): Promise<unknown>;
  relaisRedactMessage(...args: (string | number)[]): Promise<unknown>;
}

function withEditScripts(redis: Redis): Redis & EditCommands {
  const typed = redis as Redis & Partial<EditCommands>;
  if (typeof typed.relaisRedactMessage !== 'function') {
    const numberOfKeys = CONVERSATION_SCRIPT_KEYS.length;
    redis.defineCommand('relaisEditMessage', { numberOfKeys, lua: EDIT_MESSAGE });
    redis.defineCommand('relaisRedactMessage', { numberOfKeys, lua: REDACT_MESSAGE });
  }
  return redis as Redis & EditCommands;
}

/** The head of a line the gateway writes as `userId`'s about `messageId` (see appendMessage for the head's shape). */
function lineHead(conversationId: string, lineId: string, userId: string, body: string, type: 'message.edited' | 'message.redacted', messageId: string): string {
  return (
    `{"conversationId":${JSON.stringify(conversationId)},"messageId":${JSON.stringify(lineId)},"senderId":${JSON.stringify(userId)},` +
    `"body":${JSON.stringify(body)},"urgent":false,"kind":"system","system":${JSON.stringify({ type, messageId })}`
  );
}

type LineResult = { seq: number; serverTime: number };
const parseLine = (json: string) => JSON.parse(json) as LineResult;

/**
 * Its author edits a text message (`message.edit`) within `windowMs` of sending it: a
 * `message.edited` line carrying the new body, under the mutation id. Members only (anyone else:
 * `conversation_not_found`, as for an unknown conversation); `message_not_found`, `forbidden` (not
 * the author's, or a system line), `message_redacted`, `edit_window_passed`; a replay answers the first.
 */
export async function editMessage(
  redis: Redis,
  userId: string,
  mutationId: string,
  args: MessageEditArgs,
  windowMs: number,
  options: WriteOptions = {},
): Promise<StoreOutcome<LineResult>> {
  const { conversationId, messageId, body } = args;
  const channel = options.liveChannel ?? '';
  const head = lineHead(conversationId, mutationId, userId, body, 'message.edited', messageId);
  const raw = await withEditScripts(redis).relaisEditMessage(
    ...conversationKeys(conversationId),
    userId,
    mutationId,
    head,
    messageId,
    body.trim() === '' ? '1' : '0',
    windowMs,
    channel,
  );
  return settle(redis, conversationId, parseOutcome(raw), parseLine, { eager: false, published: channel !== '' });
}

/**
 * Its author withdraws a message (`message.redact`), at any time: its content and that of its
 * versions are erased from the log (see above) and a `message.redacted` line appended, once per
 * message whatever devices or mutation ids ask (its id is derived). Same refusals as editMessage
 * but the window. Its files leave with the next blob sweep (no message names them any more).
 */
export async function redactMessage(
  redis: Redis,
  userId: string,
  mutationId: string,
  args: MessageRedactArgs,
  options: WriteOptions = {},
): Promise<StoreOutcome<LineResult>> {
  const { conversationId, messageId } = args;
  const channel = options.liveChannel ?? '';
  const head = lineHead(conversationId, await redactionLineId(conversationId, messageId), userId, '', 'message.redacted', messageId);
  const raw = await withEditScripts(redis).relaisRedactMessage(...conversationKeys(conversationId), userId, mutationId, head, messageId, channel);
  const outcome = parseOutcome(raw);
  if (outcome.status === 'ok') await forgetNamedBlobs(redis, conversationId);
  return settle(redis, conversationId, outcome, parseLine, { eager: false, published: channel !== '' });
}
