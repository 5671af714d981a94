import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { User } from '../../src/shared/model.ts';
import type { SwArgs, SwOp, SwResults } from '../../src/shared/sw-requests.ts';
import { TRAFFIC, type AckAnswer, type ChaosDevice, type HeldMessage } from './device.ts';
import type { FromWorker, ToWorker, WorkerReport } from './device-wire.ts';
import type { FaultPolicy, FaultStats } from './faults.ts';
import type { Rng } from './prng.ts';
import type { ChaosStack } from './stack.ts';

/**
 * Simulated devices spread over worker threads. Each device's service-worker store, sync engine and
 * socket do the same work wherever they run; in one thread, twenty of them made the run CPU-bound on
 * one core while the other sat mostly idle. The harness (lanes, faults, invariants) stays in the
 * main thread and reaches a device through a `RemoteDevice`, whose calls are messages answered in
 * order per worker.
 *
 *   main: lanes ── RemoteDevice.request() ──postMessage──▶ worker k: SimDevice ──fetch/ws──▶ gateways
 *         ChaosStack kills/restarts ──gateways──▶ every worker (the devices' load balancer)
 */

/** Worker threads for a run: `CHAOS_WORKERS` (0: every device in the main thread), else up to 2. */
export function chaosWorkers(): number {
  const given = process.env.CHAOS_WORKERS;
  if (given !== undefined && given !== '') return Math.max(0, Math.floor(Number(given)) || 0);
  return Math.min(2, availableParallelism());
}

class WorkerLink {
  readonly #worker: Worker;
  readonly #waiting = new Map<number, { done: (value: unknown) => void; fail: (error: Error) => void }>();
  #nextId = 0;
  open = 0;

  constructor() {
    this.#worker = new Worker(new URL('./device-worker-boot.mjs', import.meta.url));
    this.#worker.on('message', (message: FromWorker) => {
      const waiting = this.#waiting.get(message.id);
      this.#waiting.delete(message.id);
      if (!waiting) return;
      if (message.ok) waiting.done(message.value);
      else waiting.fail(new Error(message.error));
    });
    this.#worker.on('error', (error) => {
      for (const waiting of this.#waiting.values()) waiting.fail(error);
      this.#waiting.clear();
    });
  }

  post(message: ToWorker): void {
    this.#worker.postMessage(message);
  }

  ask<T>(message: { type: 'call'; device: string; method: string; args: unknown[] } | { type: 'report' }): Promise<T> {
    const id = ++this.#nextId;
    return new Promise<T>((done, fail) => {
      this.#waiting.set(id, { done: done as (value: unknown) => void, fail });
      this.post({ ...message, id });
    });
  }

  terminate(): Promise<number> {
    return this.#worker.terminate();
  }
}

/** A device living in a worker thread. */
class RemoteDevice implements ChaosDevice {
  constructor(
    readonly name: string,
    readonly account: User & { password: string },
    readonly link: WorkerLink,
    readonly onClosed: () => Promise<void>,
  ) {}

  #call<T>(method: keyof ChaosDevice, ...args: unknown[]): Promise<T> {
    return this.link.ask<T>({ type: 'call', device: this.name, method, args });
  }

  /** A call whose answer nobody waits for (messages stay in order, so later calls see its effect). */
  #send(method: keyof ChaosDevice, ...args: unknown[]): void {
    this.#call(method, ...args).catch(() => undefined);
  }

  request<Op extends SwOp>(op: Op, args: SwArgs<Op>): Promise<SwResults[Op]> {
    return this.#call('request', op, args);
  }

  signIn = (): Promise<void> => this.#call('signIn');
  goOffline = (ms: number): void => this.#send('goOffline', ms);
  goOnline = (): void => this.#send('goOnline');
  setFaults = (enabled: boolean): void => this.#send('setFaults', enabled);
  settle = (): Promise<void> => this.#call('settle');
  lastSentSeq = (conversationId: string): Promise<number> => this.#call('lastSentSeq', conversationId);
  readSeq = (conversationId: string, userId: string): Promise<number> => this.#call('readSeq', conversationId, userId);
  history = (conversationId: string): Promise<HeldMessage[]> => this.#call('history', conversationId);
  statusOf = (messageId: string): Promise<string | undefined> => this.#call('statusOf', messageId);
  unsent = (): Promise<HeldMessage[]> => this.#call('unsent');
  outboxCount = (): Promise<number> => this.#call('outboxCount');
  foreignCount = (conversationIds: readonly string[]): Promise<number> => this.#call('foreignCount', [...conversationIds]);
  fingerprint = (): Promise<string> => this.#call('fingerprint');
  textsHeld = (texts: readonly string[]): Promise<string[]> => this.#call('textsHeld', [...texts]);
  ackAnswers = (): Promise<AckAnswer[]> => this.#call('ackAnswers');

  async close(): Promise<void> {
    try {
      await this.#call('close');
    } finally {
      await this.onClosed();
    }
  }
}

/** Worker threads holding a run's devices; a worker stops when its last device is closed. */
export class DevicePool {
  readonly #links: WorkerLink[];
  readonly #unsubscribe: () => void;
  #created = 0;

  constructor(
    readonly stack: ChaosStack,
    workers: number,
  ) {
    this.#links = Array.from({ length: workers }, () => new WorkerLink());
    const publish = (): void => {
      const urls = Array.from({ length: stack.gatewayCount }, (_, i) => stack.urlOf(i));
      for (const link of this.#links) link.post({ type: 'gateways', urls });
    };
    publish();
    this.#unsubscribe = stack.onGatewaysChanged(publish);
  }

  /** A device in the next worker (round robin). */
  create(options: { name: string; home: number; account: User & { password: string }; rng: Rng; policy: FaultPolicy }): ChaosDevice {
    const link = this.#links[this.#created++ % this.#links.length] as WorkerLink;
    link.post({ type: 'create', name: options.name, home: options.home, account: options.account, seed: options.rng.seed, policy: options.policy });
    link.open += 1;
    return new RemoteDevice(options.name, options.account, link, async () => {
      link.open -= 1;
      if (link.open === 0) {
        if (this.#links.every((l) => l.open === 0)) this.#unsubscribe();
        await link.terminate();
      }
    });
  }

  /** Adds what every worker's devices counted (faults, requests) to the main thread's tallies. */
  async collect(stats: FaultStats): Promise<void> {
    for (const link of this.#links) {
      if (link.open === 0) continue;
      const report = await link.ask<WorkerReport>({ type: 'report' });
      stats.merge(report.faults);
      for (const [key, n] of Object.entries(report.traffic)) TRAFFIC.set(key, (TRAFFIC.get(key) ?? 0) + n);
    }
  }
}
