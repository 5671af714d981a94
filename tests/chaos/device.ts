import type { LocalMessage } from '../../src/shared/local-model.ts';
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { WebSocket } from 'ws';
import type { User } from '../../src/shared/model.ts';
import type { ServerFrame } from '../../src/shared/realtime.ts';
import type { SwArgs, SwOp, SwResults } from '../../src/shared/sw-requests.ts';
import type { FetchLike } from '../../src/shared/api-client.ts';
import { handleRequest } from '../../src/sw/router.ts';
import { SwContext, type ActiveUser } from '../../src/sw/session/context.ts';
import type { FaultPolicy, FaultStats } from './faults.ts';
import type { Rng } from './prng.ts';
import { isCallFrame } from '../../src/shared/calls.ts';
import { SESSION_COOKIE } from '../../src/server/auth/sessions.ts';

/**
 * One simulated device: the real service-worker modules (SwContext + handleRequest) on a private
 * fake-indexeddb, talking to a real gateway through a fault layer, and a real WebSocket whose live
 * frames are forwarded to the service worker as a tab does, with duplicates and reordering injected.
 *
 *   tab ops ──handleRequest──▶ SwContext (Dexie on fake-indexeddb) ──fetch──▶ fault layer ──▶ gateway
 *   ws frames ──dup/reorder──▶ handleRequest('live.frame')                 offline: TypeError
 *                                                                            drop: real answer, then TypeError
 */

/** Requests by op (tab → SW) and by path (SW → gateway), for the run's report. */
export const TRAFFIC = new Map<string, number>();

/** The service worker's own origin; the fault layer maps it to a live gateway. */
const SW_ORIGIN = 'http://relais.chaos';

/** Where the gateways are now (null while one is down). */
export interface GatewayDirectory {
  gatewayCount: number;
  urlOf(index: number): string | null;
}

export interface DeviceOptions {
  name: string;
  /** Gateway this device prefers (a load balancer sends it to another one while it is down). */
  home: number;
  account: User & { password: string };
  gateways: GatewayDirectory;
  rng: Rng;
  policy: FaultPolicy;
  stats: FaultStats;
}

/** A message as a device holds it, for the invariants. */
export interface HeldMessage {
  messageId: string;
  seq: number | null;
  body: string;
  status: string;
  errorCode?: string;
  /** Edit and redact (sw/store/amend.ts): how many previous versions, withdrawn, an edit still pending. */
  versions?: number;
  redacted?: boolean;
  pendingEdit?: boolean;
}

/**
 * One answer the gateway gave to a `message.ack` this device pushed, as it came back over the wire:
 * `dropped` when the fault layer then threw it away (the outbox sends the same mutation again).
 */
export interface AckAnswer {
  mutationId: string;
  conversationId: string;
  messageId: string;
  claim: boolean;
  seq: number | null;
  error?: string;
  dropped: boolean;
}

/**
 * What the harness does with a device and asks of it. `SimDevice` is one in this thread;
 * `RemoteDevice` (device-pool.ts) is one in a worker thread, reached by messages.
 */
export interface ChaosDevice {
  readonly name: string;
  readonly account: User & { password: string };
  request<Op extends SwOp>(op: Op, args: SwArgs<Op>): Promise<SwResults[Op]>;
  signIn(): Promise<void>;
  /** Cuts the network for `ms` unless it is already cut. */
  goOffline(ms: number): void;
  goOnline(): void;
  setFaults(enabled: boolean): void;
  settle(): Promise<void>;
  close(): Promise<void>;
  /** Highest seq of a sent message held in the conversation (0 when none). */
  lastSentSeq(conversationId: string): Promise<number>;
  /** The read position of `userId` in the conversation as this device knows it (0 when none). */
  readSeq(conversationId: string, userId: string): Promise<number>;
  /** The conversation's messages that have a seq, in seq order. */
  history(conversationId: string): Promise<HeldMessage[]>;
  /** The status of one message as held (undefined when the device does not hold it). */
  statusOf(messageId: string): Promise<string | undefined>;
  /** Messages not sent yet (pending or failed), every conversation. */
  unsent(): Promise<HeldMessage[]>;
  outboxCount(): Promise<number>;
  /** Messages held of conversations other than these. */
  foreignCount(conversationIds: readonly string[]): Promise<number>;
  /** Changes whenever the store gains messages, reads, outbox entries or a new cursor. */
  fingerprint(): Promise<string>;
  /** Which of `texts` appear anywhere in the device's store (every row of every table). */
  textsHeld(texts: readonly string[]): Promise<string[]>;
  /** Every answer to a `message.ack` this device pushed, delivered or dropped, in the order they came. */
  ackAnswers(): Promise<AckAnswer[]>;
}

