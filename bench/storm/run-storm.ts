import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import { openSession, SESSION_COOKIE } from '../../src/server/auth/sessions.ts';
import { RECONNECT_BACKOFF, type BackoffPolicy } from '../../src/shared/backoff.ts';
import { newId } from '../../src/shared/ids.ts';
import { seedRelais } from '../fanout/seed-relais.ts';
import { buildWorkload, messagePicker, type Workload } from '../fanout/workload.ts';
import { cpuSeconds, freePort, sleep } from '../lib/proc.ts';
import { startBenchRedis } from '../lib/redis-server.ts';
import { seededRandom } from '../lib/rng.ts';
import { ROOT, spawnTs, stopChild, waitForLine } from '../lib/spawn.ts';
import { CuttableProxy } from './proxy.ts';
import { DEVICE_COUNTERS, type DeviceCounters, type DeviceProcessResult, type DeviceProcessSpec, type DeviceSpec, type Expectation } from './spec.ts';

/*
 * The reconnect storm (issue #18, item 3). Per server (Relais, then the Socket.IO peer):
 *
 *   redis-server ◀── gateway A ◀── proxy A ◀──┐ devices (each user has two: one on A, one on B),
 *               ◀── gateway B ◀── proxy B ◀──┘ in device processes (devices.ts)
 *                        ▲ senders, direct (they still reach the gateways)
 *
 *   1. every device connects and pulls (Relais) or joins its rooms (peer); one message in every
 *      50-member conversation reaches every device (the peer's recovery needs a first offset)
 *   2. the network is cut: both proxies drop every connection and refuse new ones, for `cutSec`;
 *      meanwhile the senders send `messages` messages straight to the gateways
 *   3. the network comes back; the devices were retrying with the client's jittered backoff and
 *      reconnect as their timers fire. Each device is caught up once it holds every message of its
 *      conversations sent during the cut, counted by (conversation, seq).
 */

export type StormServer = 'relais' | 'socketio';
export const STORM_SERVERS: readonly StormServer[] = ['relais', 'socketio'];

export interface StormOptions {
  /** Users; each has two devices (one per gateway). */
  users: number;
  messages: number;
  cutSec: number;
  /** Load-generator processes the devices are spread over. */
  deviceProcesses: number;
  seed: number;
  servers?: readonly StormServer[];
  /** The devices' reconnect policy (default: the client's, RECONNECT_BACKOFF). */
  reconnect?: BackoffPolicy;
  /** Messages per second sent during the catch-up (live frames meeting the pulls). */
  trickleRate: number;
  /** Give up waiting for the catch-up after this long. */
  timeoutSec: number;
  /** The same for the peer (default: timeoutSec): its recovery may not finish at all. */
  peerTimeoutSec?: number;
  log: (line: string) => void;
}

export interface Percentiles {
  p50: number;
  p99: number;
  max: number;
}

/** The devices' counters (spec.ts, DEVICE_COUNTERS) are summed over the device processes. */
export interface StormResult extends DeviceCounters {
  server: StormServer;
  devices: number;
  messages: number;
  cutSec: number;
  reconnect: BackoffPolicy;
  /** How long the senders took (all answered), s. */
  sendSeconds: number;
  sendErrors: number;
  /** Messages sent during the catch-up (also expected; in lost and dup). */
  sentDuringCatchUp: number;
  /** Devices that held every expected message when the wait ended. */
  caughtUp: number;
  /** Network back → device caught up, ms (Infinity: never). */
  catchUpMs: Percentiles;
  /** Network back → the device's socket open again (its backoff timer), ms. */
  reopenMs: Percentiles;
  /** Socket open again → caught up (the servers' share), ms. */
  openToCaughtUpMs: Percentiles;
  /** Sum of both gateways' RSS, MB: just before the cut, and the highest sampled (every 100 ms) until all caught up. */
  gatewayRssMb: { before: number; peak: number; peakPerGateway: number };
  /** CPU seconds from the network back to all caught up. */
  redisCpuSec: number;
  gatewayCpuSec: number;
  /** Network back → the last device caught up (or the timeout), s. */
  catchUpWallSec: number;
}

