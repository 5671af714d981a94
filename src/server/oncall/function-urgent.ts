import { answerFrom, answerLineIds, redactionLineId } from '../../shared/urgent-ack.ts';
import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import { KEYS } from '../store/keys.ts';

/**
 * The urgent messages written to a function that nobody answered yet: noted when sent
 * (`{f:<id>}:urgent`), read at a handover (oncall/urgent-handover.ts), dropped once answered, gone,
 * or older than `FUNCTION_URGENT_OPEN_MS`. "Answered" is any recipient's acknowledgement or claim,
 * read from the conversation's message-id index as the reminders read it (shared/urgent-ack.ts).
 */

/** An urgent message of a function older than this no longer passes to a new holder. */
export const FUNCTION_URGENT_OPEN_MS = 24 * 3_600_000;

/** Notes an urgent message written to a function (idempotent). */
export async function noteFunctionUrgent(redis: Redis, functionId: string, conversationId: string, messageId: string, sentAt: number): Promise<void> {
  await redis.zadd(KEYS.functionUrgent(functionId), sentAt, `${conversationId} ${messageId}`);
}

/** The function's urgent messages noted since `now - FUNCTION_URGENT_OPEN_MS` (older ones are dropped). */
export async function functionUrgentOf(redis: Redis, functionId: string, now: number): Promise<{ conversationId: string; messageId: string; member: string }[]> {
  const key = KEYS.functionUrgent(functionId);
  await redis.zremrangebyscore(key, '-inf', now - FUNCTION_URGENT_OPEN_MS);
  const members = await redis.zrange(key, '0', '-1');
  return members.map((member) => {
    const [conversationId = '', messageId = ''] = member.split(' ');
    return { conversationId, messageId, member };
  });
}

/** Forgets one noted message (answered, or gone). */
export async function dropFunctionUrgent(redis: Redis, functionId: string, member: string): Promise<void> {
  await redis.zrem(KEYS.functionUrgent(functionId), member);
}

/**
 * True when someone other than the sender acknowledged or claimed the message (any current member's
 * answer line), or the sender withdrew it (`message.redact`: nothing left to escalate). One round
 * trip for all of them.
 */
export async function answeredByAnyone(redis: Redis, conversationId: string, messageId: string, senderId: string): Promise<boolean> {
  const recipients = (await redis.smembers(KEYS.convMembers(conversationId))).filter((id) => id !== senderId);
  const ids = await Promise.all(recipients.map((id) => answerLineIds(conversationId, messageId, id)));
  const indexed = await redis.hmget(KEYS.convMessageIds(conversationId), await redactionLineId(conversationId, messageId), ...ids.flat());
  if (indexed[0] !== null) return true;
  return recipients.some((id, i) => answerFrom(id, indexed.slice(1 + 2 * i, 3 + 2 * i)) !== 'pending');
}