const held = (m: LocalMessage): HeldMessage => ({
  messageId: m.messageId,
  seq: m.seq,
  body: m.body,
  status: m.status,
  ...(m.errorCode ? { errorCode: m.errorCode } : {}),
  ...(m.versions ? { versions: m.versions.length } : {}),
  ...(m.redacted ? { redacted: true } : {}),
  ...(m.pendingBody !== undefined ? { pendingEdit: true } : {}),
});

export class SimDevice implements ChaosDevice {
  readonly ctx: SwContext;
  readonly name: string;
  /** Inject the policy's faults (off while the harness sets up and while it converges at the end). */
  faultsEnabled = true;
  readonly account: User & { password: string };
  #online = true;
  #closed = false;
  #cookie = '';
  #socket: WebSocket | null = null;
  #held: ServerFrame | null = null;
  #heldTimer: ReturnType<typeof setTimeout> | null = null;
  #reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  #offlineTimer: ReturnType<typeof setTimeout> | null = null;
  readonly #inflight = new Set<Promise<unknown>>();
  #requestSeq = 0;
  readonly #ackAnswers: AckAnswer[] = [];

  constructor(readonly options: DeviceOptions) {
    this.name = options.name;
    this.account = options.account;
    this.ctx = new SwContext({
      fetch: this.#fetch,
      baseUrl: SW_ORIGIN,
      broadcast: () => undefined,
      random: () => options.rng.next(),
      idb: { indexedDB: new IDBFactory(), IDBKeyRange },
    });
  }

  get online(): boolean {
    return this.#online;
  }

  /** The signed-in user's store and engine (throws when signed out). */
  get active(): ActiveUser {
    const active = this.ctx.active;
    if (!active) throw new Error(`${this.name} is not signed in`);
    return active;
  }

  /** Sends one tab request to the service worker; resolves with its result, throws its error code. */
  async request<Op extends SwOp>(op: Op, args: SwArgs<Op>): Promise<SwResults[Op]> {
    const id = `${this.name}:${++this.#requestSeq}`;
    TRAFFIC.set(op, (TRAFFIC.get(op) ?? 0) + 1);
    const reply = await handleRequest(this.ctx, { id, op, args });
    if (!reply.ok) throw new Error(`${this.name} ${op}: ${reply.error.code}`);
    return reply.result as SwResults[Op];
  }

  /** Signs in through the service worker (`auth.login`), then opens the live socket. */
  async signIn(): Promise<void> {
    await this.request('auth.login', { username: this.account.username, password: this.account.password });
    this.#connect();
  }