const now = (): number => performance.timeOrigin + performance.now();

/** Nearest-rank percentiles (Infinity counts: a device never caught up makes max Infinity). */
export function percentiles(values: number[]): Percentiles {
  if (values.length === 0) return { p50: Number.NaN, p99: Number.NaN, max: Number.NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
  return { p50: at(50), p99: at(99), max: sorted[sorted.length - 1] as number };
}

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function redisCpu(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return field('used_cpu_sys') + field('used_cpu_user');
}

/** Lines of a child's stdout, awaited by pattern (lines seen before the wait count). */
function lineReader(child: ChildProcess, log: (line: string) => void): (pattern: RegExp, timeoutMs: number) => Promise<string> {
  const seen: string[] = [];
  const waiters: { pattern: RegExp; done: (line: string) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.startsWith('STATUS ')) return log(`  device process ${child.pid}: ${line.slice(7)}`);
    if (process.env.STORM_DEBUG) log(`  [${child.pid}] ${line.slice(0, 200)}`);
    const i = waiters.findIndex((w) => w.pattern.test(line));
    if (i >= 0) waiters.splice(i, 1)[0]!.done(line);
    else seen.push(line);
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-3000)));
  return (pattern, timeoutMs) => {
    const i = seen.findIndex((line) => pattern.test(line));
    if (i >= 0) return Promise.resolve(seen.splice(i, 1)[0] as string);
    return new Promise((done, fail) => {
      const waiter = { pattern, done: (line: string) => (clearTimeout(timer), done(line)) };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        fail(new Error(`no ${pattern.source} from a device process in ${timeoutMs} ms (exit ${child.exitCode}): ${stderr}`));
      }, timeoutMs);
      waiters.push(waiter);
    });
  };
}

/**
 * BENCH_GATEWAY_CPU_PROF=<dir>: each gateway writes a V8 CPU profile of the catch-up (network back →
 * all caught up) there (bench/fanout/cpu-profile.ts; SIGUSR2 starts and stops it).
 */
