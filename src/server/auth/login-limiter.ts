import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/** Login attempts allowed per account and per IP within the window. */
export const LOGIN_LIMITS = { perAccount: 10, perIp: 50, windowSeconds: 15 * 60 } as const;

export interface LoginLimiter {
  /** Counts one attempt; resolves to the seconds to wait when over a limit, else 0. */
  consume(username: string, ip: string): Promise<number>;
  /** After a successful login: forgets the account's failed attempts and gives the IP its point back. */
  succeeded(username: string, ip: string): Promise<void>;
}

/** Redis-backed login limits (shared by every gateway on the store). */
export function createLoginLimiter(redis: Redis): LoginLimiter {
  const account = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: 'relais:rl:login-account',
    points: LOGIN_LIMITS.perAccount,
    duration: LOGIN_LIMITS.windowSeconds,
  });
  const ip = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: 'relais:rl:login-ip',
    points: LOGIN_LIMITS.perIp,
    duration: LOGIN_LIMITS.windowSeconds,
  });
  const waitOf = (err: unknown): number => {
    if (err instanceof RateLimiterRes) return Math.max(1, Math.ceil(err.msBeforeNext / 1000));
    throw err;
  };
  return {
    async consume(username, address) {
      try {
        await ip.consume(address);
        await account.consume(username.toLowerCase());
        return 0;
      } catch (err) {
        return waitOf(err);
      }
    },
    async succeeded(username, address) {
      // Only failures should count: a clinic's tablets often share one address.
      await Promise.all([account.delete(username.toLowerCase()), ip.reward(address, 1)]);
    },
  };
}
