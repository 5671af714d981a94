/**
 * Capped exponential backoff with jitter for outbox retries: 1 s, 2 s, 4 s, … up to 60 s, each
 * shortened by up to 20 % at random so devices that lost the network together do not all retry
 * in the same instant.
 */
export const BACKOFF = {
  MIN_MS: 1_000,
  MAX_MS: 60_000,
  JITTER: 0.2,
} as const;

export class Backoff {
  #failures = 0;
  readonly #random: () => number;

  constructor(random: () => number = Math.random) {
    this.#random = random;
  }

  /** Records a failure and returns how long to wait before the next attempt. */
  next(): number {
    this.#failures += 1;
    const ceiling = Math.min(BACKOFF.MAX_MS, BACKOFF.MIN_MS * 2 ** Math.min(this.#failures - 1, 30));
    return Math.round(ceiling * (1 - BACKOFF.JITTER * this.#random()));
  }

  /** The longest wait, for failures that backing off will not cure quickly. */
  max(): number {
    return BACKOFF.MAX_MS;
  }

  /** Forgets past failures (after a successful exchange). */
  reset(): void {
    this.#failures = 0;
  }

  get failures(): number {
    return this.#failures;
  }
}
