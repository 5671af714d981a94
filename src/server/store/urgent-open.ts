import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import type { OpenUrgent } from '../../shared/http.ts';
import { answerFrom, answerLineIds } from '../../shared/urgent-ack.ts';
import { getConversation, isMember, messageById } from './conversations.ts';
import { KEYS } from './keys.ts';

/**
 * The urgent messages a user sent that still wait for an answer (`GET /api/urgent/open`): noted when
 * sent, dropped once every recipient answered, the conversation is gone or left, or after
 * `OPEN_URGENT_DAYS`. What a recipient answered is read from the conversation's message-id index
 * (their `urgent.ack` lines' derived ids, shared/urgent-ack.ts), as the reminders read it.
 */

/** An urgent message still unanswered after this long is no longer listed (the reminders stopped long before). */
export const OPEN_URGENT_DAYS = 7;
/** Most listed at once (the newest). */
const LISTED_MAX = 50;

/** Notes an urgent message the user just sent (idempotent). */
export async function noteUrgentSent(redis: Redis, senderId: string, conversationId: string, messageId: string, sentAt: number): Promise<void> {
  await redis.zadd(KEYS.userUrgentOpen(senderId), sentAt, `${conversationId} ${messageId}`);
}

/** The user's urgent messages some recipient has not answered yet, newest first (ids, names and states only: never the text). */
export async function openUrgentOf(redis: Redis, userId: string, now: number): Promise<OpenUrgent[]> {
  const key = KEYS.userUrgentOpen(userId);
  await redis.zremrangebyscore(key, '-inf', now - OPEN_URGENT_DAYS * 86_400_000);
  const entries = await redis.zrevrange(key, 0, LISTED_MAX - 1);
  const open: OpenUrgent[] = [];
  for (const entry of entries) {
    const [conversationId = '', messageId = ''] = entry.split(' ');
    const found = await stillOpen(redis, userId, conversationId, messageId);
    if (found === null) await redis.zrem(key, entry);
    else open.push(found);
  }
  return open;
}

/** The message's state, or null when it needs listing no more (answered by all, gone, or the sender left). */
async function stillOpen(redis: Redis, userId: string, conversationId: string, messageId: string): Promise<OpenUrgent | null> {
  if (!(await isMember(redis, userId, conversationId))) return null;
  const [conversation, message] = await Promise.all([getConversation(redis, conversationId), messageById(redis, conversationId, messageId)]);
  // Withdrawn by its sender (`message.redact`): nothing left to answer.
  if (conversation === null || message === null || message.redacted === true) return null;
  const recipients = conversation.participants.filter((p) => p.id !== userId);
  // Every recipient's two answer ids, read from the message-id index in one request.
  const ids = await Promise.all(recipients.map((r) => answerLineIds(conversationId, messageId, r.id)));
  const indexed = ids.length === 0 ? [] : await redis.hmget(KEYS.convMessageIds(conversationId), ...ids.flat());
  const waiting: string[] = [];
  const answered: OpenUrgent['answered'] = [];
  recipients.forEach((recipient, i) => {
    const state = answerFrom(recipient.id, indexed.slice(2 * i, 2 * i + 2));
    if (state === 'pending') waiting.push(recipient.id);
    else answered.push({ userId: recipient.id, displayName: recipient.displayName, claim: state === 'claimed' });
  });
  if (waiting.length === 0) return null;
  return {
    conversationId,
    messageId,
    seq: message.seq,
    sentAt: message.serverTime,
    title: conversation.title,
    waiting: recipients.filter((r) => waiting.includes(r.id)).map((r) => ({ userId: r.id, displayName: r.displayName })),
    answered,
  };
}
