import type { Redis } from 'ioredis';

const coalescing = new WeakSet<object>();
/** Taken at load: a test faking timers must not hold Redis writes back. */
const endOfTurn = setImmediate;

/**
 * Speed trick: the commands a connection sends during one event-loop turn leave in one system call.
 * Its socket is corked at the turn's first write and uncorked at the end of the turn (setImmediate).
 * ioredis writes each command on its own otherwise; under load the session lookups, append scripts
 * and publishes of many requests handled in the same turn cost one write each, and those writes were
 * a tenth of the gateway's CPU under `npm run bench`. Order, replies and errors are ioredis's as
 * before: only when the bytes go out changes. (ioredis's own auto-pipelining is not used: see
 * redis-connection.ts.) It wraps the connection socket's `write`, as ioredis offers no hook for it.
 */
export function coalesceWrites(redis: Redis): void {
  const patch = (): void => {
    const stream = (redis as unknown as { stream?: NodeJS.WritableStream & { cork(): void; uncork(): void } }).stream;
    if (!stream || coalescing.has(stream)) return;
    coalescing.add(stream);
    let corked = false;
    const uncork = (): void => {
      corked = false;
      stream.uncork();
    };
    const write = stream.write;
    stream.write = function (this: unknown, ...args: unknown[]) {
      if (!corked) {
        corked = true;
        stream.cork();
        endOfTurn(uncork);
      }
      return (write as (...a: unknown[]) => boolean).apply(this, args);
    } as typeof stream.write;
  };
  // A new socket on every (re)connection; 'connect' comes before the first user command is written.
  redis.on('connect', patch);
  patch();
}
