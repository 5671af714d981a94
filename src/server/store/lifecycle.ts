import { crossSlotPipeline, type RedisClient as Redis } from '../redis/redis-connection.ts';
import type { ErrorCode } from '../../shared/errors.ts';
import type { AddParticipantsArgs, ConversationRenameArgs, RemoveParticipantArgs } from '../../shared/mutations.ts';
import { newId } from '../../shared/ids.ts';
import { LIMITS } from '../../shared/limits.ts';
import type { Conversation, SystemEvent } from '../../shared/model.ts';
import type { StoreOutcome } from './conversations.ts';
import { eraseConversation } from './erasure.ts';
import { execOrThrow, fanout } from './feed.ts';
import { KEYS, lifecycleKeys } from './keys.ts';
import { withLifecycleScripts } from './lifecycle-scripts.ts';
import { parseOutcome, type ScriptOutcome } from './scripts.ts';
import { getSummaries, getUser } from './users.ts';
import { ROLE_POLICY } from '../../shared/policy.ts';

/**
 * The conversation lifecycle on the server: per-user archive and "delete for me", delete for
 * everyone, and group changes (rename, add/remove participants, leave), each a Lua script.
 */

export type UserStateResult = { archivedAtSeq: number | null; hiddenUpToSeq: number };

async function isAdmin(redis: Redis, userId: string): Promise<boolean> {
  return (await getUser(redis, userId))?.role === 'admin';
}

/** Fans out and says what to publish; `gone` are users who just left the member set. */
async function settle<T>(
  redis: Redis,
  conversationId: string,
  outcome: ScriptOutcome,
  result: (json: string) => T,
  gone: string[] = [],
): Promise<StoreOutcome<T>> {
  if (outcome.status === 'err') return { ok: false, code: outcome.code as ErrorCode };
  await fanout(redis, conversationId, outcome.ver, outcome.memberIds);
  if (gone.length > 0) {
    // Out of their list: the feed repair no longer looks at this conversation for them, so they
    // receive nothing after the change that removed them.
    const pipeline = crossSlotPipeline(redis);
    for (const userId of gone) pipeline.srem(KEYS.userConvs(userId), conversationId);
    await execOrThrow(pipeline.exec());
  }
  const appended =
    outcome.status === 'ok'
      ? { conversationId, change: outcome.change, memberIds: outcome.memberIds, ...(gone.length > 0 ? { leftIds: gone } : {}) }
      : null;
  return { ok: true, result: result(outcome.result), appended };
}

/** Archive, unarchive or hide ("delete for me") a conversation for this user only. */
export async function setUserState(
  redis: Redis,
  userId: string,
  mutationId: string,
  conversationId: string,
  action: 'archive' | 'unarchive' | 'hide',
): Promise<StoreOutcome<UserStateResult>> {
  const raw = await withLifecycleScripts(redis).relaisUserState(...lifecycleKeys(conversationId), userId, mutationId, conversationId, action);
  return settle(redis, conversationId, parseOutcome(raw), (json) => JSON.parse(json) as UserStateResult);
}

/** Delete for everyone: only the creator or an admin (`forbidden` otherwise); the content is erased (store/erasure.ts). */
export async function deleteConversation(
  redis: Redis,
  userId: string,
  mutationId: string,
  conversationId: string,
): Promise<StoreOutcome<Record<string, never>>> {
  const admin = await isAdmin(redis, userId);
  const raw = await withLifecycleScripts(redis).relaisDeleteConversation(
    ...lifecycleKeys(conversationId),
    userId,
    mutationId,
    conversationId,
    admin ? '1' : '0',
  );
  const outcome = parseOutcome(raw);
  const gone = outcome.status === 'ok' || outcome.status === 'dup' ? outcome.memberIds : [];
  if (outcome.status === 'ok') await releaseDirect(redis, conversationId);
  const settled = await settle(redis, conversationId, outcome, () => ({}), gone);
  // After the fanout (which reads nothing of the log): the content leaves the server now; its
  // files with the next blob sweep. A replay erases again (a stop in the middle left the rest).
  if (outcome.status === 'ok' || outcome.status === 'dup') await eraseConversation(redis, conversationId);
  return settled;
}

/** A deleted direct conversation no longer stands for its pair: the next one between them is new. */
async function releaseDirect(redis: Redis, conversationId: string): Promise<void> {
  const json = await redis.hget(KEYS.convMeta(conversationId), 'conv');
  const conversation = json === null ? null : (JSON.parse(json) as Conversation);
  if (conversation?.kind !== 'direct') return;
  const [a, b] = conversation.participants.map((p) => p.id);
  if (a === undefined || b === undefined) return;
  const key = KEYS.direct(a, b);
  if ((await redis.get(key)) === conversationId) await redis.del(key);
}

export type GroupChange =
  | { action: 'rename'; args: ConversationRenameArgs }
  | { action: 'add'; args: AddParticipantsArgs }
  | { action: 'remove'; args: RemoveParticipantArgs }
  | { action: 'leave'; args: { conversationId: string } };

const CAS_ATTEMPTS = 5;

