import { parentPort } from 'node:worker_threads';
import { SimDevice, TRAFFIC, type GatewayDirectory } from './device.ts';
import type { FromWorker, ToWorker, WorkerReport } from './device-wire.ts';
import { FaultStats } from './faults.ts';
import { Rng } from './prng.ts';

/**
 * A worker thread holding some of a chaos run's simulated devices (device-pool.ts): each one the real
 * service-worker modules on its own fake-indexeddb, its own WebSocket and fetch, as in the main
 * thread. The main thread drives them by message; the gateways' addresses follow the harness's kills
 * and restarts.
 */

const port = parentPort;
if (!port) throw new Error('device-worker.ts runs in a worker thread');

let urls: (string | null)[] = [];
const gateways: GatewayDirectory = {
  get gatewayCount() {
    return urls.length;
  },
  urlOf: (index) => urls[index] ?? null,
};
const stats = new FaultStats();
const devices = new Map<string, SimDevice>();

const answer = (message: FromWorker): void => port.postMessage(message);

async function call(device: string, method: string, args: unknown[]): Promise<unknown> {
  const target = devices.get(device);
  if (!target) throw new Error(`no device ${device} in this worker`);
  const fn = (target as unknown as Record<string, unknown>)[method];
  if (typeof fn !== 'function') throw new Error(`no method ${method}`);
  const value: unknown = await (fn as (...a: unknown[]) => unknown).apply(target, args);
  if (method === 'close') devices.delete(device);
  return value;
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'gateways':
      urls = message.urls;
      break;
    case 'create': {
      const { name, home, account, seed, policy } = message;
      devices.set(name, new SimDevice({ name, home, account, gateways, rng: new Rng(seed), policy, stats }));
      break;
    }
    case 'call':
      call(message.device, message.method, message.args).then(
        (value) => answer({ type: 'answer', id: message.id, ok: true, value }),
        (error: unknown) => answer({ type: 'answer', id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
      );
      break;
    case 'report': {
      const report: WorkerReport = { faults: stats.toJSON(), traffic: Object.fromEntries(TRAFFIC) };
      answer({ type: 'answer', id: message.id, ok: true, value: report });
      break;
    }
  }
});
