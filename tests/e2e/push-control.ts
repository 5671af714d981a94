import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Gateway } from '../../src/server/gateway.ts';

/** What a test can see and steer of `/api/sync/push` on an e2e gateway. */
export interface PushControl {
  /** While true, every push is answered 503 (the outbox stays pending, the rest of the API works). */
  refuse: boolean;
  /** While set, every push waits for it before reaching the handler. */
  hold: Promise<void> | null;
  /** Highest number of pushes in flight at once, per device id. */
  maxInFlight: Map<string, number>;
  /** Number of pushes that reached the handler. */
  handled: number;
  /** Number of pushes that arrived (before any hold). */
  arrived: number;
}

type CountedRequest = FastifyRequest & { counted?: boolean };

/**
 * Observes the gateway's `/api/sync/push` through Fastify hooks (concurrency per device), and lets a
 * test refuse (503) or hold pushes. Call it before the gateway listens.
 */
export function observePushes(gateway: Gateway): PushControl {
  const push: PushControl = { refuse: false, hold: null, maxInFlight: new Map(), handled: 0, arrived: 0 };
  const inFlight = new Map<string, number>();
  const isPush = (request: FastifyRequest): boolean => request.method === 'POST' && request.url.startsWith('/api/sync/push');
  const deviceOf = (request: FastifyRequest): string => String((request.body as { deviceId?: unknown } | undefined)?.deviceId ?? '?');
  gateway.app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!isPush(request)) return;
    if (push.refuse) return reply.code(503).send({ error: { code: 'unavailable', message: 'unavailable' } });
    const device = deviceOf(request);
    const now = (inFlight.get(device) ?? 0) + 1;
    inFlight.set(device, now);
    push.maxInFlight.set(device, Math.max(now, push.maxInFlight.get(device) ?? 0));
    (request as CountedRequest).counted = true;
    push.arrived += 1;
    if (push.hold) await push.hold;
    push.handled += 1;
  });
  gateway.app.addHook('onResponse', async (request: FastifyRequest) => {
    if (!(request as CountedRequest).counted) return;
    const device = deviceOf(request);
    inFlight.set(device, (inFlight.get(device) ?? 1) - 1);
  });
  return push;
}

/** Holds every push from now on before its handler; answers the function that lets them all through. */
export function holdPushes(push: PushControl): () => void {
  let release = (): void => undefined;
  push.hold = new Promise<void>((resolveHold) => {
    release = resolveHold;
  });
  return () => {
    push.hold = null;
    release();
  };
}
