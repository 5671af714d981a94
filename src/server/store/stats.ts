import { crossSlotPipeline, type RedisClient as Redis } from '../redis-connection.ts';
import type { StatsReply } from '../../shared/http.ts';
import type { Change, Message } from '../../shared/model.ts';
import { execOrThrow } from './feed.ts';
import { KEYS } from './keys.ts';

const DAY_MS = 86_400_000;
export const STATS_DAYS = 30;

/** The median of a list of numbers (null when empty). */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Response delays of `userId` in one conversation's messages (oldest first): from the first message
 * of others after my last message to my next message, in ms.
 */
export function responseDelays(messages: readonly Message[], userId: string): number[] {
  const delays: number[] = [];
  let waitingSince: number | null = null;
  for (const message of messages) {
    if (message.kind === 'system') continue;
    if (message.senderId === userId) {
      if (waitingSince !== null) delays.push(message.serverTime - waitingSince);
      waitingSince = null;
    } else if (waitingSince === null) {
      waitingSince = message.serverTime;
    }
  }
  return delays;
}

/**
 * The user's messaging statistics over the last 30 days, computed from the conversation logs (the
 * source of truth): sent, received, unread now, active and archived conversations, median response time.
 */
export async function userStats(redis: Redis, userId: string, now: number = Date.now()): Promise<StatsReply> {
  const since = now - STATS_DAYS * DAY_MS;
  const ids = await redis.smembers(KEYS.userConvs(userId));
  const read = crossSlotPipeline(redis);
  for (const id of ids) {
    read.xrange(KEYS.convLog(id), '-', '+');
    read.hget(KEYS.convReads(id), userId);
    read.hmget(KEYS.convUserState(id), `${userId}:a`, `${userId}:h`);
  }
  const replies = ids.length === 0 ? [] : await execOrThrow(read.exec());
  let sent = 0;
  let received = 0;
  let unread = 0;
  let active = 0;
  let archived = 0;
  const delays: number[] = [];
  ids.forEach((_, i) => {
    const log = replies[i * 3] as [string, string[]][];
    const readSeq = Number(replies[i * 3 + 1] ?? 0);
    const [archivedAt, hidden] = replies[i * 3 + 2] as (string | null)[];
    const hiddenUpTo = Number(hidden ?? 0);
    const messages: Message[] = [];
    for (const [, fields] of log) {
      const change = JSON.parse(fields[1] ?? 'null') as Change | null;
      if (change?.type === 'message' && change.message.seq > hiddenUpTo) messages.push(change.message);
    }
    const top = messages.at(-1)?.seq ?? 0;
    if (hiddenUpTo > 0 && top <= hiddenUpTo) return; // deleted for me, nothing since
    if (archivedAt !== null && top <= Number(archivedAt)) archived += 1;
    else active += 1;
    for (const message of messages) {
      if (message.kind === 'system') continue;
      if (message.senderId !== userId && message.seq > readSeq) unread += 1;
      if (message.serverTime < since) continue;
      if (message.senderId === userId) sent += 1;
      else received += 1;
    }
    delays.push(...responseDelays(messages.filter((m) => m.serverTime >= since), userId));
  });
  const med = median(delays);
  return {
    days: STATS_DAYS,
    sent,
    received,
    unread,
    activeConversations: active,
    archivedConversations: archived,
    medianResponseSeconds: med === null ? null : Math.round(med / 1000),
  };
}
