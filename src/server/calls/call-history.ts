import { CALL_OUTCOMES, type CallHistoryEntry, type CallStatsReply } from '../../shared/calls.ts';
import { newId } from '../../shared/ids.ts';
import type { SystemEvent } from '../../shared/model.ts';
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
    ...(record.functionName !== undefined ? { functionName: record.functionName } : {}),
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
 * The line an ended call leaves in its conversation's timeline, or null for a call that never left
 * the caller: the caller's own line was busy (another call of theirs), or the younger of two calls
 * crossing each other (glare), which the older one replaces. Missed, unanswered (no callee device
 * online), cancelled while ringing and refused because the callee was busy: `call.missed`, as
 * before (the callee sees it unread, and gets a push). Answered, declined, cut off: `call.ended`.
 */
export function callLine(record: CallRecord): SystemEvent | null {
  switch (record.outcome) {
    case 'completed':
    case 'declined':
    case 'failed':
      return {
        type: 'call.ended',
        callId: record.callId,
        callerId: record.callerId,
        calleeId: record.calleeId,
        outcome: record.outcome,
        video: record.video,
        durationSeconds: durationSeconds(record),
      };
    case 'busy':
      return record.reason === 'caller_busy' ? null : { type: 'call.missed', callId: record.callId };
    case 'cancelled':
      return record.reason === 'glare' ? null : { type: 'call.missed', callId: record.callId };
    case 'missed':
    case 'unavailable':
      return { type: 'call.missed', callId: record.callId };
    case null:
      return null;
  }
}

/**
 * Leaves the call's `system` line in the conversation (callLine), written as the caller's, once per
 * call: deduplicated on the call id like a replayed mutation (`call-missed:<callId>`, the key missed
 * calls always had, or `call-ended:<callId>`), so an end processed twice, by one gateway or two,
 * appends one line. Fanned out and published live like any message.
 */
export async function appendCallLine(redis: RedisClient, live: LiveBus, record: CallRecord): Promise<void> {
  const event = callLine(record);
  if (event === null) return;
  const head =
    `{"conversationId":${JSON.stringify(record.conversationId)},"messageId":${JSON.stringify(newId())},` +
    `"senderId":${JSON.stringify(record.callerId)},"body":"","urgent":false,"kind":"system",` +
    `"system":${JSON.stringify(event)}`;
  const raw = await withScripts(redis).relaisAppendMessage(
    ...conversationKeys(record.conversationId),
    record.callerId,
    `${event.type === 'call.missed' ? 'call-missed' : 'call-ended'}:${record.callId}`,
    head,
  );
  const outcome = parseOutcome(raw);
  if (outcome.status === 'err') return;
  await fanout(redis, record.conversationId, outcome.ver, outcome.memberIds);
  if (outcome.status === 'ok') {
    live.publishChange({ conversationId: record.conversationId, change: outcome.change, memberIds: outcome.memberIds });
  }
}
