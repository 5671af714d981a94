import { crossSlotPipeline, type RedisClient as Redis } from '../redis/redis-connection.ts';
import type { ErrorCode } from '../../shared/errors.ts';
import type { ConversationCreateArgs, MessageAckArgs, MessageSendArgs, ReadMarkArgs } from '../../shared/mutations.ts';
import { ackLineId } from '../../shared/urgent-ack.ts';
import { LIMITS } from '../../shared/limits.ts';
import type { Change, Conversation, Message } from '../../shared/model.ts';
import { execOrThrow, fanout } from './feed.ts';
import { conversationKeys, KEYS } from './keys.ts';
import { parseOutcome, withScripts, type ScriptOutcome } from './scripts.ts';
import { getSummaries } from './users.ts';

/** A change that was appended and should go live to `memberIds` (the pull delivers it anyway). */
export interface Appended {
  conversationId: string;
  change: string;
  memberIds: string[];
  /** True when the script already published it live (see LIVE in lua/fragments.ts). */
  published?: boolean;
  /** Members this change took out (removed, left, or everyone at a delete for everyone). */
  leftIds?: string[];
}

/** Options of the append and read-marker writes (single Redis only; see LIVE and SESSION in lua/fragments.ts). */
export interface WriteOptions {
  /** Where the script publishes its change live; none: the caller publishes. */
  liveChannel?: string | null;
  /** The writer's session, for the script to check (and refresh) before writing: `unauthenticated` when gone. */
  session?: { key: string; ttlSeconds: number };
  /**
   * With a session, messages only: the sender's allowance checked, and taken by the batch's first
   * script (`take`, for a window of `seconds`), in the same step as this append (ALLOWANCE in
   * store/lua/fragments.ts); over it the script refuses with `rate_limited`.
   */
  allowance?: { key: string; max: number; count: number; at: number; take?: number; seconds?: number };
}

export type StoreOutcome<T> = { ok: true; result: T; appended: Appended | null } | { ok: false; code: ErrorCode };

/**
 * Says what to publish live, after fanning a script's change out to every member's feed when
 * `eager`. Changes that alter who is in the conversation fan out at once (the fanout also keeps each
 * member's conversation list, which the pull's repair walks). Messages and read markers do not: the
 * pull's `repairFeed` finds any conversation whose version is ahead of the user's feed and records it
 * then, so the write path costs one script and one publish instead of one script per member (one
 * per recipient was what dominated the gateway's CPU under `npm run bench`).
 */
export async function settle<T>(
  redis: Redis,
  conversationId: string,
  outcome: ScriptOutcome,
  result: (json: string) => T,
  options: { eager: boolean; published?: boolean } = { eager: true },
): Promise<StoreOutcome<T>> {
  if (outcome.status === 'err') return { ok: false, code: outcome.code as ErrorCode };
  // A replay ('dup') fans out too: the first attempt may have crashed between script and fanout.
  if (options.eager) await fanout(redis, conversationId, outcome.ver, outcome.memberIds);
  const appended =
    outcome.status === 'ok'
      ? { conversationId, change: outcome.change, memberIds: outcome.memberIds, published: options.published === true }
      : null;
  return { ok: true, result: result(outcome.result), appended };
}

/** The stored conversation, or null. */
export async function getConversation(redis: Redis, conversationId: string): Promise<Conversation | null> {
  const json = await redis.hget(KEYS.convMeta(conversationId), 'conv');
  return json === null ? null : (JSON.parse(json) as Conversation);
}

/** True when the user is a member of the conversation (false for unknown conversations). */
export async function isMember(redis: Redis, userId: string, conversationId: string): Promise<boolean> {
  return (await redis.sismember(KEYS.convMembers(conversationId), userId)) === 1;
}

/**
 * Creates a conversation (idempotent on the mutation id and on the conversation id for its members).
 * A direct conversation between two people who already have one answers the existing one.
 */
export async function createConversation(
  redis: Redis,
  userId: string,
  mutationId: string,
  args: ConversationCreateArgs,
  addressed?: NonNullable<Conversation['function']>,
): Promise<StoreOutcome<{ conversation: Conversation }>> {
  const memberIds = [...new Set([userId, ...args.participantIds, ...(addressed ? [addressed.holderId] : [])])];
  if (memberIds.length < 2 || memberIds.length > LIMITS.PARTICIPANTS_MAX) return { ok: false, code: 'participants_invalid' };
  const summaries = await getSummaries(redis, memberIds);
  // A deleted account (a tombstone) is nobody one can start a conversation with.
  if (summaries.some((s) => s === null || s.deleted === true)) return { ok: false, code: 'user_not_found' };
  const kind = memberIds.length === 2 && args.title === undefined && args.patient === undefined && !addressed ? 'direct' : 'group';
  if (kind === 'direct') {
    const existing = await claimDirect(redis, memberIds[0] as string, memberIds[1] as string, args.conversationId);
    if (existing !== null && (await isMember(redis, userId, existing.id))) {
      return { ok: true, result: { conversation: existing }, appended: null };
    }
  }
  const conversation: Conversation = {
    id: args.conversationId,
    kind,
    title: args.title ?? addressed?.name ?? null,
    participants: summaries.map((s) => ({ id: s!.id, displayName: s!.displayName, role: s!.role })),
    createdBy: userId,
    createdAt: Date.now(),
    patient: args.patient ?? null,
    ...(addressed ? { function: addressed } : {}),
  };
  const raw = await withScripts(redis).relaisCreateConversation(
    ...conversationKeys(args.conversationId),
    userId,
    mutationId,
    JSON.stringify(conversation),
    ...memberIds,
  );
  return settle(redis, args.conversationId, parseOutcome(raw), (json) => ({
    conversation: JSON.parse(json) as Conversation,
  }));
}

