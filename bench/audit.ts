import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { AuditLog } from '../src/server/audit/audit-log.ts';
import { verifyAudit } from '../src/server/audit/audit-verify.ts';
import { appendMessage, createConversation } from '../src/server/store/conversations.ts';
import { createUser } from '../src/server/store/users.ts';
import { newId } from '../src/shared/ids.ts';
import { startBenchRedis } from './lib/redis-server.ts';

/** One configuration: `gateways` audit writers (one Redis connection each), `concurrency` requests at once on each. */
export interface AuditRow {
  gateways: number;
  concurrency: number;
  entries: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export interface AuditResult {
  rows: AuditRow[];
  /** The message path's own store append on the same Redis, one at a time: what an audited request adds one audit append to. */
  messageAppendP50Ms: number;
  /** The chain verified after all the runs (entries checked), or the first broken link. */
  verified: string;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

/**
 * The audit trail's cost, on a managed redis-server with `appendfsync always` (as the fan-out bench
 * runs Relais): entries per second and the latency of one `record()` as a request awaits it, with one
 * and two gateways appending to the one chain, one request at a time and 50 at once per gateway.
 * The messages themselves write no audit entry (only opening a conversation, downloads, membership
 * and account events do), so the message path pays nothing; beside it, the store append of a
 * message, for scale.
 */
export async function runAudit(options: { entries: number }): Promise<AuditResult> {
  const server = await startBenchRedis('always');
  const connections: Redis[] = [];
  try {
    const rows: AuditRow[] = [];
    for (const gateways of [1, 2]) {
      for (const concurrency of [1, 50]) {
        const logs = Array.from({ length: gateways }, () => {
          const redis = new Redis(server.url);
          connections.push(redis);
          return new AuditLog(redis);
        });
        const perWorker = Math.max(1, Math.floor(options.entries / (gateways * concurrency)));
        const latencies: number[] = [];
        const t0 = performance.now();
        await Promise.all(
          logs.flatMap((log, g) =>
            Array.from({ length: concurrency }, async (_, w) => {
              for (let i = 0; i < perWorker; i++) {
                const start = performance.now();
                await log.record({ action: 'conversation.opened', actor: newId(), conversationId: newId(), target: `${g}-${w}-${i}` });
                latencies.push(performance.now() - start);
              }
            }),
          ),
        );
        const seconds = (performance.now() - t0) / 1000;
        latencies.sort((a, b) => a - b);
        rows.push({ gateways, concurrency, entries: latencies.length, perSecond: latencies.length / seconds, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99) });
      }
    }
    const redis = new Redis(server.url);
    connections.push(redis);
    const verification = await verifyAudit(redis);
    const anne = await createUser(redis, { username: 'anne', displayName: 'Anne', role: 'doctor', passwordHash: 'x' });
    const karim = await createUser(redis, { username: 'karim', displayName: 'Karim', role: 'doctor', passwordHash: 'x' });
    if (!anne.ok || !karim.ok) throw new Error('bench users not created');
    const conversationId = newId();
    await createConversation(redis, anne.user.id, newId(), { conversationId, participantIds: [karim.user.id], title: 'Audit' });
    const appends: number[] = [];
    for (let i = 0; i < Math.min(options.entries, 2_000); i++) {
      const messageId = newId();
      const start = performance.now();
      await appendMessage(redis, anne.user.id, messageId, { conversationId, messageId, body: `message ${i}` });
      appends.push(performance.now() - start);
    }
    appends.sort((a, b) => a - b);
    return {
      rows,
      messageAppendP50Ms: percentile(appends, 0.5),
      verified: verification.broken ? `broken at ${verification.broken.id} (${verification.broken.reason})` : `${verification.checked} entries, chain intact`,
    };
  } finally {
    for (const connection of connections) connection.disconnect();
    await server.stop();
  }
}

// `node --import tsx bench/audit.ts [entries]`: this part alone.
if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
  const result = await runAudit({ entries: Number(process.argv[2] ?? 20_000) });
  for (const r of result.rows) {
    console.info(`${r.gateways} gateway(s) × ${r.concurrency} at once: ${r.entries} entries, ${Math.round(r.perSecond)}/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms`);
  }
  console.info(`message store append p50 ${result.messageAppendP50Ms.toFixed(2)} ms; ${result.verified}`);
}
