import type { Conversation, SystemEvent } from '../../shared/model.ts';
import type { ErrorCode } from '../../shared/errors.ts';
import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import type { Appended } from '../store/conversations.ts';
import { fanout } from '../store/feed.ts';
import { KEYS, lifecycleKeys } from '../store/keys.ts';
import { withLifecycleScripts } from '../store/lifecycle-scripts.ts';
import { parseOutcome } from '../store/scripts.ts';
import { getSummaries } from '../store/users.ts';

/**
 * The on-call system lines (`urgent.escalated`, `function.handover`): in one atomic step, the
 * conversation gains the person alerted (if not a member yet) — and, at a handover, records its new
 * holder — and the line is appended, through the group-change script (store/lifecycle-scripts.ts,
 * action `add`) written as `actorId` (the urgent message's sender: a member). The mutation id and the
 * line's id are derived by the caller from what the line records, so writing it again — a gateway
 * that died half-way, another that takes the step over — answers `written: false` and changes nothing.
 */

export interface OncallLine {
  conversationId: string;
  /** Who the line is written as: a member (else `conversation_not_found`). */
  actorId: string;
  /** Derived: the same line always has the same mutation id (the script's dedupe answers a replay). */
  mutationId: string;
  /** Derived: the line's message id. */
  lineId: string;
  system: SystemEvent;
  /** Added to the conversation if not a member. */
  addUserId: string;
  /** The function's holder the conversation now records (a handover); absent: unchanged. */
  holderId?: string;
  /**
   * A handover's previous holder: the line is written only while the conversation still records
   * them (another pass got there first: `written: false`, nothing changed).
   */
  passFrom?: string;
}

export type OncallLineOutcome = { ok: true; written: boolean; appended: Appended | null } | { ok: false; code: ErrorCode };

const CAS_ATTEMPTS = 5;

/** Writes one on-call line (see the module comment); fans it out; the caller publishes `appended`. */
export async function writeOncallLine(redis: Redis, line: OncallLine): Promise<OncallLineOutcome> {
  const { conversationId, actorId } = line;
  for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
    const expected = await redis.hget(KEYS.convMeta(conversationId), 'conv');
    if (expected === null) return { ok: false, code: 'conversation_not_found' };
    const current = JSON.parse(expected) as Conversation;
    if (line.passFrom !== undefined && current.function?.holderId !== line.passFrom) return { ok: true, written: false, appended: null };
    const known = current.participants.some((p) => p.id === line.addUserId);
    let participants = current.participants;
    if (!known) {
      const [summary] = await getSummaries(redis, [line.addUserId]);
      if (!summary || summary.deleted === true) return { ok: false, code: 'user_not_found' };
      participants = [...participants, { id: summary.id, displayName: summary.displayName, role: summary.role }];
    }
    const next: Conversation = {
      ...current,
      participants,
      ...(line.holderId !== undefined && current.function ? { function: { ...current.function, holderId: line.holderId } } : {}),
    };
    const head =
      `{"conversationId":${JSON.stringify(conversationId)},"messageId":${JSON.stringify(line.lineId)},` +
      `"senderId":${JSON.stringify(actorId)},"body":"","urgent":false,"kind":"system","system":${JSON.stringify(line.system)}`;
    const raw = await withLifecycleScripts(redis).relaisUpdateGroup(
      ...lifecycleKeys(conversationId),
      actorId,
      line.mutationId,
      'add',
      '1',
      expected,
      JSON.stringify(next),
      head,
      '',
      ...(known ? [] : [line.addUserId]),
    );
    const outcome = parseOutcome(raw);
    if (outcome.status === 'err' && outcome.code === 'retry') continue;
    if (outcome.status === 'err') return { ok: false, code: outcome.code as ErrorCode };
    await fanout(redis, conversationId, outcome.ver, outcome.memberIds);
    if (outcome.status !== 'ok') return { ok: true, written: false, appended: null };
    return { ok: true, written: true, appended: { conversationId, change: outcome.change, memberIds: outcome.memberIds } };
  }
  return { ok: false, code: 'unavailable' };
}
