import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { summarize } from '../report.ts';
import { median, spread } from '../lib/stats.ts';
import { runFanout, SERVERS, type ServerName } from './run-fanout.ts';
import { renderRouting, runRouting } from './routing.ts';

/*
 * The gateway fan-out alone, for profiling and before/after comparisons:
 *   node --import tsx bench/fanout/main.ts --servers relais-always,socketio --rate 500 --reps 3
 * Defaults are those of `BENCH_QUICK=1 npm run bench` (300 users, 0.5 s warm-up, 2 s measured, 1 s
 * drain, one process). BENCH_GATEWAY_CPU_PROF=<dir> makes each Relais gateway write a V8 CPU profile
 * there when it stops (`node --cpu-prof`).
 * The routed fan-out alone (routing.ts), on 1, 2 and 4 gateways at the first rate given:
 *   node --import tsx bench/fanout/main.ts --routing --rate 300 --users 300
 */

const { values } = parseArgs({
  options: {
    servers: { type: 'string', default: 'relais-always,socketio' },
    rate: { type: 'string', default: '500' },
    processes: { type: 'string', default: '1' },
    reps: { type: 'string', default: '1' },
    users: { type: 'string', default: '300' },
    warmup: { type: 'string', default: '0.5' },
    duration: { type: 'string', default: '2' },
    drain: { type: 'string', default: '1' },
    routing: { type: 'boolean', default: false },
    gateways: { type: 'string', default: '1,2,4' },
  },
});

if (values.routing) {
  const rate = Number((values.rate ?? '').split(',')[0]);
  const users = Number(values.users);
  const rows = await runRouting({
    users,
    rate,
    gateways: (values.gateways ?? '').split(',').map(Number),
    warmupSec: Number(values.warmup),
    durationSec: Number(values.duration),
    drainSec: Number(values.drain),
    seed: 20_261_126,
    log: (line) => console.info(line),
  });
  console.info(`load average now: ${loadavg().map((l) => l.toFixed(2)).join(', ')}`);
  console.info(renderRouting(rows, { users, rate }));
  process.exit(0);
}

const servers = (values.servers ?? '').split(',').map((s) => s.trim()) as ServerName[];
for (const s of servers) if (!SERVERS.includes(s)) throw new Error(`unknown server ${s} (one of ${SERVERS.join(', ')})`);
const rates = (values.rate ?? '').split(',').map(Number);
const processes = Number(values.processes) === 2 ? 2 : 1;
const loadAverage = loadavg();
const points = await runFanout({
  users: Number(values.users),
  rates: processes === 1 ? { 1: rates, 2: [] } : { 1: [], 2: rates },
  processes: [processes],
  warmupSec: Number(values.warmup),
  durationSec: Number(values.duration),
  drainSec: Number(values.drain),
  reps: Number(values.reps),
  seed: 20_261_126,
  servers,
  log: (line) => console.info(line),
});
console.info(`load average at start: ${loadAverage.map((l) => l.toFixed(2)).join(', ')}; now: ${loadavg().map((l) => l.toFixed(2)).join(', ')}`);
for (const p of points) {
  const r = p.result;
  console.info(
    `  ${p.server} rep ${p.rep}: ack p50 ${r.ack.p50} ms p99 ${r.ack.p99} ms, send phase ${r.sendSeconds.toFixed(2)} s, ` +
      `server CPU ${p.serverCpu.toFixed(2)} s, redis CPU ${p.redisCpu.toFixed(2)} s`,
  );
}
for (const s of summarize(points)) {
  console.info(
    `${s.server.padEnd(16)} ×${s.processes} ${s.rate} msg/s: deliveries/CPU-s ${spread(s.perCpu)} (median ${Math.round(median(s.perCpu))}), ` +
      `p50 ${spread(s.p50, 1)} ms, p99 ${spread(s.p99, 1)} ms, delivered ${spread(s.deliveredShare, 1)} %, dup ${s.duplicated}, out of order ${s.outOfOrder}`,
  );
}