/**
 * Renames a group or changes its participants (creator or admin; anyone may leave), with a system
 * message. Builds the new conversation here and lets the script swap it in only if nothing moved.
 */
export async function changeGroup(
  redis: Redis,
  userId: string,
  mutationId: string,
  change: GroupChange,
): Promise<StoreOutcome<{ conversation: Conversation }>> {
  const { conversationId } = change.args;
  const admin = await isAdmin(redis, userId);
  for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
    const expected = await redis.hget(KEYS.convMeta(conversationId), 'conv');
    if (expected === null) return { ok: false, code: 'conversation_not_found' };
    const current = JSON.parse(expected) as Conversation;
    const planned = await plan(redis, userId, current, change);
    if ('code' in planned) {
      // A non-member must not learn the conversation is not a group: membership comes first.
      const member = (await redis.sismember(KEYS.convMembers(conversationId), userId)) === 1;
      return { ok: false, code: member ? planned.code : 'conversation_not_found' };
    }
    const head =
      `{"conversationId":${JSON.stringify(conversationId)},"messageId":${JSON.stringify(newId())},` +
      `"senderId":${JSON.stringify(userId)},"body":"","urgent":false,"kind":"system","system":${JSON.stringify(planned.system)}`;
    const raw = await withLifecycleScripts(redis).relaisUpdateGroup(
      ...lifecycleKeys(conversationId),
      userId,
      mutationId,
      change.action,
      admin ? '1' : '0',
      expected,
      JSON.stringify(planned.conversation),
      head,
      planned.floored.join(','),
      ...planned.targets,
    );
    const outcome = parseOutcome(raw);
    if (outcome.status === 'err' && outcome.code === 'retry') continue;
    const gone = outcome.status === 'ok' && (change.action === 'remove' || change.action === 'leave')
      ? [change.action === 'remove' ? change.args.userId : userId]
      : [];
    return settle(redis, conversationId, outcome, (json) => ({ conversation: JSON.parse(json) as Conversation }), gone);
  }
  return { ok: false, code: 'unavailable' };
}

/** `floored`: the added users who see nothing written before they joined (policy.ts `historyBeforeJoining`). */
type Plan = { conversation: Conversation; system: SystemEvent; targets: string[]; floored: string[] } | { code: ErrorCode };

async function plan(redis: Redis, userId: string, current: Conversation, change: GroupChange): Promise<Plan> {
  if (current.kind !== 'group') return { code: 'not_a_group' };
  switch (change.action) {
    case 'rename':
      return {
        conversation: { ...current, title: change.args.title },
        system: { type: 'conversation.renamed', by: userId, title: change.args.title },
        targets: [],
        floored: [],
      };
    case 'add': {
      const known = new Set(current.participants.map((p) => p.id));
      const ids = [...new Set(change.args.participantIds)].filter((id) => !known.has(id));
      if (ids.length === 0 || known.size + ids.length > LIMITS.PARTICIPANTS_MAX) return { code: 'participants_invalid' };
      const summaries = await getSummaries(redis, ids);
      if (summaries.some((s) => s === null || s.deleted === true)) return { code: 'user_not_found' };
      const added = summaries.map((s) => ({ id: s!.id, displayName: s!.displayName, role: s!.role }));
      return {
        conversation: { ...current, participants: [...current.participants, ...added] },
        system: { type: 'participants.added', by: userId, userIds: ids },
        targets: ids,
        floored: added.filter((s) => !ROLE_POLICY[s.role].historyBeforeJoining).map((s) => s.id),
      };
    }
    case 'remove':
      if (change.args.userId === userId) return { code: 'participants_invalid' };
      return {
        conversation: { ...current, participants: current.participants.filter((p) => p.id !== change.args.userId) },
        system: { type: 'participant.removed', by: userId, userId: change.args.userId },
        targets: [change.args.userId],
        floored: [],
      };
    case 'leave':
      return {
        conversation: { ...current, participants: current.participants.filter((p) => p.id !== userId) },
        system: { type: 'participant.left', userId },
        targets: [],
        floored: [],
      };
  }
}

/** Highest seq this user deleted for themselves in a conversation (0 when none). */
export async function hiddenUpTo(redis: Redis, userId: string, conversationId: string): Promise<number> {
  return Number((await redis.hget(KEYS.convUserState(conversationId), `${userId}:h`)) ?? 0);
}

/** Where a user's view of a conversation starts (the history rule): nothing at or before these. */
export interface JoinFloor {
  /** Last message seq before they joined. */
  seq: number;
  /** Last log version before they joined. */
  ver: number;
  /** When they joined (ms): files uploaded before are not theirs to fetch. */
  at: number;
}

/** The user's join floor in a conversation, or null when they see its whole history. */
export async function joinFloor(redis: Redis, userId: string, conversationId: string): Promise<JoinFloor | null> {
  const [seq, ver, at] = await redis.hmget(KEYS.convUserState(conversationId), `${userId}:js`, `${userId}:jv`, `${userId}:jt`);
  return seq === null || ver === null ? null : { seq: Number(seq), ver: Number(ver), at: Number(at ?? 0) };
}
