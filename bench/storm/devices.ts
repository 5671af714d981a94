import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import { io, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import { SESSION_COOKIE } from '../../src/server/auth/sessions.ts';
import { Backoff } from '../../src/shared/backoff.ts';
import { seededRandom } from '../lib/rng.ts';
import type { DeviceProcessResult, DeviceProcessSpec, DeviceSpec, Expectation } from './spec.ts';

/*
 * A device process of the reconnect storm: many devices, each doing what a Relais tab and its
 * service worker do with the network (src/app/core/realtime.ts, src/sw/sync/engine.ts, pull.ts):
 *
 *   socket open ──▶ pull from the saved cursor (page by page, one pull at a time; a pull asked for
 *   during one runs once more after it)
 *   live `changes` frame ──▶ apply its messages; a seq past the last one held + 1 (a missed event) ──▶ pull
 *   socket closed or refused ──▶ reconnect after the client's jittered backoff (shared/backoff.ts)
 *
 * or, for the peer, a socket.io-client socket reconnecting with the same backoff, caught up by the
 * server's connection-state recovery. Each device keeps what it holds by (conversation, seq) and
 * counts what is missing, duplicated or received again. Protocol with the parent: see spec.ts.
 */

const now = (): number => performance.timeOrigin + performance.now();

interface Device {
  spec: DeviceSpec;
  /** conversation → seq → message id */
  held: Map<string, Map<number, string>>;
  seqOf: Map<string, number>;
  /** Expected messages not held yet (-1: no expectation). */
  missing: number;
  completeAt: number;
  openedAt: number;
}

const spec = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as DeviceProcessSpec;
const totals = { duplicated: 0, redundant: 0, viaLive: 0, viaPull: 0, pulls: 0, pullErrors: 0, failedAttempts: 0, recovered: 0, notRecovered: 0 };
let expectation: Expectation = {};
let restoredAt = 0;
let waitingForCatchUp = false;
const devices: Device[] = [];

function checkAllCaughtUp(): void {
  if (!waitingForCatchUp) return;
  if (devices.every((d) => d.missing === 0)) {
    waitingForCatchUp = false;
    console.info('CAUGHT');
  }
}

/** A message reached the device (live or pulled): stored once by (conversation, seq). */
function receive(device: Device, conversationId: string, seq: number, messageId: string, via: 'live' | 'pull'): void {
  let bySeq = device.held.get(conversationId);
  if (!bySeq) device.held.set(conversationId, (bySeq = new Map()));
  const atSeq = bySeq.get(seq);
  const seqOfId = device.seqOf.get(messageId);
  if (atSeq === messageId) {
    totals.redundant += 1;
    return;
  }
  if (atSeq !== undefined || seqOfId !== undefined) {
    totals.duplicated += 1;
    return;
  }
  bySeq.set(seq, messageId);
  device.seqOf.set(messageId, seq);
  if (via === 'live') totals.viaLive += 1;
  else totals.viaPull += 1;
  const range = expectation[conversationId];
  if (device.missing > 0 && range && seq >= range[0] && seq <= range[1]) {
    device.missing -= 1;
    if (device.missing === 0) {
      if (device.completeAt === 0) device.completeAt = now();
      checkAllCaughtUp();
    }
  }
}

function missingOf(device: Device): number {
  let missing = 0;
  for (const conversationId of device.spec.conversations) {
    const range = expectation[conversationId];
    if (!range) continue;
    const held = device.held.get(conversationId);
    for (let seq = range[0]; seq <= range[1]; seq++) if (!held?.has(seq)) missing += 1;
  }
  return missing;
}

function lastSeq(device: Device, conversationId: string): number {
  let last = 0;
  for (const seq of device.held.get(conversationId)?.keys() ?? []) if (seq > last) last = seq;
  return last;
}

/**
 * What a new expectation leaves each device missing. `more`: the same round grew (messages sent
 * during the catch-up): what is missing is counted again, the catch-up times stay.
 */
function expect(next: Expectation, more = false): void {
  expectation = next;
  if (more) {
    for (const device of devices) device.missing = missingOf(device);
    waitingForCatchUp = true;
    checkAllCaughtUp();
    return;
  }
  for (const device of devices) {
    const missing = missingOf(device);
    device.missing = missing;
    device.completeAt = missing === 0 ? now() : 0;
    device.openedAt = 0;
  }
  waitingForCatchUp = true;
  checkAllCaughtUp();
}

// ---------------------------------------------------------------------------------------------
// Relais: the service worker's pull and the tab's socket.

interface ChangeLike {
  type: string;
  message?: { conversationId: string; messageId: string; seq: number };
}

function getJson(agent: Agent, url: string, cookie: string): Promise<unknown> {
  return new Promise((done, fail) => {
    const u = new URL(url);
    const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'GET', agent, headers: { cookie } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) fail(new Error(`HTTP ${res.statusCode}`));
        else {
          try {
            done(JSON.parse(Buffer.concat(chunks).toString()));
          } catch (err) {
            fail(err as Error);
          }
        }
      });
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

function startRelaisDevice(device: Device, random: () => number, ready: () => void): void {
  const { url, token } = device.spec;
  const cookie = `${SESSION_COOKIE}=${token}`;
  // A browser's own connections: keep-alive, a few per origin.
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const backoff = new Backoff(spec.reconnect, random);
  let cursor: string | undefined;
  let pulling: Promise<void> | null = null;
  let again = false;
  let isReady = false;

  const pullOnce = async (): Promise<void> => {
    totals.pulls += 1;
    try {
      for (;;) {
        const page = (await getJson(agent, `${url}/api/sync/pull${cursor === undefined ? '' : `?cursor=${encodeURIComponent(cursor)}`}`, cookie)) as
          | { reset: true; cursor: string }
          | { changes: ChangeLike[]; cursor: string; hasMore: boolean };
        if ('reset' in page) {
          cursor = page.cursor;
          continue;
        }
        for (const change of page.changes) {
          if (change.type === 'message' && change.message) receive(device, change.message.conversationId, change.message.seq, change.message.messageId, 'pull');
        }
        cursor = page.cursor;
        if (!page.hasMore) break;
      }
    } catch {
      // No network (or the gateway refused): the next reconnect pulls again.
      totals.pullErrors += 1;
    }
  };
  /** One pull at a time; a pull asked for during one runs once more after it (sync/single-flight.ts). */
  const pull = (): Promise<void> => {
    if (pulling) {
      again = true;
      return pulling;
    }
    pulling = (async () => {
      do {
        again = false;
        await pullOnce();
      } while (again);
    })().finally(() => (pulling = null));
    return pulling;
  };

  const connect = (): void => {
    const socket = new WebSocket(url.replace(/^http/, 'ws') + '/api/realtime', { headers: { cookie, origin: url }, perMessageDeflate: false });
    let opened = false;
    socket.on('open', () => {
      opened = true;
      backoff.reset();
      if (restoredAt > 0 && device.openedAt === 0) device.openedAt = now();
      // Live frames sent while away are gone: pull from the saved cursor.
      void pull().then(() => {
        if (!isReady) {
          isReady = true;
          ready();
        }
      });
    });
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; changes?: ChangeLike[] };
      if (frame.type !== 'changes' || !frame.changes) return;
      let gap = false;
      for (const change of frame.changes) {
        if (change.type !== 'message' || !change.message) continue;
        const { conversationId, seq, messageId } = change.message;
        if (seq > lastSeq(device, conversationId) + 1) gap = true;
        receive(device, conversationId, seq, messageId, 'live');
      }
      if (gap) void pull();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (!opened) totals.failedAttempts += 1;
      setTimeout(connect, backoff.next());
    });
  };
  connect();
}

