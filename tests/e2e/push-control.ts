import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Gateway } from '../../src/server/gateway.ts';

/** What a test can see and steer of `/api/sync/push` on an e2e gateway. */
export interface PushControl {
  /** While true, every push is answered 503 (the outbox stays pending, the rest of the API works). */
  refuse: boolean;
  /** While set, every push (or only those `holdIf` picks) waits for it before reaching the handler. */
  hold: Promise<void> | null;
  /** Which pushes `hold` holds, by the mutations they carry (null: all of them). */
  holdIf: ((mutations: readonly ArrivedMutation[]) => boolean) | null;
  /** Highest number of pushes in flight at once, per device id. */
  maxInFlight: Map<string, number>;
  /** Number of pushes that reached the handler. */
  handled: number;
  /** The mutations of the pushes that arrived, in order (before any hold). */
  arrivedMutations: ArrivedMutation[];
}

/** A mutation as a push carried it. */
export interface ArrivedMutation {
  id: string;
  kind: string;
  args: Record<string, unknown>;
}

type CountedRequest = FastifyRequest & { counted?: boolean };

/**
 * Observes the gateway's `/api/sync/push` through Fastify hooks (concurrency per device), and lets a
 * test refuse (503) or hold pushes. Call it before the gateway listens.
 */
export function observePushes(gateway: Gateway): PushControl {
  const push: PushControl = { refuse: false, hold: null, holdIf: null, maxInFlight: new Map(), handled: 0, arrivedMutations: [] };
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
    const mutations = (request.body as { mutations?: ArrivedMutation[] } | undefined)?.mutations ?? [];
    push.arrivedMutations.push(...mutations);
    if (push.hold && (push.holdIf?.(mutations) ?? true)) await push.hold;
    push.handled += 1;
  });
  gateway.app.addHook('onResponse', async (request: FastifyRequest) => {
    if (!(request as CountedRequest).counted) return;
    const device = deviceOf(request);
    inFlight.set(device, (inFlight.get(device) ?? 1) - 1);
  });
  return push;
}

/**
 * Holds every push from now on (or only those `only` picks) before its handler; answers the function
 * that lets them all through.
 */
export function holdPushes(push: PushControl, only?: (mutations: readonly ArrivedMutation[]) => boolean): () => void {
  let release = (): void => undefined;
  push.holdIf = only ?? null;
  push.hold = new Promise<void>((resolveHold) => {
    release = resolveHold;
  });
  return () => {
    push.hold = null;
    push.holdIf = null;
    release();
  };
}
