import { effect } from '@preact/signals';
import { LIMITS } from '../../shared/limits.ts';
import { CARRY_PUSH } from '../../shared/sw-events.ts';
import { onFrame, realtimeStatus, sendFrame } from './realtime.ts';

/** Pairs a `pushed` frame with its push inside this tab: a counter plus a per-page random tag. */
const PAGE_TAG = Math.random().toString(36).slice(2, 10);

/**
 * The tab's side of a carried push (src/sw/sync/tab-carrier.ts): the service worker hands over a
 * `POST /api/sync/push` body; the tab sends it as a `push` frame on its open realtime socket and
 * hands back the `pushed` answer's status and body. Null back at once when the socket is not open,
 * speaks for another user than the worker's, or the body would pass the frame limit (the gateway closes a socket on a bigger frame), and for
 * every push still unanswered when the socket closes or the page goes away: the worker then pushes
 * over HTTP (a replay if the gateway had it already).
 */
export function startPushCarrier(): void {
  if (!('serviceWorker' in navigator)) return;
  const waiting = new Map<string, MessagePort>();
  let count = 0;
  /** Whose session the open socket speaks for (its `hello`): a push is carried only for that user. */
  let socketUser: unknown = null;
  onFrame('hello', (frame) => (socketUser = frame.userId));
  onFrame('pushed', (frame) => {
    const port = waiting.get(String(frame.ref));
    if (!port) return;
    waiting.delete(String(frame.ref));
    port.postMessage({ status: frame.status, body: frame.body });
  });
  const giveBack = (): void => {
    for (const port of waiting.values()) port.postMessage(null);
    waiting.clear();
  };
  effect(() => {
    if (realtimeStatus.value === 'open') return;
    socketUser = null;
    giveBack();
  });
  // A tab closing (or going to the back-forward cache) answers nothing more: the worker must not wait for it.
  window.addEventListener('pagehide', giveBack);
  navigator.serviceWorker.addEventListener('message', (event: MessageEvent<unknown>) => {
    const data = event.data as { type?: unknown; push?: unknown; userId?: unknown } | null;
    const port = event.ports[0];
    if (data?.type !== CARRY_PUSH || !port) return;
    // A socket still open for another session of the tablet (the previous user's, closing) never carries.
    if (data.userId !== socketUser) {
      port.postMessage(null);
      return;
    }
    count += 1;
    const ref = `${PAGE_TAG}-${count}`;
    const frame = { type: 'push', ref, push: data.push } as const;
    const fits = new TextEncoder().encode(JSON.stringify(frame)).length <= LIMITS.WS_FRAME_MAX;
    if (!fits || !sendFrame(frame)) {
      port.postMessage(null);
      return;
    }
    waiting.set(ref, port);
  });
  // Messages from the worker wait in the page's queue until this (or DOMContentLoaded).
  navigator.serviceWorker.startMessages();
}
