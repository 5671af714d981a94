import { Cluster } from 'ioredis';
import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import type { ErrorCode } from '../../shared/errors.ts';
import { isMutationKind, Mutation, type MutationResult } from '../../shared/mutations.ts';
import { LIMITS } from '../../shared/limits.ts';
import type { LiveBus } from '../realtime/live-bus.ts';
import { acknowledgeMessage, appendMessage, createConversation, getConversation, isMember, markRead, type StoreOutcome, type WriteOptions } from '../store/conversations.ts';
import { missingAttachments } from '../store/blobs.ts';
import { changeGroup, deleteConversation, setUserState } from '../store/lifecycle.ts';
import { dependsOnRole, refusedByPolicy } from '../policy/mutation-policy.ts';
import { isDerivedId } from '../../shared/urgent-ack.ts';
import { noteUrgentSent } from '../store/urgent-open.ts';
import { reachFunction } from '../oncall/reach-function.ts';
import { editMessage, redactMessage } from '../store/message-edits.ts';
import { editWindowMs } from '../admin/clinic-settings.ts';
import { messageItem } from './send-limits.ts';

function refuse(id: string, code: ErrorCode): MutationResult {
  return { id, ok: false, error: { code } };
}

/** Why a mutation item failed its schema, as precisely as a stable code allows. */
function invalidCode(item: unknown): ErrorCode {
  if (typeof item !== 'object' || item === null) return 'bad_request';
  const { kind, args } = item as { kind?: unknown; args?: { body?: unknown } };
  if (typeof kind === 'string' && !isMutationKind(kind)) return 'unknown_mutation';
  if ((kind === 'message.send' || kind === 'message.edit') && typeof args?.body === 'string' && args.body.length > LIMITS.MESSAGE_BODY_MAX) {
    return 'message_too_long';
  }
  return 'bad_request';
}

/**
 * Applies one pushed mutation for the user. Each item is validated on its own, so one bad item fails
 * alone; a replay of the same id answers the original result. Live events go out after the fanout
 * (messages and read markers: from their script, on a single Redis).
 */
export async function applyMutation(
  redis: Redis,
  live: LiveBus,
  userId: string,
  item: unknown,
  session?: UncheckedSession,
  /** Its position among the batch's messages (1-based), for the session's `allowance`. */
  allowanceAt?: number,
  now: () => number = Date.now,
): Promise<MutationResult> {
  const rawId = (item as { id?: unknown } | null)?.id;
  const id = typeof rawId === 'string' ? rawId.slice(0, 64) : '';
  const parsed = Mutation.safeParse(item);
  if (!parsed.success) return refuse(id, invalidCode(item));
  const mutation = parsed.data;
  if (session && !sendsScriptAtOnce(mutation)) throw new Error('an unchecked session may only write messages and read markers');
  if (dependsOnRole(mutation)) {
    const refused = await refusedByPolicy(redis, userId, mutation);
    if (refused !== null) return refuse(id, refused);
  }
  const write = (conversationId: string): WriteOptions => ({
    liveChannel: live.channelFor(conversationId),
    ...(session ? { session: { key: session.key, ttlSeconds: session.ttlSeconds } } : {}),
  });
  let outcome: StoreOutcome<unknown>;
  switch (mutation.kind) {
    case 'conversation.create': {
      // To a function: whoever holds it now, by the gateway's clock and rota.
      let addressed: Awaited<ReturnType<typeof reachFunction>> | null = null;
      if (mutation.args.functionId !== undefined) {
        addressed = await reachFunction(redis, userId, mutation.args.functionId, now());
        if (!addressed.ok) return refuse(id, addressed.code);
      }
      outcome = await createConversation(redis, userId, mutation.id, mutation.args, addressed?.ok ? addressed.addressed : undefined);
      break;
    }
    case 'message.send':
      if (mutation.id !== mutation.args.messageId) return refuse(id, 'mutation_id_mismatch');
      // Version-8 ids are derived by the server (an acknowledgement's line): taking one would stand
      // for somebody else's acknowledgement, silencing their reminders.
      if (isDerivedId(mutation.args.messageId)) return refuse(id, 'bad_request');
      if (mutation.args.body.trim() === '' && !mutation.args.attachments) return refuse(id, 'bad_request');
      // A message may only point at files uploaded to its own conversation.
      if (mutation.args.attachments && (await missingAttachments(redis, mutation.args.conversationId, mutation.args.attachments))) {
        return refuse(id, 'attachment_not_found');
      }
      outcome = await appendMessage(redis, userId, mutation.id, mutation.args, {
        ...write(mutation.args.conversationId),
        ...(session?.allowance && allowanceAt !== undefined ? { allowance: allowanceFor(session.allowance, allowanceAt) } : {}),
      });
      if (session && (outcome.ok || outcome.code !== 'unauthenticated')) session.checked = true;
      // The sender's list of urgent messages waiting for an answer (store/urgent-open.ts).
      if (outcome.ok && mutation.args.urgent === true) {
        const { serverTime } = outcome.result as { serverTime: number };
        await noteUrgentSent(redis, userId, mutation.args.conversationId, mutation.args.messageId, serverTime);
      }
      break;
    case 'read.mark':
      outcome = await markRead(redis, userId, mutation.args, write(mutation.args.conversationId));
      if (session && (outcome.ok || outcome.code !== 'unauthenticated')) session.checked = true;
      break;
    case 'message.ack':
      outcome = await acknowledgeMessage(redis, userId, mutation.id, mutation.args, write(mutation.args.conversationId));
      break;
    case 'message.edit':
      // The window as the store holds it now: every gateway applies the same one at once.
      outcome = await editMessage(redis, userId, mutation.id, mutation.args, await editWindowMs(redis), write(mutation.args.conversationId));
      break;
    case 'message.redact':
      outcome = await redactMessage(redis, userId, mutation.id, mutation.args, write(mutation.args.conversationId));
      break;
    case 'conversation.archive':
    case 'conversation.unarchive':
    case 'conversation.hide': {
      const action = mutation.kind.slice('conversation.'.length) as 'archive' | 'unarchive' | 'hide';
      outcome = await setUserState(redis, userId, mutation.id, mutation.args.conversationId, action);
      break;
    }
    case 'conversation.delete':
      outcome = await deleteConversation(redis, userId, mutation.id, mutation.args.conversationId);
      break;
    case 'conversation.rename':
      outcome = await changeGroup(redis, userId, mutation.id, { action: 'rename', args: mutation.args });
      break;
    case 'conversation.addParticipants':
      outcome = await changeGroup(redis, userId, mutation.id, { action: 'add', args: mutation.args });
      break;
    case 'conversation.removeParticipant':
      outcome = await changeGroup(redis, userId, mutation.id, { action: 'remove', args: mutation.args });
      break;
    case 'conversation.leave':
      outcome = await changeGroup(redis, userId, mutation.id, { action: 'leave', args: mutation.args });
      break;
    case 'conversation.open': {
      // Only its members open a conversation (anyone else learns nothing of it); the audit entry
      // (mutation-audit.ts) names its patient, which the result carries for it.
      const { conversationId } = mutation.args;
      if (!(await isMember(redis, userId, conversationId))) return refuse(id, 'conversation_not_found');
      const patientId = (await getConversation(redis, conversationId))?.patient?.nationalId;
      outcome = { ok: true, result: patientId ? { patientId } : {}, appended: null };
      break;
    }
  }
  if (!outcome.ok) return refuse(id, outcome.code);
  if (outcome.appended) live.publishChange(outcome.appended);
  return { id, ok: true, result: outcome.result };
}

