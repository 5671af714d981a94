import { Cluster, type Redis as RedisNode } from 'ioredis';
import type { Conversation, UserSummary } from '../../shared/model.ts';
import { revokeUserSessions } from '../auth/sessions.ts';
import { PUSH_KEYS } from '../push/keys.ts';
import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import { KEYS } from './keys.ts';
import { releaseIns } from './patient-ins.ts';
import { unlinkAccount } from './sso-links.ts';

/**
 * Deleting an account (`DELETE /api/admin/users/:id`): the person's data goes, what others wrote
 * stays, and their own past messages stay, attributed to a content-free tombstone.
 *
 *   directory       the entry becomes `{id, displayName: '', role, deleted: true}` (first: a
 *                   conversation snapshot made from now on carries the tombstone)
 *   usernames       the username is freed (a new account may take it), and a patient's INS
 *   {u:<id>}:*      every key of the user goes: the hash (name, profile, password hash, status,
 *                   disabled flag), sessions index, devices, activation code, two-factor secrets,
 *                   push subscriptions and preferences, feed, presence, call history, quota
 *   single sign-on  the identifier linked to the account (RPPS) is free again
 *   care teams      out of the teams of the patients they were assigned to (and out of their
 *                   staff's lists, for a patient)
 *   sessions        ended (the caller closes their sockets on every gateway through the bus)
 *   push endpoints  their owner records go
 *   login slowdown  the counters keyed by the username go
 *   conversations   in every conversation the user was ever fanned out to, the participant entry of
 *                   the conversation JSON (meta, log `conversation` entries, dedupe replies) becomes
 *                   the tombstone, and the user leaves the member set (no more fan-out to them).
 *                   Messages keep their `senderId`: the app names the author "Compte supprimé".
 *
 * The log is rebuilt under the same entry ids by one script per conversation (a stream entry cannot
 * be edited in place), compare-and-set on the conversation JSON like the group changes
 * (store/lifecycle.ts): a change that raced it makes it read again. Devices that synced the
 * conversation earlier keep the name they had until they reset; a device syncing afterwards never
 * sees it. The audit trail keeps its entries (ids, never names): an access log outlives what it logged.
 */

/** KEYS: meta, members, log, scratch, dedupe. ARGV: userId, expected conv ('' none), new conv ('' unchanged), n, n × (entry id, json), then (field, old, new) triples of dedupe. */
const SCRUB_CONVERSATION = `
local meta, members, log, scratch, dedupe = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local userId, expected, conv, n = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
if (redis.call('HGET', meta, 'conv') or '') ~= expected then return 0 end
if conv ~= '' then redis.call('HSET', meta, 'conv', conv) end
redis.call('SREM', members, userId)
local replace = {}
for i = 0, n - 1 do replace[ARGV[5 + 2 * i]] = ARGV[6 + 2 * i] end
local at = 5 + 2 * n
while at + 2 <= #ARGV do
  if redis.call('HGET', dedupe, ARGV[at]) == ARGV[at + 1] then redis.call('HSET', dedupe, ARGV[at], ARGV[at + 2]) end
  at = at + 3
end
if n == 0 or redis.call('EXISTS', log) == 0 then return 1 end
local info = redis.call('XINFO', 'STREAM', log)
local lastId = nil
for i = 1, #info, 2 do if info[i] == 'last-generated-id' then lastId = info[i + 1] end end
redis.call('DEL', scratch)
local from = '-'
while true do
  local entries = redis.call('XRANGE', log, from, '+', 'COUNT', 1000)
  for _, entry in ipairs(entries) do
    local json = replace[entry[1]]
    if json then redis.call('XADD', scratch, entry[1], 'e', json) else redis.call('XADD', scratch, entry[1], unpack(entry[2])) end
  end
  if #entries < 1000 then break end
  from = '(' .. entries[#entries][1]
end
redis.call('RENAME', scratch, log)
if lastId then redis.call('XSETID', log, lastId) end
return 1
`;

const ATTEMPTS = 10;

/** The conversation JSON with the user's participant entry replaced by the tombstone; null when it does not name them. */
function scrubbed(json: string, userId: string, tombstone: UserSummary): string | null {
  if (!json.includes(userId)) return null;
  const conversation = JSON.parse(json) as Conversation;
  if (!conversation.participants.some((p) => p.id === userId)) return null;
  return JSON.stringify({ ...conversation, participants: conversation.participants.map((p) => (p.id === userId ? tombstone : p)) });
}

/** The entry's field `e` (a change, JSON). */
function changeOf(fields: string[]): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === 'e') return fields[i + 1];
  return undefined;
}

