import type { CallRecord } from '../../../../src/server/calls/call-machine.ts';
import type { CallStore } from '../../../../src/server/calls/call-store.ts';

/**
 * The call store in memory, with the same compare-and-set semantics as the Redis one (TTLs are
 * ignored: unit tests end every call explicitly or by its deadline).
 */
export function memoryCallStore(): CallStore & { lines: Map<string, string> } {
  const calls = new Map<string, CallRecord>();
  const lines = new Map<string, string>();
  const due = new Map<string, number>();
  return {
    lines,
    async get(callId) {
      const record = calls.get(callId);
      return record ? { ...record } : null;
    },
    async put(record) {
      if ((calls.get(record.callId)?.version ?? 0) !== record.version) return null;
      const next = { ...record, version: record.version + 1 };
      calls.set(record.callId, next);
      return { ...next };
    },
    async claimLine(userId, callId) {
      const holder = lines.get(userId);
      if (holder === undefined) {
        lines.set(userId, callId);
        return null;
      }
      return holder;
    },
    async swapLine(userId, from, to) {
      if (lines.get(userId) !== from) return false;
      lines.set(userId, to);
      return true;
    },
    async releaseLine(userId, callId) {
      if (lines.get(userId) === callId) lines.delete(userId);
    },
    async refreshLine() {},
    async lineOf(userId) {
      return lines.get(userId) ?? null;
    },
    async schedule(callId, dueAt) {
      if (dueAt === null) due.delete(callId);
      else due.set(callId, dueAt);
    },
    async due(now, limit) {
      return [...due.entries()]
        .filter(([, at]) => at <= now)
        .sort((x, y) => x[1] - y[1])
        .slice(0, limit)
        .map(([id]) => id);
    },
  };
}
