import type { FastifyReply } from 'fastify';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { sendError } from '../http/http-errors.ts';
import type { RedisClient as Redis } from '../redis/redis-connection.ts';

/**
 * Failed sign-ins slow down; they never lock a clinician out. Per account and per client address,
 * the first `freeAttempts` go through at once; after that each attempt must wait out the delay the
 * previous one set, growing as Fibonacci (1, 1, 2, 3, 5, 8 … s) up to `maxDelaySeconds`. A success
 * forgets the account's attempts and gives the address its attempt back; the counts are forgotten
 * `memorySeconds` after the first. Shared by every gateway through Redis.
 *
 * An address gets more free attempts than an account: a shared tablet signs many people in.
 */
export const LOGIN_SLOWDOWN = {
  account: { freeAttempts: 5 },
  address: { freeAttempts: 100 },
  maxDelaySeconds: 300,
  memorySeconds: 24 * 60 * 60,
} as const;

/** The delay set by each attempt past the free ones: Fibonacci seconds, the last one repeated. */
export const LOGIN_DELAYS_SECONDS: readonly number[] = (() => {
  const delays = [1, 1];
  while ((delays.at(-1) as number) < LOGIN_SLOWDOWN.maxDelaySeconds) delays.push((delays.at(-1) as number) + (delays.at(-2) as number));
  delays[delays.length - 1] = LOGIN_SLOWDOWN.maxDelaySeconds;
  return delays;
})();

export interface LoginLimiter {
  /** Counts one attempt; resolves to the seconds to wait when it must wait, else 0. */
  consume(username: string, ip: string): Promise<number>;
  /** After a successful sign-in: forgets the account's attempts and gives the address its attempt back. */
  succeeded(username: string, ip: string): Promise<void>;
}

/**
 * One dimension (accounts, or addresses) of the slowdown, on rate-limiter-flexible's Redis limiters,
 * as its ExpressBruteFlexible does it (without its Express middleware): `free` counts the attempts,
 * `wait` holds the delay the last admitted attempt set (claimed atomically, so a parallel burst gets
 * one attempt through, not all), `admitted` counts the attempts past the free ones.
 */
class Slowdown {
  readonly #free: RateLimiterRedis;
  readonly #wait: RateLimiterRedis;
  readonly #admitted: RateLimiterRedis;

  constructor(redis: Redis, prefix: string, freeAttempts: number) {
    const common = { storeClient: redis, duration: LOGIN_SLOWDOWN.memorySeconds };
    this.#free = new RateLimiterRedis({ ...common, keyPrefix: `${prefix}:free`, points: freeAttempts });
    this.#wait = new RateLimiterRedis({ ...common, keyPrefix: `${prefix}:wait`, points: 1, duration: LOGIN_SLOWDOWN.maxDelaySeconds });
    this.#admitted = new RateLimiterRedis({ ...common, keyPrefix: `${prefix}:admitted`, points: 1 });
  }

  /** Seconds to wait before this attempt may go through; 0 when it goes through now (and is counted). */
  async attempt(key: string): Promise<number> {
    try {
      await this.#free.consume(key);
      return 0;
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
    }
    const waiting = await this.#wait.get(key);
    if (waiting !== null) return secondsOf(waiting);
    const admitted = (await this.#admitted.get(key))?.consumedPoints ?? 0;
    const delay = LOGIN_DELAYS_SECONDS[Math.min(admitted, LOGIN_DELAYS_SECONDS.length - 1)] as number;
    const claim = await this.#wait.penalty(key, 1, { customDuration: delay });
    // Another attempt claimed the slot first: this one waits out the delay it set.
    if (claim.consumedPoints > 1) return secondsOf(claim);
    await this.#admitted.penalty(key);
    return 0;
  }

  forget(key: string): Promise<unknown> {
    return Promise.all([this.#free.delete(key), this.#wait.delete(key), this.#admitted.delete(key)]);
  }

  giveBack(key: string): Promise<unknown> {
    return this.#free.reward(key, 1);
  }
}

function secondsOf(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}

/**
 * Counts one attempt of whoever claims `username` from `ip` and, when it must wait, answers 429
 * `rate_limited` with `Retry-After`: true then (the route stops). Sign-in, activation and password
 * change all count here: guessing any of them is guessing a password.
 */
export async function slowedDown(limiter: LoginLimiter, username: string, ip: string, reply: FastifyReply): Promise<boolean> {
  const wait = await limiter.consume(username, ip);
  if (wait === 0) return false;
  reply.header('Retry-After', String(wait));
  await sendError(reply, 'rate_limited');
  return true;
}

/** Redis-backed login slowdown (shared by every gateway on the store). */
export function createLoginLimiter(redis: Redis): LoginLimiter {
  const accounts = new Slowdown(redis, 'relais:login:account', LOGIN_SLOWDOWN.account.freeAttempts);
  const addresses = new Slowdown(redis, 'relais:login:address', LOGIN_SLOWDOWN.address.freeAttempts);
  return {
    async consume(username, address) {
      const byAddress = await addresses.attempt(address);
      if (byAddress > 0) return byAddress;
      return accounts.attempt(username.toLowerCase());
    },
    async succeeded(username, address) {
      await Promise.all([accounts.forget(username.toLowerCase()), addresses.giveBack(address)]);
    },
  };
}
