import type { ApiResponse } from '../../shared/api-client.ts';
import { CARRY_PUSH } from '../../shared/sw-events.ts';

/** A window as the carrier needs it (`WindowClient` in the service worker). */
export interface CarrierWindow {
  readonly id: string;
  postMessage(message: unknown, transfer: Transferable[]): void;
}

/** How long a tab may take to answer a carried push before it goes over HTTP after all (idempotent: a late answer changes nothing). */
export const CARRY_TIMEOUT_MS = 10_000;
/** How often the worker checks, while it waits, that the carrying window still exists (`clients.get`). */
export const CARRIER_CHECK_MS = 500;

/**
 * A push carried by a tab on its realtime socket (`push` frame, realtime/push-frames.ts on the
 * gateway) instead of an HTTP request: the gateway does much less work for it (docs/PERFORMANCE.md).
 * Asks the windows in the order given (the browser lists the most recently focused first); each
 * answers the route's `{status, body}` or null at once when its socket is not open, is not `userId`'s
 * (the signed-in user's: never another session of a shared tablet), or the batch is too big for a frame.
 * A window that went away with the push (closed, navigated, crashed: `exists` says no more, or its end
 * of the port closed where the browser says so) answers nothing: the worker stops waiting for it.
 * Null when none carried it, or none answered in time: the caller pushes over HTTP. The mutation ids
 * make a push that went through twice harmless (the second answers the first result).
 */
export async function carryByTab(
  windows: readonly CarrierWindow[],
  push: unknown,
  userId: string,
  exists: (windowId: string) => Promise<boolean>,
  timeoutMs = CARRY_TIMEOUT_MS,
): Promise<ApiResponse | null> {
  for (const window of windows) {
    const { port1, port2 } = new MessageChannel();
    let check: ReturnType<typeof setInterval> | undefined;
    const answer = await new Promise<ApiResponse | null>((settle) => {
      const timer = setTimeout(() => settle(null), timeoutMs);
      const done = (value: ApiResponse | null): void => {
        clearTimeout(timer);
        settle(value);
      };
      port1.onmessage = (event: MessageEvent<ApiResponse | null>) => done(typeof event.data?.status === 'number' ? event.data : null);
      port1.addEventListener('close', () => done(null));
      check = setInterval(() => void exists(window.id).then((there) => there || done(null), () => done(null)), CARRIER_CHECK_MS);
      window.postMessage({ type: CARRY_PUSH, push, userId }, [port2]);
    });
    clearInterval(check);
    port1.close();
    if (answer) return answer;
  }
  return null;
}
