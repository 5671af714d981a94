import type { User } from '../../src/shared/model.ts';
import type { FaultPolicy } from './faults.ts';

/**
 * Messages between the chaos harness (main thread) and a device worker (device-worker.ts). Device
 * calls carry a method of `ChaosDevice` and its arguments; answers carry the result or the error text.
 */

export type ToWorker =
  | { type: 'gateways'; urls: (string | null)[] }
  | { type: 'create'; name: string; home: number; account: User & { password: string }; seed: number; policy: FaultPolicy }
  | { type: 'call'; id: number; device: string; method: string; args: unknown[] }
  | { type: 'report'; id: number };

export type FromWorker =
  | { type: 'answer'; id: number; ok: true; value: unknown }
  | { type: 'answer'; id: number; ok: false; error: string };

/** What a worker's devices counted: faults injected and requests made. */
export interface WorkerReport {
  faults: Record<string, number>;
  traffic: Record<string, number>;
}