function profileEnv(): Record<string, string> {
  if (!process.env.BENCH_GATEWAY_CPU_PROF) return {};
  const preload = pathToFileURL(resolve(ROOT, 'bench/fanout/cpu-profile.ts')).href;
  return { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import tsx --import ${preload}`.trim() };
}

const toggleProfiles = (pids: number[]): void => {
  if (process.env.BENCH_GATEWAY_CPU_PROF) for (const pid of pids) process.kill(pid, 'SIGUSR2');
};

// ---------------------------------------------------------------------------------------------
// Senders: straight to the gateways, past the proxies.

interface Sender {
  /** Sends one message as `user`; resolves with the seq (Relais) or the bench's own per-conversation number (peer). */
  send(user: number, conversationId: string): Promise<number>;
  close(): void;
}

function relaisSender(urls: string[], tokens: string[]): Sender {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const post = (url: string, cookie: string, body: string): Promise<string> =>
    new Promise((done, fail) => {
      const u = new URL('/api/sync/push', url);
      const req = request(
        { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), cookie, origin: url } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => (res.statusCode === 200 ? done(Buffer.concat(chunks).toString()) : fail(new Error(`HTTP ${res.statusCode}`))));
        },
      );
      req.on('error', fail);
      req.end(body);
    });
  // Like the service worker's outbox: one push in flight per user, what queued meanwhile goes together.
  const queues = new Map<number, { mutation: object; done: (seq: number) => void; fail: (err: Error) => void }[]>();
  const flushing = new Set<number>();
  const flush = async (user: number): Promise<void> => {
    flushing.add(user);
    const cookie = `${SESSION_COOKIE}=${tokens[user]}`;
    const url = urls[user % urls.length] as string;
    for (;;) {
      const queue = queues.get(user) ?? [];
      if (queue.length === 0) break;
      const batch = queue.splice(0, 100);
      try {
        const answer = JSON.parse(await post(url, cookie, JSON.stringify({ deviceId: 'storm-sender', mutations: batch.map((b) => b.mutation) }))) as {
          results: { ok: boolean; result?: { seq: number } }[];
        };
        batch.forEach((b, i) => {
          const r = answer.results[i];
          if (r?.ok && r.result) b.done(r.result.seq);
          else b.fail(new Error('refused'));
        });
      } catch (err) {
        for (const b of batch) b.fail(err as Error);
      }
    }
    flushing.delete(user);
  };
  return {
    send: (user, conversationId) =>
      new Promise((done, fail) => {
        const messageId = newId();
        let queue = queues.get(user);
        if (!queue) queues.set(user, (queue = []));
        queue.push({ mutation: { id: messageId, kind: 'message.send', args: { conversationId, messageId, body: 'storm message' } }, done, fail });
        if (!flushing.has(user)) void flush(user);
      }),
    close: () => agent.destroy(),
  };
}

async function socketIoSender(urls: string[], workload: Workload): Promise<Sender> {
  const sockets = new Map<number, Socket>();
  const counters = new Map<string, number>();
  const socketOf = async (user: number): Promise<Socket> => {
    let socket = sockets.get(user);
    if (socket) return socket;
    socket = io(urls[user % urls.length] as string, { transports: ['websocket'], auth: { userId: workload.userIds[user], role: 'sender' }, reconnection: false, forceNew: true });
    sockets.set(user, socket);
    const s = socket;
    await new Promise<void>((done, fail) => {
      s.once('ready', () => done());
      s.once('connect_error', fail);
    });
    return s;
  };
  // Every user may send: connected before the cut (they are not behind the proxies anyway).
  for (let i = 0; i < workload.userIds.length; i += 50) {
    await Promise.all(workload.userIds.slice(i, i + 50).map((_, k) => socketOf(i + k)));
  }
  return {
    send: async (user, conversationId) => {
      const socket = await socketOf(user);
      const k = (counters.get(conversationId) ?? 0) + 1;
      counters.set(conversationId, k);
      await new Promise<void>((done, fail) =>
        socket.timeout(30_000).emit('send', { conversationId, messageId: newId(), body: `${k}|storm message` }, (err: unknown, ok: boolean) =>
          err || !ok ? fail(err instanceof Error ? err : new Error('refused')) : done(),
        ),
      );
      return k;
    },
    close: () => {
      for (const s of sockets.values()) s.disconnect();
    },
  };
}

type Seqs = Map<string, number[]>;

/** Per conversation, the seq range of the messages sent (only the senders write there: the seqs of a round follow each other). */
function expectationOf(...rounds: Seqs[]): Expectation {
  const all = new Map<string, number[]>();
  for (const round of rounds) for (const [id, list] of round) all.set(id, [...(all.get(id) ?? []), ...list]);
  const expectation: Expectation = {};
  for (const [conversationId, list] of all) {
    const from = Math.min(...list);
    const to = Math.max(...list);
    if (to - from + 1 !== list.length) throw new Error(`storm: conversation ${conversationId} got seqs ${from}–${to} for ${list.length} messages`);
    expectation[conversationId] = [from, to];
  }
  return expectation;
}

/**
 * Sends open-loop, item i due at start + i/rate, until `plan` is done or `stop()` says so; resolves
 * once every send answered, with the seqs per conversation.
 */
async function sendOpenLoop(sender: Sender, plan: (i: number) => { user: number; conversationId: string } | null, rate: number, stop: () => boolean = () => false): Promise<{ seqs: Seqs; sent: number; errors: number; seconds: number }> {
  const t0 = now();
  const seqs: Seqs = new Map();
  let errors = 0;
  const pending: Promise<void>[] = [];
  for (let i = 0; ; i++) {
    const wait = t0 + (i * 1000) / rate - now();
    if (wait > 2) await sleep(wait);
    const item = stop() ? null : plan(i);
    if (!item) break;
    pending.push(
      sender.send(item.user, item.conversationId).then(
        (seq) => void seqs.set(item.conversationId, [...(seqs.get(item.conversationId) ?? []), seq]),
        () => void (errors += 1),
      ),
    );
  }
  await Promise.all(pending);
  return { seqs, sent: pending.length, errors, seconds: (now() - t0) / 1000 };
}

// ---------------------------------------------------------------------------------------------

async function runOne(server: StormServer, options: StormOptions, workload: Workload, dir: string): Promise<StormResult> {
  const t0 = now();
  const log = (line: string) => options.log(`  ${((now() - t0) / 1000).toFixed(0).padStart(3)} s ${line}`);
  const reconnect = options.reconnect ?? RECONNECT_BACKOFF;
  const redis = await startBenchRedis(server === 'relais' ? 'always' : 'everysec');
  const children: ChildProcess[] = [];
  const proxies: CuttableProxy[] = [];
  let sender: Sender | null = null;
  const control = new Redis(redis.url);
  try {
    // Accounts, conversations, a session per device and one per sender (Relais).
    const devicesPerUser = 2;
    let senderTokens: string[] = [];
    const deviceTokens: string[] = [];
    const workloadFile = join(dir, 'workload.json');
    writeFileSync(workloadFile, JSON.stringify(workload));
    if (server === 'relais') {
      senderTokens = await seedRelais(redis.url, workload);
      for (let i = 0; i < workload.userIds.length * devicesPerUser; i += 200) {
        const slice = Array.from({ length: Math.min(200, workload.userIds.length * devicesPerUser - i) }, (_, k) => i + k);
        deviceTokens.push(...(await Promise.all(slice.map((d) => openSession(control, workload.userIds[Math.floor(d / devicesPerUser)] as string, { ttlSeconds: 3_600, maxAgeSeconds: 3_600 })))));
      }
    }
    log(`${server}: seeded`);
    // Two gateways (or peer processes), a proxy in front of each.
    const gatewayUrls: string[] = [];
    const proxyUrls: string[] = [];
    for (let g = 0; g < 2; g++) {
      const port = await freePort();
      const child =
        server === 'socketio'
          ? spawnTs('bench/peers/socketio-relay.ts', [], { PORT: String(port), REDIS_URL: redis.url, BENCH_WORKLOAD: workloadFile })
          : spawnTs('src/server/main.ts', [], {
              PORT: String(port),
              HOST: '127.0.0.1',
              REDIS_URL: redis.url,
              RELAIS_DEMO: '0',
              LOG_LEVEL: 'warn',
              // Thousands of simulated devices behind one address: the abuse limits run, never bite.
              RELAIS_RATE_LIMIT_SCALE: '1000',
              ...profileEnv(),
            });
      children.push(child);
      await waitForLine(child, /listening/);
      gatewayUrls.push(`http://127.0.0.1:${port}`);
      const proxy = new CuttableProxy(await freePort(), { host: '127.0.0.1', port });
      await proxy.restore();
      proxies.push(proxy);
      proxyUrls.push(`http://127.0.0.1:${proxy.port}`);
    }
    const gatewayPids = children.map((c) => c.pid ?? 0);

    // Members of each conversation, and the devices.
    const conversationsOf = new Map<number, string[]>();
    for (const c of workload.conversations) for (const m of c.members) conversationsOf.set(m, [...(conversationsOf.get(m) ?? []), c.id]);
    const devices: DeviceSpec[] = [];
    for (let u = 0; u < workload.userIds.length; u++) {
      for (let d = 0; d < devicesPerUser; d++) {
        devices.push({ userId: workload.userIds[u] as string, token: deviceTokens[u * devicesPerUser + d] ?? '', url: proxyUrls[d % proxyUrls.length] as string, conversations: conversationsOf.get(u) ?? [] });
      }
    }
    const readers: ((pattern: RegExp, timeoutMs: number) => Promise<string>)[] = [];
    const deviceChildren: ChildProcess[] = [];
    for (let p = 0; p < options.deviceProcesses; p++) {
      const spec: DeviceProcessSpec = { adapter: server, devices: devices.filter((_, i) => i % options.deviceProcesses === p), seed: options.seed + p, reconnect };
      const file = join(dir, `devices-${p}.json`);
      writeFileSync(file, JSON.stringify(spec));
      // stdin piped: the parent's commands (spec.ts).
      const child = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, 'bench/storm/devices.ts'), file], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
      deviceChildren.push(child);
      children.push(child);
      readers.push(lineReader(child, log));
    }
    const tell = (line: string): void => {
      for (const child of deviceChildren) child.stdin?.write(`${line}\n`);
    };
    await Promise.all(readers.map((read) => read(/^READY$/, 120_000)));
    log(`${server}: ${devices.length} devices connected on 2 ${server === 'relais' ? 'gateways' : 'peer processes'}`);

    sender = server === 'relais' ? relaisSender(gatewayUrls, senderTokens) : await socketIoSender(gatewayUrls, workload);
    // Priming: one message in each 50-member conversation (every user is in one) reaches every device.
    const big = workload.conversations.filter((c) => c.members.length === Math.max(...workload.conversations.map((x) => x.members.length)));
    const primed = await sendOpenLoop(sender, (i) => (big[i] ? { user: big[i].members[0] as number, conversationId: big[i].id } : null), 200);
    tell(`EXPECT ${JSON.stringify(expectationOf(primed.seqs))}`);
    await Promise.all(readers.map((read) => read(/^CAUGHT$/, 60_000)));

    // The storm.
    const pick = messagePicker(workload, seededRandom(options.seed + 1));
    const plan = Array.from({ length: options.messages }, () => {
      const picked = pick();
      if (!picked) throw new Error('storm: empty workload');
      return { user: picked.sender, conversationId: picked.conversation.id };
    });
    const rssBefore = gatewayPids.reduce((sum, pid) => sum + rssMb(pid), 0);
    let rssPeak = rssBefore;
    let rssPeakOne = Math.max(...gatewayPids.map(rssMb));
    const sampler = setInterval(() => {
      const each = gatewayPids.map(rssMb);
      rssPeak = Math.max(rssPeak, each.reduce((a, b) => a + b, 0));
      rssPeakOne = Math.max(rssPeakOne, ...each);
    }, 100);
    tell('ROUND');
    const cutAt = now();
    await Promise.all(proxies.map((p) => p.cut()));
    log(`${server}: network cut; sending ${options.messages} messages straight to the gateways`);
    const sent = await sendOpenLoop(sender, (i) => plan[i] ?? null, options.messages / (options.cutSec * 0.8));
    const left = cutAt + options.cutSec * 1000 - now();
    if (left > 0) await sleep(left);
    tell(`EXPECT ${JSON.stringify(expectationOf(sent.seqs))}`);
    const cpu0 = { redis: await redisCpu(control), gateways: gatewayPids.reduce((s, pid) => s + cpuSeconds(pid), 0) };
    toggleProfiles(server === 'relais' ? gatewayPids : []);
    await Promise.all(proxies.map((p) => p.restore()));
    const restoredAt = now();
    tell(`RESTORED ${restoredAt}`);
    log(`${server}: network back after ${((restoredAt - cutAt) / 1000).toFixed(1)} s (sends took ${sent.seconds.toFixed(1)} s); waiting for every device`);
    // Life goes on during the catch-up: live frames meet the pulls (a seq past the last held one pulls).
    let caughtUp = false;
    const pickLater = messagePicker(workload, seededRandom(options.seed + 2));
    const trickle = sendOpenLoop(
      sender,
      () => {
        const picked = pickLater();
        return picked ? { user: picked.sender, conversationId: picked.conversation.id } : null;
      },
      options.trickleRate,
      () => caughtUp,
    );
    let timedOut = false;
    const timeoutSec = server === 'socketio' ? (options.peerTimeoutSec ?? options.timeoutSec) : options.timeoutSec;
    await Promise.all(readers.map((read) => read(/^CAUGHT$/, timeoutSec * 1000))).catch(() => (timedOut = true));
    const caughtAt = now();
    caughtUp = true;
    toggleProfiles(server === 'relais' ? gatewayPids : []);
    const cpu1 = { redis: await redisCpu(control), gateways: gatewayPids.reduce((s, pid) => s + cpuSeconds(pid), 0) };
    clearInterval(sampler);
    // The messages sent during the catch-up must arrive too (lost and duplicates count them).
    const during = await trickle;
    tell(`EXPECT_MORE ${JSON.stringify(expectationOf(sent.seqs, during.seqs))}`);
    if (!timedOut) await Promise.all(readers.map((read) => read(/^CAUGHT$/, 15_000))).catch(() => undefined);
    // A little longer: a late duplicate would still be counted.
    await sleep(1_000);
    tell('REPORT');
    const parts = (await Promise.all(readers.map((read) => read(/^\{/, 30_000)))).map((line) => JSON.parse(line) as DeviceProcessResult);
    log(`${server}: reported`);

    const catchUp = parts.flatMap((p) => p.catchUpMs).map((v) => (v < 0 ? Infinity : v));
    const reopen = parts.flatMap((p) => p.reopenMs).map((v) => (v < 0 ? Infinity : v));
    const openToCaught = catchUp.map((c, i) => Math.max(0, c - (reopen[i] ?? 0))).filter(Number.isFinite);
    const counters = Object.fromEntries(DEVICE_COUNTERS.map((key) => [key, parts.reduce((total, part) => total + part[key], 0)])) as DeviceCounters;
    return {
      server,
      devices: devices.length,
      messages: options.messages,
      cutSec: options.cutSec,
      reconnect,
      sendSeconds: sent.seconds,
      sendErrors: sent.errors + during.errors,
      sentDuringCatchUp: during.sent,
      caughtUp: catchUp.filter(Number.isFinite).length,
      catchUpMs: percentiles(catchUp),
      reopenMs: percentiles(reopen),
      openToCaughtUpMs: percentiles(openToCaught),
      ...counters,
      gatewayRssMb: { before: rssBefore, peak: rssPeak, peakPerGateway: rssPeakOne },
      redisCpuSec: cpu1.redis - cpu0.redis,
      gatewayCpuSec: cpu1.gateways - cpu0.gateways,
      catchUpWallSec: timedOut ? timeoutSec : (caughtAt - restoredAt) / 1000,
    };
  } finally {
    sender?.close();
    control.disconnect();
    await Promise.all(proxies.map((p) => p.cut()));
    await Promise.all(children.map(stopChild));
    await redis.stop();
    log(`${server}: stopped`);
  }
}

/** Runs the storm against each server in turn (a fresh Redis, gateways and devices each). */
export async function runStorm(options: StormOptions): Promise<StormResult[]> {
  const workload = buildWorkload(options.users, options.seed);
  const dir = mkdtempSync(join(tmpdir(), 'relais-storm-'));
  const results: StormResult[] = [];
  try {
    for (const server of options.servers ?? STORM_SERVERS) {
      const result = await runOne(server, options, workload, dir);
      const f = (v: number) => (Number.isFinite(v) ? (v / 1000).toFixed(2) : '∞');
      options.log(
        `  ${server}: ${result.caughtUp}/${result.devices} caught up; catch-up p50 ${f(result.catchUpMs.p50)} s, p99 ${f(result.catchUpMs.p99)} s, max ${f(result.catchUpMs.max)} s; ` +
          `lost ${result.lost}, duplicated ${result.duplicated}; peak gateway RSS ${result.gatewayRssMb.peak.toFixed(0)} MB; redis CPU ${result.redisCpuSec.toFixed(2)} s`,
      );
      results.push(result);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
