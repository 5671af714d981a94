/**
 * Capped exponential backoff with jitter, for every retry Relais makes: the tab's WebSocket
 * reconnects and the service worker's outbox flushes. The delay of failure n (0-based) is
 * `min(cap, base × 2^n)`, shortened by up to `jitter` of itself at random, so devices that lost the
 * network together do not all come back in the same instant.
 */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  /** Largest share of the delay taken off at random (0.5: "equal jitter", half fixed, half random). */
  jitter: number;
}

/**
 * WebSocket reconnects: 0.5 s, 1 s, 2 s … up to 8 s, equal jitter. The cap decides how soon a
 * device is back after a gateway restart or a cut on the clinic's side: with 30 s, 2,000 devices were
 * all caught up only 29.5 s after the network came back; with 8 s, 7.9 s (budget 10 s;
 * docs/PERFORMANCE.md, "Reconnect storm"). A cut on the device's own side reconnects at once (`online`).
 */
export const RECONNECT_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 8_000, jitter: 0.5 };

/** Outbox retries: 1 s, 2 s, 4 s … up to 60 s, up to 20 % shorter. */
export const OUTBOX_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 60_000, jitter: 0.2 };

/** The delay before retrying after `failures` failures in a row (at least 1); `random` is injectable for tests. */
export function backoffDelay(policy: BackoffPolicy, failures: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(Math.max(0, failures - 1), 30));
  return Math.round(ceiling * (1 - policy.jitter * random()));
}

/** Counts failures in a row and answers how long to wait before the next attempt. */
export class Backoff {
  readonly #policy: BackoffPolicy;
  readonly #random: () => number;
  #failures = 0;

  constructor(policy: BackoffPolicy, random: () => number = Math.random) {
    this.#policy = policy;
    this.#random = random;
  }

  /** Records a failure and returns how long to wait before the next attempt. */
  next(): number {
    this.#failures += 1;
    return backoffDelay(this.#policy, this.#failures, this.#random);
  }

  /** The longest wait, for failures that backing off will not cure quickly. */
  max(): number {
    return this.#policy.capMs;
  }

  /** Forgets past failures (after a successful exchange). */
  reset(): void {
    this.#failures = 0;
  }

  get failures(): number {
    return this.#failures;
  }
}