  /** Cuts the network for `ms` (socket closed, every request fails), then comes back and syncs. */
  goOffline(ms: number): void {
    if (!this.#online) return;
    this.options.stats.add('offline-period');
    this.#online = false;
    this.#dropSocket();
    if (this.#offlineTimer) clearTimeout(this.#offlineTimer);
    this.#offlineTimer = setTimeout(() => this.goOnline(), ms);
  }

  /** Network back: reconnect the socket and sync, as a tab does on the `online` event. */
  goOnline(): void {
    if (this.#offlineTimer) clearTimeout(this.#offlineTimer);
    this.#offlineTimer = null;
    if (this.#online || this.#closed) return;
    this.#online = true;
    this.#connect();
    this.#track(this.request('sync.now', { reason: 'online' }));
  }

  /** Goes offline until `goOnline` (no timer). */
  cutNetwork(): void {
    this.options.stats.add('offline-period');
    if (this.#offlineTimer) clearTimeout(this.#offlineTimer);
    this.#offlineTimer = null;
    this.#online = false;
    this.#dropSocket();
  }

  setFaults(enabled: boolean): void {
    this.faultsEnabled = enabled;
  }

  async lastSentSeq(conversationId: string): Promise<number> {
    const last = await this.active.db.messages
      .where('[conversationId+seq]')
      .between([conversationId, Dexie.minKey], [conversationId, Dexie.maxKey])
      .last();
    return last?.seq ?? 0;
  }

  async readSeq(conversationId: string, userId: string): Promise<number> {
    return (await this.active.db.reads.get([conversationId, userId]))?.seq ?? 0;
  }

  async history(conversationId: string): Promise<HeldMessage[]> {
    const rows = await this.active.db.messages.where('[conversationId+seq]').between([conversationId, 0], [conversationId, Infinity]).toArray();
    return rows.map(held);
  }

  async statusOf(messageId: string): Promise<string | undefined> {
    return (await this.active.db.messages.get(messageId))?.status;
  }

  async unsent(): Promise<HeldMessage[]> {
    return (await this.active.db.messages.where('status').anyOf('pending', 'failed').toArray()).map(held);
  }

  outboxCount(): Promise<number> {
    return this.active.db.outbox.count();
  }

  foreignCount(conversationIds: readonly string[]): Promise<number> {
    return this.active.db.messages.filter((m) => !conversationIds.includes(m.conversationId)).count();
  }

  async textsHeld(texts: readonly string[]): Promise<string[]> {
    const { db } = this.active;
    const dump = JSON.stringify(await Promise.all(db.tables.map((table) => table.toArray())));
    return texts.filter((text) => dump.includes(text));
  }

  async ackAnswers(): Promise<AckAnswer[]> {
    return this.#ackAnswers;
  }

  async fingerprint(): Promise<string> {
    const { db } = this.active;
    const [messages, outbox, cursor, reads] = await Promise.all([db.messages.count(), db.outbox.count(), db.meta.get('cursor'), db.reads.count()]);
    return `${messages}/${reads}/${String(cursor?.value)}${outbox > 0 ? `/outbox:${outbox}` : ''}`;
  }

  /** Waits for every forwarded frame, background request and the engine's flush/pull to finish. */
  async settle(): Promise<void> {
    for (;;) {
      if (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
      await this.ctx.active?.engine.whenIdle();
      if (this.#inflight.size === 0 && !this.#held) return;
      if (this.#held) this.#releaseHeld();
    }
  }

  /** Stops the socket, timers and the service worker's store. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#online = false;
    for (const timer of [this.#offlineTimer, this.#reconnectTimer, this.#heldTimer]) if (timer) clearTimeout(timer);
    this.#dropSocket();
    await Promise.allSettled([...this.#inflight]);
    this.ctx.close();
  }

  #track<T>(promise: Promise<T>): void {
    const tracked = promise.catch(() => undefined);
    this.#inflight.add(tracked);
    void tracked.finally(() => this.#inflight.delete(tracked));
  }

  /** The gateway a request goes to: home when up, else the first other one up. */
  #gatewayUrl(): string | null {
    const { gateways, home } = this.options;
    for (let i = 0; i < gateways.gatewayCount; i++) {
      const url = gateways.urlOf((home + i) % gateways.gatewayCount);
      if (url) return url;
    }
    return null;
  }

  readonly #fetch: FetchLike = async (input, init) => {
    const { stats, policy, rng } = this.options;
    if (!this.#online) {
      stats.add('request-while-offline');
      throw new TypeError('Failed to fetch (device offline)');
    }
    const base = this.#gatewayUrl();
    if (!base) {
      stats.add('request-to-dead-gateway');
      throw new TypeError('Failed to fetch (no gateway)');
    }
    const url = input.startsWith(SW_ORIGIN) ? base + input.slice(SW_ORIGIN.length) : input;
    const headers = new Headers(init?.headers);
    headers.set('origin', base);
    if (this.#cookie) headers.set('cookie', this.#cookie);
    const isPush = url.includes('/api/sync/push');
    const path = url.replace(/^https?:\/\/[^/]+/, '').split('?')[0] ?? '';
    TRAFFIC.set(path, (TRAFFIC.get(path) ?? 0) + 1);
    const isPull = url.includes('/api/sync/pull');
    const drop =
      this.faultsEnabled && ((isPush && rng.chance(policy.dropPushResponse)) || (isPull && rng.chance(policy.dropPullResponse)));
    const response = await fetch(url, { ...init, headers });
    const session = response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    if (session) this.#cookie = session.split(';')[0] ?? '';
    const body = await response.arrayBuffer();
    if (isPush) this.#recordAckAnswers(init?.body, body, drop);
    if (drop) {
      stats.add(isPush ? 'push-response-dropped' : 'pull-response-dropped');
      throw new TypeError('Failed to fetch (response dropped after the server answered)');
    }
    if (!this.#online) {
      stats.add('response-lost-going-offline');
      throw new TypeError('Failed to fetch (network lost)');
    }
    return new Response(body, { status: response.status, headers: response.headers });
  };

  /** Notes the gateway's answer to each `message.ack` of a push (body as sent, reply as received). */
  #recordAckAnswers(sent: unknown, reply: ArrayBuffer, dropped: boolean): void {
    if (typeof sent !== 'string' || !sent.includes('"message.ack"')) return;
    type Pushed = { id: string; kind: string; args: { conversationId: string; messageId: string; claim?: boolean } };
    type Answered = { id: string; ok: boolean; result?: { seq?: number }; error?: { code: string } };
    let results: Answered[];
    try {
      results = (JSON.parse(new TextDecoder().decode(reply)) as { results?: Answered[] }).results ?? [];
    } catch {
      return;
    }
    const { mutations } = JSON.parse(sent) as { mutations: Pushed[] };
    for (const mutation of mutations) {
      if (mutation.kind !== 'message.ack') continue;
      const result = results.find((r) => r.id === mutation.id);
      if (!result) continue;
      const { conversationId, messageId, claim } = mutation.args;
      this.#ackAnswers.push({
        mutationId: mutation.id,
        conversationId,
        messageId,
        claim: claim === true,
        seq: result.ok ? (result.result?.seq ?? null) : null,
        ...(result.ok ? {} : { error: result.error?.code ?? 'unknown' }),
        dropped,
      });
    }
  }

  #connect(): void {
    if (this.#closed || !this.#online || this.#socket) return;
    const base = this.#gatewayUrl();
    if (!base) return this.#scheduleReconnect();
    const socket = new WebSocket(base.replace(/^http/, 'ws') + '/api/realtime', {
      headers: { cookie: this.#cookie, origin: base },
    });
    this.#socket = socket;
    socket.on('message', (data) => this.#onFrame(data.toString()));
    const gone = (): void => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#scheduleReconnect();
    };
    socket.on('close', gone);
    socket.on('error', gone);
    socket.on('unexpected-response', () => {
      socket.terminate();
      gone();
    });
  }

  #scheduleReconnect(): void {
    if (this.#closed || !this.#online || this.#reconnectTimer) return;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      this.#connect();
    }, this.options.rng.int(100, 400));
  }

  #dropSocket(): void {
    const socket = this.#socket;
    this.#socket = null;
    socket?.terminate();
  }

  #onFrame(text: string): void {
    const frame = JSON.parse(text) as ServerFrame;
    const { rng, policy, stats } = this.options;
    if (frame.type === 'hello') {
      // Frames sent while the socket was down are gone: the tab pulls on every (re)connect.
      this.#track(this.request('sync.now', { reason: 'reconnect' }));
      return;
    }
    if (frame.type !== 'changes') return;
    if (!this.faultsEnabled) return this.#deliver(frame);
    if (rng.chance(policy.dropFrame)) {
      stats.add('frame-dropped');
      return;
    }
    if (!this.#held && rng.chance(policy.reorderFrame)) {
      stats.add('frame-reordered');
      this.#held = frame;
      this.#heldTimer = setTimeout(() => this.#releaseHeld(), rng.int(5, 50));
      return;
    }
    this.#deliver(frame);
    if (rng.chance(policy.duplicateFrame)) {
      stats.add('frame-duplicated');
      const delay = rng.int(0, 30);
      this.#track(new Promise((done) => setTimeout(done, delay)).then(() => this.#deliver(frame)));
    }
    this.#releaseHeld();
  }

  #releaseHeld(): void {
    if (this.#heldTimer) clearTimeout(this.#heldTimer);
    this.#heldTimer = null;
    const held = this.#held;
    this.#held = null;
    if (held) this.#deliver(held);
  }

  #deliver(frame: ServerFrame): void {
    // Like the real tab: call signaling stays in the page, the SW takes live frames only.
    if (this.#closed || isCallFrame(frame)) return;
    this.#track(this.request('live.frame', { frame }));
  }
}
