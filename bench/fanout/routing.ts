import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBenchRedis } from '../lib/redis-server.ts';
import { runLoad, startServers, type LiveCounts } from './run-fanout.ts';
import { buildWorkload, GROUP_SIZES, type LoadSpec, type Workload } from './workload.ts';

/*
 * The routed fan-out as gateways are added: the same load on 1, 2 and 4 Relais gateways (user i on
 * gateway i mod n, as the fan-out bench places them), each gateway's pub/sub messages received ÷
 * those with a recipient connected to it (budget ≤ 1.1), and deliveries per gateway CPU-second.
 * Beside the measure, what the two other designs would have cost on the same workload, computed
 * from it: every gateway on every partition channel (before), and one channel per user.
 */

export const ROUTING_BUDGET = 1.1;

export interface RoutingRow {
  gateways: number;
  /** Per gateway, as it counted them (null: its count was not read). */
  counts: (LiveCounts | null)[];
  /** The worst gateway's received ÷ routed. */
  ratio: number;
  /** Messages the load generator sent (warm-up included: the gateways count from their start). */
  sent: number;
  delivered: number;
  deliveriesPerCpuSecond: number;
  p50: number;
  p99: number;
  /** The same ratio, computed from the workload, for the designs not taken. */
  broadcastRatio: number;
  perUserRatio: number;
}

/**
 * Expected received ÷ routed per gateway, for a message sent as the load generator picks them
 * (workload.ts messagePicker: a group size at random, then a conversation of it), when every
 * gateway gets every event (partitions) and when each gets one copy per local member (user channels).
 */
export function designRatios(workload: Workload, gateways: number): { broadcast: number; perUser: number } {
  let routed = 0;
  let perUserReceived = 0;
  for (const size of GROUP_SIZES) {
    const group = workload.conversations.filter((c) => c.members.length === size);
    for (const conversation of group) {
      const weight = 1 / GROUP_SIZES.length / group.length;
      const local = Array.from({ length: gateways }, () => 0);
      for (const member of conversation.members) local[member % gateways]! += 1;
      routed += weight * local.filter((n) => n > 0).length;
      perUserReceived += weight * local.reduce((sum, n) => sum + n, 0);
    }
  }
  // Per event: `gateways` copies received (broadcast), or one per member; `routed` gateways had a recipient.
  return { broadcast: gateways / routed, perUser: perUserReceived / routed };
}

export async function runRouting(options: {
  users: number;
  rate: number;
  gateways: readonly number[];
  warmupSec: number;
  durationSec: number;
  drainSec: number;
  seed: number;
  log: (line: string) => void;
}): Promise<RoutingRow[]> {
  const workload = buildWorkload(options.users, options.seed);
  const dir = mkdtempSync(join(tmpdir(), 'relais-routing-'));
  const rows: RoutingRow[] = [];
  try {
    for (const gateways of options.gateways) {
      const redis = await startBenchRedis('everysec');
      try {
        const running = await startServers('relais-everysec', gateways, redis, workload, dir);
        let load: Awaited<ReturnType<typeof runLoad>>;
        try {
          const spec: LoadSpec = {
            adapter: 'relais',
            urls: running.urls,
            workload,
            tokens: running.tokens,
            rate: options.rate,
            warmupSec: options.warmupSec,
            durationSec: options.durationSec,
            drainSec: options.drainSec,
            seed: options.seed + options.rate,
          };
          load = await runLoad(spec, dir, running.pids, redis.pid);
        } finally {
          await running.stop();
        }
        const counts = running.liveCounts;
        const ratios = counts.map((c) => (c && c.routed > 0 ? c.received / c.routed : Number.NaN));
        const designs = designRatios(workload, gateways);
        const row: RoutingRow = {
          gateways,
          counts,
          ratio: Math.max(...ratios),
          sent: load.result.sent,
          delivered: load.result.delivered,
          deliveriesPerCpuSecond: load.serverCpu > 0 ? load.result.delivered / load.serverCpu : 0,
          p50: load.result.latency.p50,
          p99: load.result.latency.p99,
          broadcastRatio: designs.broadcast,
          perUserRatio: designs.perUser,
        };
        rows.push(row);
        options.log(
          `  routing ×${gateways}: received ÷ with a local recipient ${ratios.map((r) => r.toFixed(3)).join(', ')}; ` +
            `${Math.round(row.deliveriesPerCpuSecond)} deliveries/CPU-s, p99 ${row.p99} ms`,
        );
      } finally {
        await redis.stop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/** The Markdown table `npm run bench` prints. */
export function renderRouting(rows: RoutingRow[], context: { users: number; rate: number }): string {
  const lines = [
    `### Routed fan-out (${context.users} users in rooms of ${GROUP_SIZES.join('/')}, ${context.rate} msg/s, user i on gateway i mod n)`,
    '',
    '| gateways | received ÷ with a local recipient (worst gateway) | budget | live events received per gateway | deliveries / gateway CPU-s | p50 / p99 ms | before: every partition | per-user channels |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const row of rows) {
    const received = row.counts.map((c) => (c ? String(c.received) : '?')).join(' / ');
    lines.push(
      `| ${row.gateways} | ${Number.isFinite(row.ratio) ? row.ratio.toFixed(3) : 'n/a'} | ≤ ${ROUTING_BUDGET} ${row.ratio <= ROUTING_BUDGET ? 'met' : 'NOT met'} | ${received} | ` +
        `${Math.round(row.deliveriesPerCpuSecond)} | ${row.p50} / ${row.p99} | ${row.broadcastRatio.toFixed(2)} | ${row.perUserRatio.toFixed(2)} |`,
    );
  }
  lines.push(
    '',
    'The last two columns are computed from the workload, not measured: the same ratio had every gateway kept every partition channel, or had each event gone once per member on user channels.',
  );
  return lines.join('\n');
}