/**
 * True for the kinds whose script is sent before `applyMutation` first awaits, and that can check an
 * unchecked session themselves: a message without files or urgent flag (their checks come first) and
 * a read marker.
 */
export function sendsScriptAtOnce(item: unknown): boolean {
  if (typeof item !== 'object' || item === null) return false;
  const { kind, args } = item as { kind?: unknown; args?: { attachments?: unknown; urgent?: unknown } };
  // An urgent flag waits for the author's role (mutation-policy.ts), as files wait for their check.
  return kind === 'read.mark' || (kind === 'message.send' && args?.attachments === undefined && args?.urgent !== true);
}

/**
 * A session taken from the gateway's hints, not looked up (see SessionHints): the scripts check it as
 * they write. `checked` turns true once one of them found it valid.
 */
export interface UncheckedSession {
  key: string;
  ttlSeconds: number;
  checked: boolean;
  /**
   * The sender's message allowance for the batch's `count` messages (messaging/send-limits.ts): the
   * first message script sent takes them all (`untaken` turns false), each checks its place in it.
   */
  allowance?: { key: string; max: number; count: number; seconds: number; untaken: boolean };
}

/** The allowance a message script gets: the whole batch's take for the first one sent, its place for each. */
function allowanceFor(allowance: NonNullable<UncheckedSession['allowance']>, at: number): NonNullable<WriteOptions['allowance']> {
  const take = allowance.untaken ? allowance.count : 0;
  allowance.untaken = false;
  return { key: allowance.key, max: allowance.max, count: allowance.count, at, take, seconds: allowance.seconds };
}

/**
 * Applies a pushed batch, in order. A run of messages and read markers is sent at once: their scripts
 * leave in order on the one connection (and in one write, see `coalesceWrites`), Redis runs them in
 * that order, and the batch waits one round trip instead of one per mutation (each append waits for
 * its fsync with `appendfsync always`). Their results, hence their live events, come back in order
 * too. Any other kind waits for what came before it. On a cluster, where a redirected command may be
 * retried after a later one, every mutation waits for the previous one, as the outbox sent them.
 * With an unchecked `session`, every item must be a message or read marker (`sendsScriptAtOnce`).
 */
export async function applyMutations(
  redis: Redis,
  live: LiveBus,
  userId: string,
  items: readonly unknown[],
  session?: UncheckedSession,
  /** The on-call clock: whoever holds a function a conversation is addressed to, then. */
  now: () => number = Date.now,
): Promise<MutationResult[]> {
  const results: MutationResult[] = [];
  const together = !(redis instanceof Cluster);
  let run: Promise<MutationResult>[] = [];
  let messages = 0;
  for (const item of items) {
    // Counted as the allowance counts them: every message.send item, valid or not.
    const at = messageItem(item) !== null ? ++messages : undefined;
    if (together && sendsScriptAtOnce(item)) {
      run.push(applyMutation(redis, live, userId, item, session, at, now));
      continue;
    }
    if (run.length > 0) results.push(...(await Promise.all(run)));
    run = [];
    results.push(await applyMutation(redis, live, userId, item, session, at, now));
  }
  if (run.length > 0) results.push(...(await Promise.all(run)));
  return results;
}
