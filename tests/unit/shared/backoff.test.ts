import { describe, expect, it } from 'vitest';
import { Backoff, backoffDelay, OUTBOX_BACKOFF, RECONNECT_BACKOFF } from '../../../src/shared/backoff.ts';

describe('backoffDelay()', () => {
  it('starts the reconnects between 0.25 s and 0.5 s and doubles', () => {
    expect(backoffDelay(RECONNECT_BACKOFF, 1, () => 1)).toBe(250);
    expect(backoffDelay(RECONNECT_BACKOFF, 1, () => 0)).toBe(500);
    expect(backoffDelay(RECONNECT_BACKOFF, 4, () => 0)).toBe(4000);
  });

  it('never waits more than the cap, however many failures', () => {
    expect(backoffDelay(RECONNECT_BACKOFF, 50, () => 0)).toBe(RECONNECT_BACKOFF.capMs);
    expect(backoffDelay(RECONNECT_BACKOFF, 50, () => 1)).toBe(RECONNECT_BACKOFF.capMs / 2);
    expect(backoffDelay(OUTBOX_BACKOFF, 5000, () => 0)).toBe(OUTBOX_BACKOFF.capMs);
  });

  it('brings a device back within 8 s of the network, however long it was cut (the reconnect storm budget: 10 s)', () => {
    expect(backoffDelay(RECONNECT_BACKOFF, 7, () => 0)).toBe(8000);
    expect(backoffDelay(RECONNECT_BACKOFF, 1_000, () => 0)).toBeLessThanOrEqual(8000);
  });

  it('takes at most a fifth off an outbox retry', () => {
    expect(backoffDelay(OUTBOX_BACKOFF, 1, () => 1)).toBe(800);
    expect(backoffDelay(OUTBOX_BACKOFF, 2, () => 0)).toBe(2000);
  });
});

describe('Backoff', () => {
  it('doubles with each failure and starts over after reset()', () => {
    const backoff = new Backoff(OUTBOX_BACKOFF, () => 0);
    expect([backoff.next(), backoff.next(), backoff.next()]).toEqual([1000, 2000, 4000]);
    expect(backoff.failures).toBe(3);
    backoff.reset();
    expect(backoff.next()).toBe(1000);
    expect(backoff.max()).toBe(60_000);
  });
});