// ---------------------------------------------------------------------------------------------
// The peer: socket.io-client, reconnected with the same backoff, caught up by the server's
// connection-state recovery (missed packets replayed on reconnect).

function startSocketIoDevice(device: Device, random: () => number, ready: () => void): void {
  const backoff = new Backoff(spec.reconnect, random);
  const socket: Socket = io(device.spec.url, { transports: ['websocket'], auth: { userId: device.spec.userId }, reconnection: false, forceNew: true });
  let isReady = false;
  const retry = (): void => {
    setTimeout(() => socket.connect(), backoff.next());
  };
  socket.on('m', (m: { conversationId: string; messageId: string; body: string }) => {
    receive(device, m.conversationId, Number(m.body.slice(0, m.body.indexOf('|'))), m.messageId, 'live');
  });
  socket.on('connect', () => {
    backoff.reset();
    if (restoredAt > 0) {
      if (device.openedAt === 0) device.openedAt = now();
      if (socket.recovered) totals.recovered += 1;
      else totals.notRecovered += 1;
    }
  });
  // The relay has joined the device's rooms when it says "ready".
  socket.on('ready', () => {
    if (!isReady) {
      isReady = true;
      ready();
    }
  });
  socket.on('connect_error', () => {
    totals.failedAttempts += 1;
    retry();
  });
  socket.on('disconnect', (reason) => {
    if (reason !== 'io client disconnect') retry();
  });
}

