import { CALL_OUTCOMES, type CallHistoryEntry, type CallStatsReply } from '../../shared/calls.ts';
import { newId } from '../../shared/ids.ts';
import type { LiveBus } from '../realtime/live-bus.ts';
import type { RedisClient } from '../redis/redis-connection.ts';
import { fanout } from '../store/feed.ts';
import { conversationKeys } from '../store/keys.ts';
import { parseOutcome, withScripts } from '../store/scripts.ts';
import { durationSeconds, type CallRecord } from './call-machine.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** History kept per user: 90 days, at most this many calls. */
const HISTORY_DAYS = 90;
const HISTORY_MAX = 1000;
export const STATS_DAYS = 30;

const historyKey = (userId: string): string => `{u:${userId}}:calls`;

/** The history entry of an ended call, as `userId` sees it. */
export function historyEntry(record: CallRecord, userId: string): CallHistoryEntry {
  const outgoing = userId === record.callerId;
  return {
    callId: record.callId,
    conversationId: record.conversationId,
    direction: outgoing ? 'outgoing' : 'incoming',
    peerId: outgoing ? record.calleeId : record.callerId,
    peerName: outgoing ? record.calleeName : record.callerName,
    video: record.video,
    startedAt: record.createdAt,
    answeredAt: record.answeredAt,
    endedAt: record.endedAt ?? record.createdAt,
    durationSeconds: durationSeconds(record),
    outcome: record.outcome ?? 'failed',
  };
}

/** Records an ended call in both parties' histories (one sorted set per user, by start time). */
export async function recordCall(redis: RedisClient, record: CallRecord): Promise<void> {
  const cutoff = record.createdAt - HISTORY_DAYS * DAY_MS;
  await Promise.all(
    [record.callerId, record.calleeId].map(async (userId) => {
      const key = historyKey(userId);
      await redis
        .multi()
        .zadd(key, record.createdAt, JSON.stringify(historyEntry(record, userId)))
        .zremrangebyscore(key, '-inf', cutoff)
        .zremrangebyrank(key, 0, -(HISTORY_MAX + 1))
        .exec();
    }),
  );
}

/** The user's calls, newest first. */
export async function listCalls(redis: RedisClient, userId: string, limit: number): Promise<CallHistoryEntry[]> {
  const rows = await redis.zrevrange(historyKey(userId), 0, limit - 1);
  return rows.map((row) => JSON.parse(row) as CallHistoryEntry);
}

/** Totals by outcome and total/average duration (over completed calls) for the last 30 days. */
export async function callStats(redis: RedisClient, userId: string, now: number): Promise<CallStatsReply> {
  const since = now - STATS_DAYS * DAY_MS;
  const rows = await redis.zrangebyscore(historyKey(userId), since, '+inf');
  const byOutcome = Object.fromEntries(CALL_OUTCOMES.map((o) => [o, 0])) as CallStatsReply['byOutcome'];
  let totalDurationSeconds = 0;
  for (const row of rows) {
    const entry = JSON.parse(row) as CallHistoryEntry;
    byOutcome[entry.outcome] += 1;
    totalDurationSeconds += entry.durationSeconds;
  }
  const completed = byOutcome.completed;
  return {
    days: STATS_DAYS,
    since,
    total: rows.length,
    byOutcome,
    totalDurationSeconds,
    averageDurationSeconds: completed === 0 ? 0 : Math.round(totalDurationSeconds / completed),
  };
}

/**
 * Leaves a `system` message "missed call" in the conversation, written as the caller's, once per
 * call (deduplicated on the call id like a replayed mutation), fanned out and published live.
 */
export async function appendMissedCallMessage(redis: RedisClient, live: LiveBus, record: CallRecord): Promise<void> {
  const head =
    `{"conversationId":${JSON.stringify(record.conversationId)},"messageId":${JSON.stringify(newId())},` +
    `"senderId":${JSON.stringify(record.callerId)},"body":"","urgent":false,"kind":"system",` +
    `"system":{"type":"call.missed","callId":${JSON.stringify(record.callId)}}`;
  const raw = await withScripts(redis).relaisAppendMessage(
    ...conversationKeys(record.conversationId),
    record.callerId,
    `call-missed:${record.callId}`,
    head,
  );
  const outcome = parseOutcome(raw);
  if (outcome.status === 'err') return;
  await fanout(redis, record.conversationId, outcome.ver, outcome.memberIds);
  if (outcome.status === 'ok') {
    live.publishChange({ conversationId: record.conversationId, change: outcome.change, memberIds: outcome.memberIds });
  }
}
