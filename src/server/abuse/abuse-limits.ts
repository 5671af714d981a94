import type { FastifyReply } from 'fastify';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { ClientFrame, ServerFrame } from '../../shared/realtime.ts';
import { sendError } from '../http/http-errors.ts';
import type { RedisClient } from '../redis/redis-connection.ts';
import { LIMITED_ACTIONS, type Allowance, type LimitedAction, type RateLimits } from './rate-limits.ts';

/**
 * The one place routes and frames ask "may this user (this socket) do that now?". A user's
 * allowance is counted in Redis (`relais:rl:<action>:<userId>`), so it holds across gateways; a
 * socket's in this gateway's memory (a socket lives on one gateway). Over the limit, the answer
 * says how long until the window frees up: `Retry-After` on HTTP, `retryAfterMs` in frames and in
 * the items of a push batch.
 */

/** How many of the actions asked for fit (the first ones), and the wait before the others would. */
export interface Taken {
  allowed: number;
  /** 0 when everything fit. */
  retryAfterMs: number;
}

type Limiter = RateLimiterAbstract | null;

export class AbuseLimits {
  readonly #user = new Map<LimitedAction, Limiter>();
  readonly #socket = new Map<LimitedAction, Limiter>();
  readonly #points = new Map<LimitedAction, number>();
  readonly #seconds = new Map<LimitedAction, number>();

  constructor(options: { redis: RedisClient; limits: RateLimits }) {
    for (const action of LIMITED_ACTIONS) {
      const { user, socket } = options.limits[action];
      this.#points.set(action, user.points);
      this.#seconds.set(action, user.seconds);
      this.#user.set(
        action,
        limited(user)
          ? new RateLimiterRedis({
              storeClient: options.redis,
              keyPrefix: `relais:rl:${action}`,
              points: user.points,
              duration: user.seconds,
              // Once over, this gateway refuses without asking Redis until the window ends (a flood
              // costs no round trip per frame).
              inMemoryBlockOnConsumed: user.points + 1,
            })
          : null,
      );
      this.#socket.set(action, socket && limited(socket) ? new RateLimiterMemory({ points: socket.points, duration: socket.seconds }) : null);
    }
  }

  /**
   * Takes `count` of the user's allowance for `action` (one Redis round trip): answers how many fit,
   * in order. Refused ones still count until the window ends, so a client retrying in a loop gains nothing.
   */
  async takeForUser(action: LimitedAction, userId: string, count = 1): Promise<Taken> {
    const limiter = this.#user.get(action);
    if (!limiter || count === 0) return { allowed: count, retryAfterMs: 0 };
    try {
      await limiter.consume(userId, count);
      return { allowed: count, retryAfterMs: 0 };
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      // Refused by the in-memory block, consumedPoints is 0: nothing fits.
      const over = err.consumedPoints - (this.#points.get(action) ?? 0);
      return { allowed: over > 0 ? Math.max(0, count - over) : 0, retryAfterMs: Math.max(1, err.msBeforeNext) };
    }
  }

  /**
   * Where a user's allowance for `action` is counted in Redis, its size and its window: for a script
   * that takes and checks it in the same step as its write (ALLOWANCE in store/lua/fragments.ts), as
   * this library would. Null when not limited.
   */
  allowanceOf(action: LimitedAction, userId: string): { key: string; max: number; seconds: number } | null {
    const limiter = this.#user.get(action);
    if (!limiter) return null;
    const key = limiter.getKey(userId);
    // Blocked in this gateway's memory, a take refuses without counting in Redis, so a script would
    // read a count without the take: the caller takes first instead (refused at once, no script).
    const blocked = (limiter as unknown as { getInMemoryBlockMsBeforeExpire?: (rlKey: string) => number }).getInMemoryBlockMsBeforeExpire;
    if (typeof blocked !== 'function' || blocked.call(limiter, key) > 0) return null;
    return { key, max: this.#points.get(action) ?? 0, seconds: this.#seconds.get(action) ?? 0 };
  }

  /**
   * After a script refused over the user's allowance (taken in the script, see allowanceOf): the wait
   * until the window frees up, 0 if it already has. Takes nothing, but blocks the user in this
   * gateway's memory as a refused take would (the next push is refused without asking Redis).
   */
  async waitAfterRefusal(action: LimitedAction, userId: string): Promise<number> {
    const limiter = this.#user.get(action);
    if (!limiter) return 0;
    try {
      await limiter.consume(userId, 0);
      return 0;
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      return Math.max(1, err.msBeforeNext);
    }
  }

  /** One frame from a socket: its own allowance first (memory), then its user's. 0 when allowed, else the wait in ms. */
  async takeForFrame(action: LimitedAction, socketId: string, userId: string): Promise<number> {
    const socket = this.#socket.get(action);
    if (socket) {
      try {
        await socket.consume(socketId);
      } catch (err) {
        if (err instanceof RateLimiterRes) return Math.max(1, err.msBeforeNext);
        throw err;
      }
    }
    const taken = await this.takeForUser(action, userId);
    return taken.allowed === 1 ? 0 : taken.retryAfterMs;
  }
}

const limited = (allowance: Allowance): boolean => allowance.points > 0;

/** The limited action a client frame is, if it is one. */
export function frameAction(frame: ClientFrame): LimitedAction | null {
  switch (frame.type) {
    case 'typing':
      return 'typing';
    case 'presence':
      return 'presence';
    case 'call.invite':
      return 'callInvite';
    default:
      return null;
  }
}

/** What a socket gets for a frame over its limit: a call invite's own `call.error` (the caller's screen ends), else `error`. */
export function rateLimitedFrame(frame: ClientFrame, retryAfterMs: number): ServerFrame {
  if (frame.type === 'call.invite') return { type: 'call.error', callId: frame.callId, code: 'rate_limited', retryAfterMs };
  return { type: 'error', code: 'rate_limited', retryAfterMs, ...(frame.type === 'typing' ? { conversationId: frame.conversationId } : {}) };
}

/** 429 `rate_limited` with `Retry-After` in whole seconds (at least 1). */
export function sendRateLimited(reply: FastifyReply, retryAfterMs: number): FastifyReply {
  reply.header('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
  return sendError(reply, 'rate_limited');
}