/**
 * Claims `relais:direct:<a>:<b>` for this conversation id. Returns the other existing direct
 * conversation when there is one; a claim left by a creation that never completed is taken over.
 */
async function claimDirect(redis: Redis, a: string, b: string, conversationId: string): Promise<Conversation | null> {
  const key = KEYS.direct(a, b);
  if ((await redis.set(key, conversationId, 'NX')) === 'OK') return null;
  const current = await redis.get(key);
  if (current === null || current === conversationId) return null;
  const existing = await getConversation(redis, current);
  if (existing === null) {
    await redis.set(key, conversationId);
    return null;
  }
  return existing;
}

/**
 * Appends a message: membership check, dedupe on (user, mutation id), the message id free in the
 * conversation (`message_id_taken`), the quoted message in it (`reply_not_found`, its real author
 * recorded), next seq, log (feeds catch up at pull), and the live event when `options.liveChannel` is given.
 */
export async function appendMessage(
  redis: Redis,
  userId: string,
  mutationId: string,
  args: MessageSendArgs,
  options: WriteOptions = {},
): Promise<StoreOutcome<{ seq: number; serverTime: number }>> {
  // The script closes the object after adding the quote, seq and serverTime, so the body is encoded
  // once, here. The quote is only its id: the script finds its author (the client's word is not taken).
  const head =
    `{"conversationId":${JSON.stringify(args.conversationId)},"messageId":${JSON.stringify(args.messageId)},` +
    `"senderId":${JSON.stringify(userId)},"body":${JSON.stringify(args.body)},"urgent":${args.urgent === true}` +
    (args.attachments ? `,"attachments":${JSON.stringify(args.attachments)}` : '');
  const replyTo = args.replyTo?.messageId ?? '';
  const channel = options.liveChannel ?? '';
  const scripts = withScripts(redis);
  const keys = conversationKeys(args.conversationId);
  const { session, allowance } = options;
  const raw = session
    ? allowance
      ? await scripts.relaisAppendMessageAsAllowed(...keys, session.key, allowance.key, userId, mutationId, head, replyTo, channel, session.ttlSeconds, allowance.max, allowance.count, allowance.at, allowance.take ?? 0, allowance.seconds ?? 0)
      : await scripts.relaisAppendMessageAs(...keys, session.key, userId, mutationId, head, replyTo, channel, session.ttlSeconds)
    : await scripts.relaisAppendMessage(...keys, userId, mutationId, head, replyTo, channel);
  return settle(redis, args.conversationId, parseOutcome(raw), (json) => JSON.parse(json) as { seq: number; serverTime: number }, {
    eager: false,
    published: channel !== '',
  });
}

/** A message of the conversation by its id (the message-id index, then its log entry), or null. */
export async function messageById(redis: Redis, conversationId: string, messageId: string): Promise<Message | null> {
  const indexed = await redis.hget(KEYS.convMessageIds(conversationId), messageId);
  const seq = indexed?.split(' ')[0];
  if (!seq) return null;
  const ver = await redis.hget(KEYS.convSeqVer(conversationId), seq);
  if (ver === null) return null;
  const [entry] = await redis.xrange(KEYS.convLog(conversationId), `${ver}-0`, `${ver}-0`);
  const change = entry ? (JSON.parse(entry[1][1] ?? 'null') as Change | null) : null;
  return change?.type === 'message' ? change.message : null;
}

/**
 * A recipient acknowledges an urgent message, or claims it (`message.ack`). Members only (anyone else:
 * `conversation_not_found`); the message must be in the conversation (`message_not_found`), urgent and
 * someone else's (`ack_not_expected`). The `urgent.ack` line is appended as the recipient's under its
 * derived id (shared/urgent-ack.ts): the same acknowledgement again, from any device and with any
 * mutation id, answers the first one's seq — it is written once.
 */
