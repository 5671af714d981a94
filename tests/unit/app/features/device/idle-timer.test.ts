import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createIdleTimer } from '../../../../../src/app/features/device/idle-timer.ts';

const MINUTE = 60_000;

function setup() {
  const calls: string[] = [];
  const timer = createIdleTimer({
    warnMs: 30_000,
    onWarn: () => calls.push('warn'),
    onActive: () => calls.push('active'),
    onLock: () => calls.push('lock'),
  });
  return { calls, timer };
}

describe('createIdleTimer() (auto-lock)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('warns 30 s before the limit, then locks at the limit', () => {
    const { calls, timer } = setup();
    timer.start(10 * MINUTE);
    vi.advanceTimersByTime(10 * MINUTE - 30_001);
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual(['warn']);
    vi.advanceTimersByTime(29_999);
    expect(calls).toEqual(['warn']);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual(['warn', 'lock']);
  });

  it('puts the lock off with one action during the warning (WCAG 2.2.1)', () => {
    const { calls, timer } = setup();
    timer.start(10 * MINUTE);
    vi.advanceTimersByTime(10 * MINUTE - 10_000);
    timer.activity();
    expect(calls).toEqual(['warn', 'active']);
    vi.advanceTimersByTime(10 * MINUTE - 30_001);
    expect(calls).toEqual(['warn', 'active']);
    vi.advanceTimersByTime(30_001);
    expect(calls).toEqual(['warn', 'active', 'warn', 'lock']);
  });

  it('counts from the last activity, not from the start', () => {
    const { calls, timer } = setup();
    timer.start(2 * MINUTE);
    vi.advanceTimersByTime(MINUTE);
    timer.activity();
    vi.advanceTimersByTime(2 * MINUTE - 30_001);
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(30_001);
    expect(calls).toEqual(['warn', 'lock']);
  });

  it('does nothing once stopped (signed out or already locked)', () => {
    const { calls, timer } = setup();
    timer.start(MINUTE);
    timer.stop();
    timer.activity();
    vi.advanceTimersByTime(5 * MINUTE);
    expect(calls).toEqual([]);
  });
});