// ---------------------------------------------------------------------------------------------

function report(): DeviceProcessResult {
  let lost = 0;
  for (const d of devices) lost += Math.max(0, d.missing);
  return {
    devices: devices.length,
    catchUpMs: devices.map((d) => (d.completeAt > 0 ? Math.max(0, d.completeAt - restoredAt) : -1)),
    reopenMs: devices.map((d) => (d.openedAt > 0 ? d.openedAt - restoredAt : -1)),
    lost,
    ...totals,
  };
}

async function main(): Promise<void> {
  const start = spec.adapter === 'relais' ? startRelaisDevice : startSocketIoDevice;
  // Connected in slices, as devices come online over a morning rather than in one instant.
  const slice = 50;
  for (let i = 0; i < spec.devices.length; i += slice) {
    await Promise.all(
      spec.devices.slice(i, i + slice).map(
        (deviceSpec, k) =>
          new Promise<void>((ready) => {
            const device: Device = { spec: deviceSpec, held: new Map(), seqOf: new Map(), missing: -1, completeAt: 0, openedAt: 0 };
            devices.push(device);
            const deviceRandom = seededRandom(spec.seed * 7_919 + i + k);
            start(device, deviceRandom, ready);
          }),
      ),
    );
  }
  console.info('READY');
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.startsWith('EXPECT ')) expect(JSON.parse(line.slice(7)) as Expectation);
    else if (line.startsWith('EXPECT_MORE ')) expect(JSON.parse(line.slice(12)) as Expectation, true);
    else if (line.startsWith('RESTORED ')) {
      restoredAt = Number(line.slice(9));
      // Progress for whoever watches (the parent logs it).
      setInterval(() => {
        const open = devices.filter((d) => d.openedAt > 0).length;
        const caught = devices.filter((d) => d.missing === 0).length;
        console.info(`STATUS ${((now() - restoredAt) / 1000).toFixed(0)} s: ${open} reconnected, ${caught}/${devices.length} caught up, ${totals.pulls} pulls (${totals.pullErrors} failed)`);
      }, 10_000).unref();
    }
    // The storm starts: counted from here, but a duplicate whenever it happened.
    else if (line === 'ROUND') {
      for (const key of Object.keys(totals) as (keyof typeof totals)[]) if (key !== 'duplicated') totals[key] = 0;
    }
    else if (line === 'REPORT') {
      console.info(JSON.stringify(report()));
      process.exit(0);
    }
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
