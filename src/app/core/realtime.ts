import { computed, effect, signal } from '@preact/signals';
import type { LiveFrame } from '../../shared/live-frames.ts';
import type { ClientFrame } from '../../shared/realtime.ts';
import { onCallFrame } from '../features/calls/call-listener.ts';
import { Backoff, RECONNECT_BACKOFF } from '../../shared/backoff.ts';
import { parseEphemeralFrame } from './envelope.ts';
import { route } from './route.ts';
import { notePresence } from '../features/presence/presence.ts';
import { clearTyping, noteTyping } from '../features/chat/typing.ts';
import { currentUserId } from './session.ts';
import { syncNow } from './sync.ts';
import { request } from './sw-client.ts';

/**
 * The tab's WebSocket to `/api/realtime`. A service worker is stopped when idle and cannot hold a
 * socket, so the tab holds it and forwards every live frame to the SW, which stores it.
 *
 *   idle ──sign in──▶ connecting ──open──▶ open ──close/error──▶ reconnecting ──timer──▶ connecting
 *    ▲                                                                                       │
 *    └─────────────────────────────── sign out (from any state) ◀─────────────────────────────┘
 */
export type RealtimeStatus = 'idle' | 'connecting' | 'open' | 'reconnecting';

export const realtimeStatus = signal<RealtimeStatus>('idle');
/** True while the WebSocket is open. */
export const connected = computed(() => realtimeStatus.value === 'open');

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

/** Send a frame if the socket is open (frames sent while closed are dropped: live data is best effort). */
export function sendFrame(frame: ClientFrame): void {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
}

/** Live frames handed to the SW, which stores what they carry. */
const FORWARDED = new Set(['hello', 'changes', 'subscribed', 'error', 'preferences']);

function onFrame(raw: unknown): void {
  lastFrameAt = Date.now();
  if (typeof raw !== 'string') return;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return;
  }
  // Call signaling stays in the page (never stored by the SW): the calls module takes it.
  if (onCallFrame(json)) return;
  const type = (json as { type?: unknown } | null)?.type;
  // Pongs only prove the socket is alive; waking the SW for them would cost battery for nothing.
  if (type === 'pong') return;
  // Typing and presence are ephemeral: the page shows them, the SW never stores them.
  if (type === 'typing' || type === 'presence') {
    const frame = parseEphemeralFrame(json);
    if (!frame) return;
    if (frame.type === 'typing') return noteTyping(frame.conversationId, frame.userId);
    return notePresence({ userId: frame.userId, state: frame.state, lastSeen: frame.lastSeen });
  }
  if (typeof type !== 'string' || !FORWARDED.has(type)) return;
  if (type === 'changes') {
    const changes = (json as { changes?: unknown }).changes;
    for (const change of Array.isArray(changes) ? (changes as { type?: unknown; message?: { conversationId?: unknown; senderId?: unknown } }[]) : []) {
      const message = change?.type === 'message' ? change.message : undefined;
      if (typeof message?.conversationId === 'string' && typeof message.senderId === 'string') clearTyping(message.conversationId, message.senderId);
    }
  }
  // The SW validates the frame against the full schema (`live.frame`): the shell does not bundle the
  // schemas of every change, which only the SW needs.
  request('live.frame', { frame: json as LiveFrame }).catch(() => {
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

function subscribeOpenConversation(): void {
  const current = route.peek();
  if (current.name === 'conversation') sendFrame({ type: 'subscribe', conversationId: current.conversationId });
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
    subscribeOpenConversation();
    sendPresence();
    pingTimer = setInterval(() => {
      if (Date.now() - lastFrameAt > SILENCE_MS) {
        ws.close();
        return;
      }
      sendFrame({ type: 'ping', t: Date.now() });
    }, PING_MS);
  };
  ws.onmessage = (event: MessageEvent<unknown>) => onFrame(event.data);
  ws.onclose = () => {
    if (socket !== ws) return;
    socket = null;
    clearTimers();
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

/** Hold the socket while someone is signed in; tell the server which conversation is open. */
export function startRealtime(): void {
  effect(() => {
    if (currentUserId.value) connect();
    else disconnect();
  });
  effect(() => {
    const current = route.value;
    if (current.name === 'conversation' && realtimeStatus.peek() === 'open') {
      sendFrame({ type: 'subscribe', conversationId: current.conversationId });
    }
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
