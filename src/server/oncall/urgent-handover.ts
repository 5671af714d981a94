import { derivedId } from '../../shared/urgent-ack.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import { getConversation, messageById, type Appended } from '../store/conversations.ts';
import { getSummaries } from '../store/users.ts';
import { answeredByAnyone, dropFunctionUrgent, functionUrgentOf } from './function-urgent.ts';
import { writeOncallLine } from './ladder-lines.ts';
import type { UrgentAlerts } from './ladder-steps.ts';

export interface UrgentHandoverOptions {
  redis: Redis;
  audit: AuditLog;
  publish: (appended: Appended) => void;
  alerts: UrgentAlerts;
}

/** What changed hands: the function, to whom, and the handover's (or override's) id, which the lines' ids derive from. */
export interface FunctionPassed {
  functionId: string;
  toUserId: string;
  passId: string;
  /** Who did it (the holder, an admin), for the audit. */
  actorId: string;
  now: number;
}

/** Passes a function's open urgent conversations to its new holder (handover routes, overrides). */
export type PassUrgent = (passed: FunctionPassed) => Promise<number>;

/**
 * At a handover (or an admin's override that changes who holds a function now), the function's
 * open urgent conversations — written to it, with an urgent message nobody answered — pass to the
 * new holder: added as a member, a `function.handover` line ("Dr X a transmis la garde à Dr Y"), the
 * conversation's `function.holderId` updated, an Urgency high push and reminders for each open
 * message, audited `urgent.passed`. Answered or gone messages are forgotten on the way. The line's id
 * derives from (pass, conversation): passing again writes nothing twice. Answers how many
 * conversations passed.
 */
export async function passOpenUrgent(options: UrgentHandoverOptions, passed: FunctionPassed): Promise<number> {
  const { redis } = options;
  const open = new Map<string, { messageId: string; seq: number; senderId: string }[]>();
  for (const noted of await functionUrgentOf(redis, passed.functionId, passed.now)) {
    const message = await messageById(redis, noted.conversationId, noted.messageId);
    const waiting = message !== null && !(await answeredByAnyone(redis, noted.conversationId, noted.messageId, message.senderId));
    if (!waiting) {
      await dropFunctionUrgent(redis, passed.functionId, noted.member);
      continue;
    }
    const list = open.get(noted.conversationId) ?? [];
    list.push({ messageId: message.messageId, seq: message.seq, senderId: message.senderId });
    open.set(noted.conversationId, list);
  }
  let count = 0;
  for (const [conversationId, messages] of open) {
    const conversation = await getConversation(redis, conversationId);
    if (conversation?.function?.id !== passed.functionId || conversation.function.holderId === passed.toUserId) continue;
    const lineId = await derivedId(`relais.function-handover|${passed.passId}|${conversationId}`);
    const first = messages[0]!;
    const written = await writeOncallLine(redis, {
      conversationId,
      actorId: first.senderId,
      mutationId: lineId,
      lineId,
      system: { type: 'function.handover', functionId: passed.functionId, fromUserId: conversation.function.holderId, toUserId: passed.toUserId },
      addUserId: passed.toUserId,
      holderId: passed.toUserId,
    });
    if (!written.ok || !written.written) continue;
    if (written.appended) options.publish(written.appended);
    count += 1;
    for (const message of messages) {
      if (message.senderId === passed.toUserId) continue;
      const [sender] = await getSummaries(redis, [message.senderId]);
      await options.alerts.alertUrgent({ userId: passed.toUserId, conversationId, messageId: message.messageId, seq: message.seq, senderName: sender?.displayName ?? '' });
    }
    await options.audit.record({
      action: 'urgent.passed',
      actor: passed.actorId,
      target: passed.functionId,
      conversationId,
      userIds: [conversation.function.holderId, passed.toUserId],
    });
  }
  return count;
}
