import { derivedId } from '../../shared/urgent-ack.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import { getConversation, messageById, type Appended } from '../store/conversations.ts';
import { getFunction, listFunctions, readRota } from '../store/functions.ts';
import { getSummaries } from '../store/users.ts';
import { mayHold } from './function-entries.ts';
import { answeredByAnyone, dropFunctionUrgent, functionUrgentOf } from './function-urgent.ts';
import { writeOncallLine } from './ladder-lines.ts';
import type { UrgentAlerts } from './ladder-steps.ts';
import { holdingAt, holdingSince, type Rota } from './rota.ts';

export interface UrgentHandoverOptions {
  redis: Redis;
  audit: AuditLog;
  publish: (appended: Appended) => void;
  alerts: UrgentAlerts;
}

/** A function whose holder may have changed, who caused it (the holder, an admin; null: the rota's own turn), and when. */
export interface FunctionPassed {
  functionId: string;
  actorId: string | null;
  now: number;
}

/** Passes a function's open urgent conversations to whoever holds it now (handover routes, overrides, the scan). */
export type PassUrgent = (passed: FunctionPassed) => Promise<number>;

/** Who the open urgent conversations of a function pass to at `at`, and since when; null: nobody holds it (nothing passes). */
export function passTarget(rota: Rota, at: number): { toUserId: string; since: number | null } | null {
  const { userId } = holdingAt(rota, at);
  return userId === null ? null : { toUserId: userId, since: holdingSince(rota, at) };
}

/** The `function.handover` line's id (and mutation id): one change of holder is one line, whoever writes it. */
export function passLineId(conversationId: string, functionId: string, fromUserId: string, toUserId: string, since: number | null): Promise<string> {
  return derivedId(`relais.function-handover|${conversationId}|${functionId}|${fromUserId}|${toUserId}|${since ?? ''}`);
}

/**
 * At every change of a function's holder — a handover, an admin's override, or the rota's own turn
 * (the night doctor's slot beginning, a planned override or handover starting) — the function's open
 * urgent conversations (written to it, with an urgent message nobody answered) whose recorded holder
 * (`conversation.function.holderId`) is not the holder now pass to them: added as a member, a
 * `function.handover` line ("Dr X a transmis la garde à Dr Y"), the conversation's holder updated, an
 * Urgency high push and reminders for each open message, audited `urgent.passed`. Answered or gone
 * messages are forgotten on the way. Nobody holding it now (vacant), or a holder who may no longer
 * hold it: nothing passes, the conversations keep their holder. The line's id derives from
 * (conversation, function, from, to, the instant the holding began), and it is written only while the
 * conversation still records `from`: the routes, the scan and a second gateway write it once.
 * Answers how many conversations passed.
 */
export async function passOpenUrgent(options: UrgentHandoverOptions, passed: FunctionPassed): Promise<number> {
  const { redis } = options;
  const noted = await functionUrgentOf(redis, passed.functionId, passed.now);
  if (noted.length === 0) return 0;
  const definition = await getFunction(redis, passed.functionId);
  if (definition === null) return 0;
  const target = passTarget(await readRota(redis, passed.functionId), passed.now);
  if (target === null || !(await mayHold(redis, definition.eligibleRoles, [target.toUserId]))) return 0;
  const { toUserId, since } = target;
  const byConversation = new Map<string, typeof noted>();
  for (const note of noted) byConversation.set(note.conversationId, [...(byConversation.get(note.conversationId) ?? []), note]);
  let count = 0;
  for (const [conversationId, notes] of byConversation) {
    // Most scans find every conversation with its holder: one read each, nothing more.
    const conversation = await getConversation(redis, conversationId);
    if (conversation?.function?.id !== passed.functionId || conversation.function.holderId === toUserId) continue;
    const messages: { messageId: string; seq: number; senderId: string }[] = [];
    for (const note of notes) {
      const message = await messageById(redis, conversationId, note.messageId);
      const waiting = message !== null && !(await answeredByAnyone(redis, conversationId, note.messageId, message.senderId));
      if (waiting) messages.push({ messageId: message.messageId, seq: message.seq, senderId: message.senderId });
      else await dropFunctionUrgent(redis, passed.functionId, note.member);
    }
    if (messages.length === 0) continue;
    const fromUserId = conversation.function.holderId;
    const lineId = await passLineId(conversationId, passed.functionId, fromUserId, toUserId, since);
    const first = messages[0]!;
    const written = await writeOncallLine(redis, {
      conversationId,
      actorId: first.senderId,
      mutationId: lineId,
      lineId,
      system: { type: 'function.handover', functionId: passed.functionId, fromUserId, toUserId },
      addUserId: toUserId,
      holderId: toUserId,
      passFrom: fromUserId,
    });
    if (!written.ok || !written.written) continue;
    if (written.appended) options.publish(written.appended);
    count += 1;
    for (const message of messages) {
      if (message.senderId === toUserId) continue;
      const [sender] = await getSummaries(redis, [message.senderId]);
      await options.alerts.alertUrgent({ userId: toUserId, conversationId, messageId: message.messageId, seq: message.seq, senderName: sender?.displayName ?? '' });
    }
    await options.audit.record({
      action: 'urgent.passed',
      actor: passed.actorId,
      target: passed.functionId,
      conversationId,
      userIds: [fromUserId, toUserId],
    });
  }
  return count;
}

/**
 * The scan's half (run under the ladder's lock, oncall/ladder-scheduler.ts): every function with
 * urgent messages noted is passed to whoever holds it now, so a change of holder that nobody made
 * through a route — the pattern's shift change, an override or handover planned earlier, one that
 * came while every gateway was down — passes at the first scan after it. One function failing
 * does not stop the others. Answers how many conversations passed.
 */
export async function passHolderChanges(options: UrgentHandoverOptions & { log: { warn(details: object, text: string): void } }, now: number): Promise<number> {
  let count = 0;
  for (const definition of await listFunctions(options.redis)) {
    try {
      count += await passOpenUrgent(options, { functionId: definition.id, actorId: null, now });
    } catch (err) {
      options.log.warn({ err: err instanceof Error ? err.message : 'unknown', functionId: definition.id }, 'urgent handover failed');
    }
  }
  return count;
}
