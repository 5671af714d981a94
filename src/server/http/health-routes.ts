import type { FastifyInstance } from 'fastify';
import { Cluster } from 'ioredis';
import type { RedisClient } from '../redis/redis-connection.ts';

/** Why a gateway is not ready: stable names, for the load balancer's log and the operator. */
export type NotReadyReason = 'redis_unreachable' | 'live_not_subscribed';

export type Readiness = { ready: true } | { ready: false; reason: NotReadyReason };

/** Answers whether the gateway can serve now. */
export interface ReadinessProbe {
  check(): Promise<Readiness>;
}

const MESSAGES: Record<NotReadyReason, string> = {
  redis_unreachable: 'Redis does not answer',
  live_not_subscribed: 'Live events between gateways not subscribed',
};

/** A probe's wait for Redis: past it, the gateway is not ready (a load balancer's timeout is often 2 s). */
const PROBE_TIMEOUT_MS = 1_000;

function answers(command: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((done) => {
    timer = setTimeout(() => done(false), PROBE_TIMEOUT_MS);
    timer.unref();
  });
  return Promise.race([command.then(() => true, () => false), late]).finally(() => clearTimeout(timer));
}

/**
 * Ready when Redis answers a PING and the live bus is subscribed: its channels once subscribed
 * (`subscribed`), and its connection up. On a single Redis the subscriber connection is PINGed too:
 * ioredis re-subscribes first after a reconnection on that same connection, so its answer comes after
 * theirs. On a Cluster the sharded subscribers' state is what ioredis says of them.
 */
export function storeReadiness(options: { redis: RedisClient; subscriber: RedisClient; subscribed: Promise<void> }): ReadinessProbe {
  const { redis, subscriber } = options;
  let subscribed = false;
  options.subscribed.then(
    () => (subscribed = true),
    () => undefined,
  );
  return {
    async check() {
      if (!(await answers(redis.ping()))) return { ready: false, reason: 'redis_unreachable' };
      if (!subscribed || subscriber.status !== 'ready') return { ready: false, reason: 'live_not_subscribed' };
      if (!(subscriber instanceof Cluster) && !(await answers(subscriber.ping()))) return { ready: false, reason: 'live_not_subscribed' };
      return { ready: true };
    },
  };
}

/**
 * `GET /healthz` (liveness: the process answers; nothing else is asked, so a Redis outage never gets
 * a gateway restarted) and `GET /readyz` (readiness: 200 `{ready: true}`, else 503 `unavailable`
 * with the `reason`). Neither needs a session, and neither says more than that.
 */
export async function healthRoutes(app: FastifyInstance, readiness: ReadinessProbe): Promise<void> {
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_request, reply) => {
    const state = await readiness.check();
    if (state.ready) return { ready: true };
    return reply.code(503).send({ error: { code: 'unavailable', message: MESSAGES[state.reason], reason: state.reason } });
  });
}
