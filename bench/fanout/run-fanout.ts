import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cpuSeconds, freePort } from '../lib/proc.ts';
import { startBenchRedis, type BenchRedis } from '../lib/redis-server.ts';
import { spawnTs, stopChild, waitForLine } from '../lib/spawn.ts';
import { seedRelais } from './seed-relais.ts';
import { buildWorkload, type LoadResult, type LoadSpec, type Workload } from './workload.ts';

/** The servers compared: Relais with each fsync policy, and the Socket.IO relay. */
export const SERVERS = ['relais-always', 'relais-everysec', 'socketio'] as const;
export type ServerName = (typeof SERVERS)[number];

export interface FanoutOptions {
  users: number;
  /** Offered rates (messages/s) with one server process, and with two. */
  rates: { 1: number[]; 2: number[] };
  warmupSec: number;
  durationSec: number;
  drainSec: number;
  reps: number;
  seed: number;
  /** Which servers to run (default: all). */
  servers?: readonly ServerName[];
  /** Which process counts to run (default: 1 then 2). */
  processes?: readonly (1 | 2)[];
  log: (line: string) => void;
}

/** One measured point. */
export interface FanoutPoint {
  server: ServerName;
  processes: 1 | 2;
  rep: number;
  result: LoadResult;
  /** CPU seconds used by the server processes (and by redis-server) during send + drain. */
  serverCpu: number;
  redisCpu: number;
  deliveriesPerCpuSecond: number;
}

export interface RunningServer {
  urls: string[];
  pids: number[];
  tokens: string[];
  stop(): Promise<void>;
  /** Each Relais gateway's routing counters, as it printed them when it stopped (after `stop`). */
  liveCounts: (LiveCounts | null)[];
}

/** What a gateway prints when it stops (src/server/main.ts): live events received, and those with a local recipient. */
export interface LiveCounts {
  received: number;
  routed: number;
  deliveries: number;
}

const LIVE_COUNTS_LINE = /live events received (\d+), with a local recipient (\d+), deliveries (\d+)/;

/** BENCH_GATEWAY_CPU_PROF=<dir>: each server process (Relais or the peer) writes a V8 CPU profile there when it exits (see cpu-profile.ts). */
function profileEnv(): Record<string, string> {
  if (!process.env.BENCH_GATEWAY_CPU_PROF) return {};
  const preload = pathToFileURL(join(import.meta.dirname, 'cpu-profile.ts')).href;
  return { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import tsx --import ${preload}`.trim() };
}

export async function startServers(server: ServerName, processes: number, redis: BenchRedis, workload: Workload, dir: string): Promise<RunningServer> {
  const children: ChildProcess[] = [];
  const urls: string[] = [];
  const liveCounts: (LiveCounts | null)[] = [];
  let tokens: string[] = [];
  const workloadFile = join(dir, 'workload.json');
  writeFileSync(workloadFile, JSON.stringify(workload));
  if (server !== 'socketio') tokens = await seedRelais(redis.url, workload);
  try {
    for (let i = 0; i < processes; i++) {
      const port = await freePort();
      const child =
        server === 'socketio'
          ? spawnTs('bench/peers/socketio-relay.ts', [], { PORT: String(port), REDIS_URL: redis.url, BENCH_WORKLOAD: workloadFile, ...profileEnv() })
          : spawnTs('src/server/main.ts', [], {
              PORT: String(port),
              HOST: '127.0.0.1',
              REDIS_URL: redis.url,
              RELAIS_DEMO: '0',
              LOG_LEVEL: 'warn',
              // Simulated users send faster than people: the abuse limits still run (their cost is
              // measured), never bite.
              RELAIS_RATE_LIMIT_SCALE: '1000',
              ...profileEnv(),
            });
      children.push(child);
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-3000)));
      child.once('exit', (code, signal) => {
        if (signal !== 'SIGTERM' && code !== 0) console.error(`bench: ${server} process exited (${code ?? signal}): ${stderr}`);
      });
      const slot = liveCounts.push(null) - 1;
      await waitForLine(child, /listening/, 60_000, (line) => {
        const counts = LIVE_COUNTS_LINE.exec(line);
        if (counts) liveCounts[slot] = { received: Number(counts[1]), routed: Number(counts[2]), deliveries: Number(counts[3]) };
      });
      urls.push(`http://127.0.0.1:${port}`);
    }
  } catch (err) {
    await Promise.all(children.map(stopChild));
    throw err;
  }
  return {
    urls,
    pids: children.map((c) => c.pid ?? 0),
    tokens,
    stop: () => Promise.all(children.map(stopChild)).then(() => undefined),
    liveCounts,
  };
}

