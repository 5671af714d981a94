import { describe, expect, it } from 'vitest';
import { LOGIN_DELAYS_SECONDS, LOGIN_SLOWDOWN } from '../../../../src/server/auth/login-limiter.ts';

describe('the login slowdown', () => {
  it('grows its delays as Fibonacci seconds up to 5 minutes, never a 15-minute lockout', () => {
    expect(LOGIN_DELAYS_SECONDS).toEqual([1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 300]);
    expect(LOGIN_SLOWDOWN.maxDelaySeconds).toBeLessThan(15 * 60);
    expect(LOGIN_SLOWDOWN.account.freeAttempts).toBe(5);
  });
});