export async function acknowledgeMessage(
  redis: Redis,
  userId: string,
  mutationId: string,
  args: MessageAckArgs,
  options: WriteOptions = {},
): Promise<StoreOutcome<{ seq: number; serverTime: number }>> {
  const { conversationId, messageId } = args;
  if (!(await isMember(redis, userId, conversationId))) return { ok: false, code: 'conversation_not_found' };
  const target = await messageById(redis, conversationId, messageId);
  if (target === null) return { ok: false, code: 'message_not_found' };
  if (target.senderId === userId || target.kind === 'system' || !target.urgent) return { ok: false, code: 'ack_not_expected' };
  const claim = args.claim === true;
  const head =
    `{"conversationId":${JSON.stringify(conversationId)},"messageId":${JSON.stringify(await ackLineId(conversationId, messageId, userId, claim))},` +
    `"senderId":${JSON.stringify(userId)},"body":"","urgent":false,"kind":"system",` +
    `"system":${JSON.stringify({ type: 'urgent.ack', messageId, claim })}`;
  const channel = options.liveChannel ?? '';
  const raw = await withScripts(redis).relaisAppendMessage(...conversationKeys(conversationId), userId, mutationId, head, '', channel);
  return settle(redis, conversationId, parseOutcome(raw), (json) => JSON.parse(json) as { seq: number; serverTime: number }, {
    eager: false,
    published: channel !== '',
  });
}

/** Moves the user's read marker forward (never back, never past the last seq); published live as appendMessage. */
export async function markRead(
  redis: Redis,
  userId: string,
  args: ReadMarkArgs,
  options: WriteOptions = {},
): Promise<StoreOutcome<Record<string, never>>> {
  const channel = options.liveChannel ?? '';
  const scripts = withScripts(redis);
  const keys = conversationKeys(args.conversationId);
  const raw = options.session
    ? await scripts.relaisMarkReadAs(...keys, options.session.key, userId, args.seq, args.conversationId, channel, options.session.ttlSeconds)
    : await scripts.relaisMarkRead(...keys, userId, args.seq, args.conversationId, channel);
  return settle(redis, args.conversationId, parseOutcome(raw), () => ({}), { eager: false, published: channel !== '' });
}

/** The user's conversations, most recently active first. */
export async function listConversations(redis: Redis, userId: string): Promise<Conversation[]> {
  const ids = await redis.smembers(KEYS.userConvs(userId));
  if (ids.length === 0) return [];
  const pipeline = crossSlotPipeline(redis);
  for (const id of ids) pipeline.hmget(KEYS.convMeta(id), 'conv', 'lastAt');
  const rows = (await execOrThrow(pipeline.exec())) as (string | null)[][];
  return rows
    .filter((row): row is [string, string] => typeof row[0] === 'string')
    .sort((a, b) => Number(b[1] ?? 0) - Number(a[1] ?? 0))
    .map((row) => JSON.parse(row[0]) as Conversation);
}

/**
 * A page of messages before `before` (exclusive), oldest first; null when the user is not a member
 * (the caller answers the same 404 as for an unknown conversation).
 */
export async function readHistory(
  redis: Redis,
  userId: string,
  conversationId: string,
  page: { before?: number; limit: number },
): Promise<Message[] | null> {
  const [memberReply, topReply, hiddenReply, floorReply] = (await execOrThrow(
    redis
      .pipeline()
      .sismember(KEYS.convMembers(conversationId), userId)
      .hget(KEYS.convMeta(conversationId), 'seq')
      .hget(KEYS.convUserState(conversationId), `${userId}:h`)
      .hget(KEYS.convUserState(conversationId), `${userId}:js`)
      .exec(),
  )) as [number, string | null, string | null, string | null];
  if (memberReply !== 1) return null;
  const top = Number(topReply ?? 0);
  const hi = page.before === undefined ? top : Math.min(page.before - 1, top);
  // What the user deleted for themselves stays deleted for them; what was written before they
  // joined with a floor (the history rule, store/lifecycle.ts) was never theirs.
  const hidden = Math.max(Number(hiddenReply ?? 0), Number(floorReply ?? 0));
  if (hi <= hidden) return [];
  const lo = Math.max(1, hidden + 1, hi - page.limit + 1);
  const seqs = Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  const vers = await redis.hmget(KEYS.convSeqVer(conversationId), ...seqs.map(String));
  const read = redis.pipeline();
  const wanted = vers.filter((v): v is string => v !== null);
  for (const ver of wanted) read.xrange(KEYS.convLog(conversationId), `${ver}-0`, `${ver}-0`);
  const entries = (await execOrThrow(read.exec())) as [string, string[]][][];
  const messages: Message[] = [];
  for (const entry of entries) {
    const fields = entry[0]?.[1];
    if (!fields) continue;
    const change = JSON.parse(fields[1] ?? 'null') as Change | null;
    if (change?.type === 'message') messages.push(change.message);
  }
  return messages;
}
