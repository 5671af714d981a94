import { effect, signal } from '@preact/signals';
import type { LiveFrame } from '../../shared/live-frames.ts';
import type { ClientFrame } from '../../shared/realtime.ts';
import { Backoff, RECONNECT_BACKOFF } from '../../shared/backoff.ts';
import { currentUserId } from './session.ts';
import { syncNow } from './sync.ts';
import { SESSION_ENDED_CLOSE_CODE } from '../../shared/close-codes.ts';
import { handlerRegistry } from './handler-registry.ts';
import { request } from './sw-client.ts';

/**
 * The tab's WebSocket to `/api/realtime`. A service worker is stopped when idle and cannot hold a
 * socket, so the tab holds it: features take the frames they show (`onFrame`), and the frames
 * carrying data to keep go on to the SW, which stores them.
 *
 *   idle ──sign in──▶ connecting ──open──▶ open ──close/error──▶ reconnecting ──timer──▶ connecting
 *    ▲                                                                                       │
 *    └─────────────────────────────── sign out (from any state) ◀─────────────────────────────┘
 */
export type RealtimeStatus = 'idle' | 'connecting' | 'open' | 'reconnecting';

/** Where the socket is in the drawing above (the banner says "reconnecting"). */
export const realtimeStatus = signal<RealtimeStatus>('idle');

/** App-level ping period; the server's heartbeat drops half-open sockets on its side. */
const PING_MS = 25_000;
/** No frame (not even a pong) for this long: the socket is half-open, drop it. */
const SILENCE_MS = 2 * PING_MS + 5_000;

let socket: WebSocket | null = null;
const reconnects = new Backoff(RECONNECT_BACKOFF);
let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
let pingTimer: ReturnType<typeof setInterval> | undefined;
let lastFrameAt = 0;

function realtimeUrl(): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/api/realtime`;
}

/** Send a frame if the socket is open (frames sent while closed are dropped: live data is best effort); true when sent. */
export function sendFrame(frame: ClientFrame): boolean {
  if (socket?.readyState !== WebSocket.OPEN) return false;
  socket.send(JSON.stringify(frame));
  return true;
}

/** A frame's shape once parsed: a `type`, the rest checked by whoever takes it. */
export type IncomingFrame = { readonly type: string } & Readonly<Record<string, unknown>>;
type FrameHandler = (frame: IncomingFrame) => void;

const frameHandlers = handlerRegistry<FrameHandler>('.');

/**
 * Hands the frames of a type (`typing`) or of a family (`call.`) to a feature, which validates them
 * itself; returns the unsubscribe function. The socket knows no feature: features come to it.
 */
export function onFrame(typeOrPrefix: string, handler: FrameHandler): () => void {
  return frameHandlers.add(typeOrPrefix, handler);
}

/**
 * The frames the SW stores (its `live.frame` handler reads only these); any other frame would wake
 * a stopped SW for nothing. Call signaling, typing and presence stay in the page.
 */
const SW_FRAMES: ReadonlySet<string> = new Set(['changes', 'preferences']);

function parseFrame(raw: unknown): IncomingFrame | null {
  if (typeof raw !== 'string') return null;
  try {
    const json: unknown = JSON.parse(raw);
    const type = (json as { type?: unknown } | null)?.type;
    return typeof type === 'string' ? (json as IncomingFrame) : null;
  } catch {
    return null;
  }
}

function receive(raw: unknown): void {
  lastFrameAt = Date.now();
  const frame = parseFrame(raw);
  if (!frame) return;
  frameHandlers.forEach(frame.type, (handler) => handler(frame));
  if (!SW_FRAMES.has(frame.type)) return;
  // The SW validates the frame against the full schema (`live.frame`): the shell does not bundle the
  // schemas of every change, which only the SW needs.
  request('live.frame', { frame: frame as unknown as LiveFrame }).catch(() => {
    // Lost live frames are caught up by the next pull.
  });
}

function clearTimers(): void {
  clearTimeout(reconnectTimer);
  clearInterval(pingTimer);
  reconnectTimer = undefined;
  pingTimer = undefined;
}

/** This device is "online" while the tab is visible, "away" when hidden (presence across devices). */
function sendPresence(): void {
  sendFrame({ type: 'presence', state: document.visibilityState === 'visible' ? 'online' : 'away' });
}

function connect(): void {
  clearTimers();
  const previous = socket;
  socket = null;
  previous?.close();
  realtimeStatus.value = 'connecting';
  const ws = new WebSocket(realtimeUrl());
  socket = ws;
  ws.onopen = () => {
    reconnects.reset();
    lastFrameAt = Date.now();
    realtimeStatus.value = 'open';
    // Live frames sent while we were away are gone: pull to catch up.
    syncNow('reconnect');
    sendPresence();
    pingTimer = setInterval(() => {
      if (Date.now() - lastFrameAt > SILENCE_MS) {
        ws.close();
        return;
      }
      sendFrame({ type: 'ping', t: Date.now() });
    }, PING_MS);
  };
  ws.onmessage = (event: MessageEvent<unknown>) => receive(event.data);
  ws.onclose = (event) => {
    if (socket !== ws) return;
    socket = null;
    clearTimers();
    // The server ended this session (4401: signed out elsewhere, account disabled): ask the SW to
    // contact it now, so it learns why and wipes the store if it must, rather than at the next pull.
    if (event.code === SESSION_ENDED_CLOSE_CODE) syncNow('reconnect');
    realtimeStatus.value = 'reconnecting';
    reconnectTimer = setTimeout(connect, reconnects.next());
  };
}

function disconnect(): void {
  clearTimers();
  const ws = socket;
  socket = null;
  reconnects.reset();
  ws?.close();
  realtimeStatus.value = 'idle';
}

/** Hold the socket while someone is signed in. */
export function startRealtime(): void {
  effect(() => {
    if (currentUserId.value) connect();
    else disconnect();
  });
  document.addEventListener('visibilitychange', sendPresence);
  // Coming back online: do not wait for the backoff timer.
  window.addEventListener('online', () => {
    if (currentUserId.peek() && realtimeStatus.peek() === 'reconnecting') {
      reconnects.reset();
      connect();
    }
  });
}