/** Replaces the user with the tombstone in one conversation and takes them out of its members. */
async function scrubConversation(redis: Redis, conversationId: string, userId: string, tombstone: UserSummary): Promise<void> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const [expected, entries, replies] = await Promise.all([
      redis.hget(KEYS.convMeta(conversationId), 'conv'),
      redis.xrange(KEYS.convLog(conversationId), '-', '+'),
      redis.hgetall(KEYS.convDedupe(conversationId)),
    ]);
    const conv = expected === null ? null : scrubbed(expected, userId, tombstone);
    const replacements: string[] = [];
    for (const [entryId, fields] of entries) {
      const json = changeOf(fields);
      if (json === undefined || !json.startsWith('{"type":"conversation"')) continue;
      const change = JSON.parse(json) as { type: string; conversation: Conversation };
      const next = scrubbed(JSON.stringify(change.conversation), userId, tombstone);
      if (next !== null) replacements.push(entryId, `{"type":"conversation","conversation":${next}}`);
    }
    const dedupe: string[] = [];
    for (const [field, reply] of Object.entries(replies)) {
      // Replies may carry their time first (DEDUPE in lua/fragments.ts): `<seconds> <json>`.
      const match = /^(\d+ )?(\{"id":.*)$/s.exec(reply);
      const next = match ? scrubbed(match[2] as string, userId, tombstone) : null;
      if (next !== null) dedupe.push(field, reply, `${match?.[1] ?? ''}${next}`);
    }
    const keys = [KEYS.convMeta(conversationId), KEYS.convMembers(conversationId), KEYS.convLog(conversationId), `{c:${conversationId}}:scrub`, KEYS.convDedupe(conversationId)];
    const done = await redis.eval(SCRUB_CONVERSATION, keys.length, ...keys, userId, expected ?? '', conv ?? '', replacements.length / 2, ...replacements, ...dedupe);
    if (done === 1) return;
  }
  throw new Error(`conversation ${conversationId} kept changing while an account was erased from it`);
}

/** Every key of the user's hash tag, on whichever node holds it. */
async function userKeys(redis: Redis, userId: string): Promise<string[]> {
  const nodes: RedisNode[] = redis instanceof Cluster ? redis.nodes('master') : [redis as RedisNode];
  const found = new Set<string>();
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `{u:${userId}}:*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) found.add(key);
    } while (cursor !== '0');
  }
  return [...found];
}

/**
 * Deletes the account (see above): null when there is no such account, else the session keys that
 * ended (the caller closes their sockets and forgets them).
 */
export async function eraseAccount(redis: Redis, userId: string): Promise<{ sessionKeys: string[] } | null> {
  const fields = await redis.hgetall(KEYS.user(userId));
  const { username, role } = fields;
  if (!username || !role) return null;
  const tombstone = { id: userId, displayName: '', role, deleted: true } as UserSummary;
  await redis.hset(KEYS.directory, userId, JSON.stringify(tombstone));
  // Their devices are told to wipe the person's local store at their next contact (remote wipe).
  const sessionKeys = await revokeUserSessions(redis, userId, 'account_closed');
  // The username is freed only if it is still this account's.
  await redis.eval("if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) end", 1, KEYS.usernames, username.toLowerCase(), userId);
  // A patient's INS is freed too (store/patient-ins.ts), if it is still this account's.
  if (fields.ins) await releaseIns(redis, userId, fields.ins);
  for (const endpoint of await redis.hkeys(PUSH_KEYS.subscriptions(userId))) {
    await redis.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end", 1, PUSH_KEYS.endpointOwner(endpoint), userId);
  }
  // The login slowdown's counters (login-limiter.ts), keyed by the lowercased username.
  for (const part of ['free', 'wait', 'admitted']) await redis.del(`relais:login:account:${part}:${username.toLowerCase()}`);
  const conversationIds = new Set([...(await redis.smembers(KEYS.userConvs(userId))), ...(await redis.hkeys(KEYS.userFanned(userId)))]);
  for (const conversationId of conversationIds) await scrubConversation(redis, conversationId, userId, tombstone);
  // Care teams (store/care-team.ts): out of the patients' teams they were assigned to, and out of
  // the assigned staff's lists of patients.
  for (const patientId of await redis.smembers(KEYS.userCarePatients(userId))) await redis.srem(KEYS.userCareTeam(patientId), userId);
  for (const staffId of await redis.smembers(KEYS.userCareTeam(userId))) await redis.srem(KEYS.userCarePatients(staffId), userId);
  // Single sign-on: the identifier is free for another account (its hash, `ssoId`, goes below).
  await unlinkAccount(redis, userId);
  for (const key of await userKeys(redis, userId)) await redis.del(key);
  return { sessionKeys };
}
