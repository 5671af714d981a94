import { tracingChannel, type TracingChannelSubscribers } from 'node:diagnostics_channel';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * What belongs to the process rather than to one gateway: prom-client's default metrics (CPU,
 * memory, event-loop lag as `nodejs_eventloop_lag_*`, GC, handles) and the latency of every Redis
 * command the process sends, heard on ioredis's tracing channel (`ioredis:command`, its own observer
 * of each command written, on a single Redis and on every node of a Cluster alike).
 *
 * Timing a command through that channel costs ~2 µs of CPU (measured here: 5.7 → 7.7 µs per HGET,
 * median of 5 runs of 200,000), the channel's context and promise included. So commands are timed
 * during a share of each 10 s period only (one second by default): the histogram is a sample of the
 * traffic, its `_count` the commands sent while timing, not all of them.
 */

/** Redis command latency buckets, in seconds: a loopback round trip is ~0.1 ms, a slow disk's fsync tens. */
const REDIS_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
const SAMPLE_PERIOD_MS = 10_000;

/** What ioredis hands the tracing channel for each command (ioredis/built/tracing.js). */
interface CommandContext {
  command: string;
  [STARTED]?: number;
}
const STARTED = Symbol('relais.startedAt');

/** The process's metrics while at least one gateway holds them. */
export interface ProcessMetrics {
  readonly registry: Registry;
  /** Lets go of them (gateway closed); the last release stops timing Redis commands. */
  release(): void;
}

interface Shared {
  registry: Registry;
  timing: RedisCommandTiming;
  /** The timing share each live holder asked for: the largest wins. */
  holders: Set<{ share: number }>;
}

let shared: Shared | undefined;

/**
 * The process's registry, made at the first call: default metrics once per process (they cannot be
 * stopped), Redis command timing while a gateway holds it, at the largest `redisTimingShare` asked.
 */
export function acquireProcessMetrics(options: { redisTimingShare: number }): ProcessMetrics {
  if (!shared) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    shared = { registry, timing: new RedisCommandTiming(registry), holders: new Set() };
  }
  const current = shared;
  const holder = { share: options.redisTimingShare };
  current.holders.add(holder);
  current.timing.setShare(Math.max(...[...current.holders].map((h) => h.share)));
  let released = false;
  return {
    registry: current.registry,
    release() {
      if (released) return;
      released = true;
      current.holders.delete(holder);
      current.timing.setShare(current.holders.size === 0 ? 0 : Math.max(...[...current.holders].map((h) => h.share)));
    },
  };
}

/** Times Redis commands during `share` of each period, by command name (a bounded set: no key, no argument). */
class RedisCommandTiming {
  readonly #channel = tracingChannel<unknown, CommandContext>('ioredis:command');
  readonly #histogram: Histogram<'command'>;
  /** One child per command name: observing through it skips the label lookup of each call. */
  readonly #children = new Map<string, Histogram.Internal<'command'>>();
  readonly #handlers: TracingChannelSubscribers<CommandContext>;
  #share = 0;
  #subscribed = false;
  #period: NodeJS.Timeout | undefined;
  #window: NodeJS.Timeout | undefined;

  constructor(registry: Registry) {
    this.#histogram = new Histogram({
      name: 'relais_redis_command_duration_seconds',
      help: 'Redis command latency seen by the gateway (sent → answered), by command; sampled: see RELAIS_METRICS_REDIS_SAMPLE',
      labelNames: ['command'],
      buckets: REDIS_BUCKETS,
      registers: [registry],
    });
    const ignore = (): void => undefined;
    this.#handlers = {
      start: (context) => {
        context[STARTED] = performance.now();
      },
      // After an answer or an error alike.
      asyncEnd: (context) => {
        const started = context[STARTED];
        if (started === undefined) return;
        this.#child(context.command).observe((performance.now() - started) / 1_000);
      },
      end: ignore,
      asyncStart: ignore,
      error: ignore,
    };
  }

  #child(command: string): Histogram.Internal<'command'> {
    let child = this.#children.get(command);
    if (!child) this.#children.set(command, (child = this.#histogram.labels(command)));
    return child;
  }

  /** 0: never timed; 1: always; between: that share of each 10 s period, from its start. */
  setShare(share: number): void {
    if (share === this.#share) return;
    this.#share = share;
    clearInterval(this.#period);
    clearTimeout(this.#window);
    this.#period = undefined;
    if (share >= 1) return this.#subscribe(true);
    this.#subscribe(false);
    if (share <= 0) return;
    const open = (): void => {
      this.#subscribe(true);
      this.#window = setTimeout(() => this.#subscribe(false), share * SAMPLE_PERIOD_MS);
      this.#window.unref();
    };
    open();
    this.#period = setInterval(open, SAMPLE_PERIOD_MS);
    this.#period.unref();
  }

  #subscribe(on: boolean): void {
    if (on === this.#subscribed) return;
    this.#subscribed = on;
    if (on) this.#channel.subscribe(this.#handlers);
    else this.#channel.unsubscribe(this.#handlers);
  }
}