export async function runLoad(spec: LoadSpec, dir: string, pids: number[], redisPid: number): Promise<{ result: LoadResult; serverCpu: number; redisCpu: number }> {
  const specFile = join(dir, 'spec.json');
  writeFileSync(specFile, JSON.stringify(spec));
  const child = spawnTs('bench/fanout/loadgen.ts', [specFile], {});
  const cpu = () => ({ server: pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0), redis: cpuSeconds(redisPid) });
  let before = { server: 0, redis: 0 };
  let after = { server: 0, redis: 0 };
  let resultLine = '';
  await waitForLine(child, /^\{/, 180_000, (line) => {
    if (line === 'START') {
      before = cpu();
      // Profiled servers (BENCH_GATEWAY_CPU_PROF) record the measured phase only: START to END.
      if (process.env.BENCH_GATEWAY_CPU_PROF) for (const pid of pids) process.kill(pid, 'SIGUSR2');
    }
    if (line === 'END') {
      after = cpu();
      if (process.env.BENCH_GATEWAY_CPU_PROF) for (const pid of pids) process.kill(pid, 'SIGUSR2');
    }
    if (line.startsWith('{')) resultLine = line;
  });
  await new Promise<void>((done) => (child.exitCode !== null ? done() : child.once('exit', () => done())));
  return { result: JSON.parse(resultLine) as LoadResult, serverCpu: after.server - before.server, redisCpu: after.redis - before.redis };
}

/**
 * Runs the fan-out comparison: for each repetition, for one then two server processes, each server
 * in turn (A/B/A/B: Relais always, Relais everysec, Socket.IO, then again) over the offered rates.
 * Each server gets a fresh redis-server (Relais: the fsync policy of its name; Socket.IO: everysec).
 */
export async function runFanout(options: FanoutOptions): Promise<FanoutPoint[]> {
  const workload = buildWorkload(options.users, options.seed);
  const points: FanoutPoint[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'relais-bench-'));
  try {
    for (let rep = 1; rep <= options.reps; rep++) {
      for (const processes of options.processes ?? ([1, 2] as const)) {
        for (const server of options.servers ?? SERVERS) {
          const redis = await startBenchRedis(server === 'relais-always' ? 'always' : 'everysec');
          const running = await startServers(server, processes, redis, workload, dir).catch(async (err: unknown) => {
            await redis.stop();
            throw err;
          });
          try {
            for (const rate of options.rates[processes]) {
              const spec: LoadSpec = {
                adapter: server === 'socketio' ? 'socketio' : 'relais',
                urls: running.urls,
                workload,
                tokens: running.tokens,
                rate,
                warmupSec: options.warmupSec,
                durationSec: options.durationSec,
                drainSec: options.drainSec,
                seed: options.seed + rate,
              };
              const { result, serverCpu, redisCpu } = await runLoad(spec, dir, running.pids, redis.pid);
              const point: FanoutPoint = {
                server,
                processes,
                rep,
                result,
                serverCpu,
                redisCpu,
                deliveriesPerCpuSecond: serverCpu > 0 ? result.delivered / serverCpu : 0,
              };
              points.push(point);
              options.log(
                `  ${server.padEnd(16)} ×${processes} rep ${rep} ${String(rate).padStart(5)} msg/s: p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ` +
                  `${result.delivered}/${result.expected} delivered, ${Math.round(point.deliveriesPerCpuSecond)} deliveries/CPU-s`,
              );
            }
          } finally {
            await running.stop();
            await redis.stop();
          }
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return points;
}
