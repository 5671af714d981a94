import type { RedisClient } from './redis-connection.ts';

/** A periodic job run by one gateway at a time; `stop` ends this gateway's timer. */
export interface Sweeper {
  stop(): void;
}

/**
 * Runs `sweep` now and every `intervalMs` on whichever gateway takes `lockKey` for that period (a
 * Redis lock that expires on its own, so a gateway that died mid-sweep blocks nobody); a tick that
 * finds the previous one still running here is skipped. A failure is logged and tried at the next
 * tick. `sweep` answers the fields logged with `name` (ids and counts only).
 */
export function startLockedSweep(
  redis: RedisClient,
  options: { name: string; lockKey: string; intervalMs: number; sweep: () => Promise<object> },
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void },
): Sweeper {
  const { name, lockKey, intervalMs, sweep } = options;
  let running = false;
  const tick = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      const taken = await redis.set(lockKey, '1', 'PX', Math.max(1_000, intervalMs - 1_000), 'NX');
      if (taken !== 'OK') return;
      log.info(await sweep(), name);
    } catch (error) {
      log.warn({ err: error instanceof Error ? error.message : 'unknown' }, `${name} failed`);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  void tick();
  return { stop: () => clearInterval(timer) };
}
