import type { BackoffPolicy } from '../../src/shared/backoff.ts';

/** One simulated device: a user's browser with its service worker, on one gateway (through its proxy). */
export interface DeviceSpec {
  userId: string;
  /** Relais: the device's own session token (cookie); empty for the peer. */
  token: string;
  /** The proxy in front of its gateway. */
  url: string;
  /** The conversations its user is in (what it should receive). */
  conversations: string[];
}

/** What a device process is told to do (JSON file, path on argv). */
export interface DeviceProcessSpec {
  adapter: 'relais' | 'socketio';
  devices: DeviceSpec[];
  /** Seeds the devices' backoff jitter (each device its own stream). */
  seed: number;
  reconnect: BackoffPolicy;
}

/**
 * Parent → device process, one line each on stdin:
 *   EXPECT <json {conversationId: [fromSeq, toSeq]}>: the messages every member's devices must get;
 *   EXPECT_MORE <json>: the same, grown by the messages sent during the catch-up (the catch-up
 *     times already taken stay; CAUGHT again once all of it is held);
 *   ROUND: the storm starts (counters other than duplicates restart from 0);
 *   RESTORED <epoch ms>: the network came back at this instant (catch-up times count from it);
 *   REPORT: print the result (JSON line) and exit.
 * Device process → parent on stdout: READY (all connected, first pull done), CAUGHT (every device
 * holds every expected message), then the result.
 */
export interface DeviceProcessResult {
  devices: number;
  /** Per device: network back → it holds every expected message, ms (-1: never). */
  catchUpMs: number[];
  /** Per device: network back → its socket open again, ms (-1: never). */
  reopenMs: number[];
  /** Expected (conversation, seq) pairs some device never received, summed over devices. */
  lost: number;
  /** A message stored twice: two message ids at one seq, or one id at two seqs. */
  duplicated: number;
  /** The same message received again (a live frame and a pull page both brought it): re-applied idempotently, not a duplicate. */
  redundant: number;
  viaLive: number;
  viaPull: number;
  pulls: number;
  pullErrors: number;
  /** Connection attempts that failed (the network was cut). */
  failedAttempts: number;
  /** Socket.IO: reconnections where the server recovered the session (connection-state recovery). */
  recovered: number;
  /** Socket.IO: reconnections where it did not (the missed packets are gone for that device). */
  notRecovered: number;
}

/** The counters a device process reports, summed over the processes into the storm's result. */
export const DEVICE_COUNTERS = [
  'lost',
  'duplicated',
  'redundant',
  'viaLive',
  'viaPull',
  'pulls',
  'pullErrors',
  'failedAttempts',
  'recovered',
  'notRecovered',
] as const satisfies readonly (keyof DeviceProcessResult)[];
export type DeviceCounters = Pick<DeviceProcessResult, (typeof DEVICE_COUNTERS)[number]>;

/** Conversation id → [first seq, last seq] expected (inclusive). */
export type Expectation = Record<string, [number, number]>;
