import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { runAudit, type AuditResult } from './audit.ts';
import { runCeiling, type CeilingRow } from './ceiling.ts';
import { runClient, type ClientResult } from './client/run-client.ts';
import { runFanout } from './fanout/run-fanout.ts';
import { renderRouting, runRouting, type RoutingRow } from './fanout/routing.ts';
import { runWriteFloor, type WriteFloorRow } from './fanout/write-floor.ts';
import { ROOT } from './lib/spawn.ts';
import { budgetLines, renderBudgets, renderChart, renderReport } from './report.ts';
import { runSync, type SyncResult } from './sync.ts';
import { runStorm, type StormResult } from './storm/run-storm.ts';

/*
 * `npm run bench` (BENCH_QUICK=1 for a short run): gateway fan-out against the Socket.IO relay,
 * the redis-benchmark ceiling, the audit trail, sync, the reconnect storm, and the client in Chromium. Prints a Markdown report and
 * writes bench/results/<time>.json and bench/results/latency.svg.
 */

const quick = process.env.BENCH_QUICK === '1';
const settings = quick
  ? { users: 300, rates: { 1: [200, 500], 2: [500] }, warmupSec: 0.5, durationSec: 2, drainSec: 1, reps: 1, audit: 2_000, requests: 5_000, pull: 2_000, flush: 200, ingest: 2_000, storeIngest: 2_000, search: 5_000 }
  : { users: 1_000, rates: { 1: [250, 500, 1_000, 2_000], 2: [250, 1_000] }, warmupSec: 1, durationSec: 3, drainSec: 1.5, reps: 2, audit: 20_000, requests: 20_000, pull: 10_000, flush: 1_000, ingest: 10_000, storeIngest: 10_000, search: 50_000 };

async function section<T>(name: string, work: () => Promise<T>): Promise<T | null> {
  const t0 = Date.now();
  console.info(`bench: ${name}…`);
  try {
    const result = await work();
    console.info(`bench: ${name} done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    return result;
  } catch (err) {
    console.error(`bench: ${name} failed:`, err instanceof Error ? err.message : err);
    return null;
  }
}

async function main(): Promise<void> {
  const started = new Date();
  const loadAverage = loadavg();
  const fanout =
    (await section('gateway fan-out (Relais always/everysec vs Socket.IO, A/B/A/B)', () =>
      runFanout({ ...settings, seed: 20_261_126, log: (line) => console.info(line) }),
    )) ?? [];
  const routingLoad = { users: settings.users, rate: settings.rates[2][0] ?? 500 };
  const routing: RoutingRow[] =
    (await section('routed fan-out (1, 2, 4 gateways)', () =>
      runRouting({ ...routingLoad, gateways: [1, 2, 4], warmupSec: settings.warmupSec, durationSec: settings.durationSec, drainSec: settings.drainSec, seed: 20_261_126, log: (line) => console.info(line) }),
    )) ?? [];
  const writeFloor: WriteFloorRow[] =
    (await section('write floor (one write per delivery)', () =>
      runWriteFloor({ users: settings.users, rates: settings.rates[1], seconds: settings.durationSec, seed: 20_261_126 }),
    )) ?? [];
  const ceiling: CeilingRow[] = (await section('ceiling (redis-benchmark)', () => runCeiling({ requests: settings.requests, clients: 50 }))) ?? [];
  const audit: AuditResult | null = await section('audit trail', () => runAudit({ entries: settings.audit }));
  const sync: SyncResult | null = await section('sync', () => runSync({ pullCount: settings.pull, flushCount: settings.flush }));
  // The reconnect storm: 2 devices per user, network cut while messages are sent (bench/storm).
  const stormSettings = quick ? { users: 100, messages: 500, cutSec: 6, timeoutSec: 30 } : { users: 1_000, messages: 5_000, cutSec: 30, timeoutSec: 45, peerTimeoutSec: 30 };
  const storm: StormResult[] | null = await section('reconnect storm (Relais vs Socket.IO recovery)', () =>
    runStorm({ ...stormSettings, deviceProcesses: 2, trickleRate: 50, seed: 20_261_207, log: (line) => console.info(line) }),
  );
  const client: ClientResult | null = await section('client (Chromium, CPU 4×)', () =>
    runClient({
      ingestCount: settings.ingest,
      storeIngestCount: settings.storeIngest,
      searchCount: settings.search,
      throttle: 4,
      appMessages: 10_000,
      appReps: quick ? 1 : 5,
      log: (line) => console.info(line),
    }),
  );
  const command = quick ? 'BENCH_QUICK=1 npm run bench' : 'npm run bench';
  const report = renderReport({ command, quick, loadAverage, fanout, writeFloor, ceiling, audit, sync, client, storm });
  const dir = resolve(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  writeFileSync(resolve(dir, `${stamp}.json`), JSON.stringify({ started, quick, settings, loadAverage, fanout, routing, writeFloor, ceiling, audit, sync, client, storm }, null, 2));
  writeFileSync(resolve(dir, 'latency.svg'), renderChart(fanout));
  console.info('');
  console.info(report);
  if (routing.length > 0) console.info(`\n${renderRouting(routing, routingLoad)}`);
  console.info(`\n${renderBudgets(budgetLines({ fanout, routing, storm, client }))}`);
  console.info(`\nbench: results in bench/results/${stamp}.json, chart in bench/results/latency.svg (${((Date.now() - started.getTime()) / 1000).toFixed(0)} s in all)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
