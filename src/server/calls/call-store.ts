import type { RedisClient } from '../redis/redis-connection.ts';
import { defineScript } from '../store/lua/define-script.ts';
import type { CallRecord } from './call-machine.ts';

/**
 * Where calls live. A call record is written only by compare-and-set on its version; a user's
 * "line" names the one call they are in (ringing or active), which is how `busy` is decided.
 * Every operation touches one key or one hash-tagged slot, so it runs on Redis Cluster as is.
 */
export interface CallStore {
  get(callId: string): Promise<CallRecord | null>;
  /** Writes `record` if the stored version is `record.version` (0: absent); stores version + 1. */
  put(record: CallRecord, ttlMs: number): Promise<CallRecord | null>;
  /** Takes the user's line for `callId` if free; answers the call holding it otherwise (null: taken now). */
  claimLine(userId: string, callId: string, ttlMs: number): Promise<string | null>;
  /** Moves the line from call `from` to call `to` if it is still held by `from`. */
  swapLine(userId: string, from: string, to: string, ttlMs: number): Promise<boolean>;
  /** Frees the line if (and only if) `callId` holds it. */
  releaseLine(userId: string, callId: string): Promise<void>;
  /** Extends the line's lifetime if `callId` holds it. */
  refreshLine(userId: string, callId: string, ttlMs: number): Promise<void>;
  /** The call holding the user's line, or null. */
  lineOf(userId: string): Promise<string | null>;
  /** When the sweeper should look at the call (null: never again). */
  schedule(callId: string, dueAt: number | null): Promise<void>;
  /** Calls due at `now`, oldest first. */
  due(now: number, limit: number): Promise<string[]>;
}

const callKey = (callId: string): string => `{call:${callId}}`;
const lineKey = (userId: string): string => `{u:${userId}}:call`;
const DUE_KEY = 'relais:calls:due';

/** Writes the record if its stored version is the expected one (compare-and-set). */
const PUT = defineScript({
  keys: ['call'],
  argv: ['expected', 'record', 'ttlMs'],
  body: `
local cur = redis.call('HGET', call, 'v')
if (cur or '0') ~= expected then return 0 end
redis.call('HSET', call, 'v', tostring(tonumber(expected) + 1), 'rec', record)
redis.call('PEXPIRE', call, ttlMs)
return 1
`,
});

/** Moves a line from one call to another if the first still holds it. */
const SWAP = defineScript({
  keys: ['line'],
  argv: ['from', 'to', 'ttlMs'],
  body: `
if redis.call('GET', line) ~= from then return 0 end
redis.call('SET', line, to, 'PX', ttlMs)
return 1
`,
});

/** Frees a line if this call holds it. */
const RELEASE = defineScript({
  keys: ['line'],
  argv: ['callId'],
  body: `
if redis.call('GET', line) == callId then redis.call('DEL', line) end
return 1
`,
});

/** Extends a line's lifetime if this call holds it. */
const REFRESH = defineScript({
  keys: ['line'],
  argv: ['callId', 'ttlMs'],
  body: `
if redis.call('GET', line) == callId then redis.call('PEXPIRE', line, ttlMs) end
return 1
`,
});

interface CallScripts {
  relaisCallPut(key: string, expected: string, json: string, ttl: number): Promise<number>;
  relaisCallSwap(key: string, from: string, to: string, ttl: number): Promise<number>;
  relaisCallRelease(key: string, callId: string): Promise<number>;
  relaisCallRefresh(key: string, callId: string, ttl: number): Promise<number>;
}

function withCallScripts(redis: RedisClient): RedisClient & CallScripts {
  const typed = redis as RedisClient & Partial<CallScripts>;
  if (typeof typed.relaisCallPut !== 'function') {
    redis.defineCommand('relaisCallPut', { numberOfKeys: 1, lua: PUT });
    redis.defineCommand('relaisCallSwap', { numberOfKeys: 1, lua: SWAP });
    redis.defineCommand('relaisCallRelease', { numberOfKeys: 1, lua: RELEASE });
    redis.defineCommand('relaisCallRefresh', { numberOfKeys: 1, lua: REFRESH });
  }
  return redis as RedisClient & CallScripts;
}

/** The Redis implementation of the call store. */
export function redisCallStore(client: RedisClient): CallStore {
  const redis = withCallScripts(client);
  return {
    async get(callId) {
      const json = await redis.hget(callKey(callId), 'rec');
      return json === null ? null : (JSON.parse(json) as CallRecord);
    },
    async put(record, ttlMs) {
      const next = { ...record, version: record.version + 1 };
      const ok = await redis.relaisCallPut(callKey(record.callId), String(record.version), JSON.stringify(next), ttlMs);
      return ok === 1 ? next : null;
    },
    async claimLine(userId, callId, ttlMs) {
      const set = await redis.set(lineKey(userId), callId, 'PX', ttlMs, 'NX');
      if (set === 'OK') return null;
      return (await redis.get(lineKey(userId))) ?? '';
    },
    async swapLine(userId, from, to, ttlMs) {
      return (await redis.relaisCallSwap(lineKey(userId), from, to, ttlMs)) === 1;
    },
    async releaseLine(userId, callId) {
      await redis.relaisCallRelease(lineKey(userId), callId);
    },
    async refreshLine(userId, callId, ttlMs) {
      await redis.relaisCallRefresh(lineKey(userId), callId, ttlMs);
    },
    async lineOf(userId) {
      return redis.get(lineKey(userId));
    },
    async schedule(callId, dueAt) {
      if (dueAt === null) await redis.zrem(DUE_KEY, callId);
      else await redis.zadd(DUE_KEY, dueAt, callId);
    },
    async due(now, limit) {
      return redis.zrangebyscore(DUE_KEY, '-inf', now, 'LIMIT', 0, limit);
    },
  };
}
