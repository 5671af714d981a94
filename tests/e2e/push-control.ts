import type { PushWrapper } from '../../src/server/messaging/push.ts';

/** What a test can see and steer of the pushes on an e2e gateway (`/api/sync/push` or the socket's `push` frame). */
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

/**
 * Observes the gateway's pushes, over HTTP (`POST /api/sync/push`) or carried by a tab's realtime
 * socket alike (MessagingConfig.aroundPush: concurrency per device), and lets a test refuse (503) or
 * hold them. Pass `around` in the gateway's config.
 */
export function observePushes(): { control: PushControl; around: PushWrapper } {
  const push: PushControl = { refuse: false, hold: null, holdIf: null, maxInFlight: new Map(), handled: 0, arrivedMutations: [] };
  const inFlight = new Map<string, number>();
  const around: PushWrapper = async (body, next) => {
    if (push.refuse) return { status: 503, body: { error: { code: 'unavailable', message: 'unavailable' } } };
    const device = String((body as { deviceId?: unknown } | undefined)?.deviceId ?? '?');
    const now = (inFlight.get(device) ?? 0) + 1;
    inFlight.set(device, now);
    push.maxInFlight.set(device, Math.max(now, push.maxInFlight.get(device) ?? 0));
    try {
      const mutations = (body as { mutations?: ArrivedMutation[] } | undefined)?.mutations ?? [];
      push.arrivedMutations.push(...mutations);
      if (push.hold && (push.holdIf?.(mutations) ?? true)) await push.hold;
      push.handled += 1;
      return await next();
    } finally {
      inFlight.set(device, (inFlight.get(device) ?? 1) - 1);
    }
  };
  return { control: push, around };
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
