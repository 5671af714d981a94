import { effect, signal } from '@preact/signals';
import { parseEphemeralFrame } from '../../core/envelope.ts';
import { onFrame, realtimeStatus, sendFrame } from '../../core/realtime.ts';
import { route } from '../../core/route.ts';

/**
 * Who is typing where: ephemeral, from the WebSocket's `typing` frames, never stored. The server
 * sends at most one frame per 3 s per user; an entry expires 6 s after the last one.
 */
export const TYPING_EXPIRES_MS = 6_000;

/** conversationId → userId → expiry time (ms). */
export const typing = signal<Record<string, Record<string, number>>>({});

let sweep: ReturnType<typeof setTimeout> | undefined;

function prune(now: number): void {
  const next: Record<string, Record<string, number>> = {};
  let soonest = Infinity;
  for (const [conversationId, users] of Object.entries(typing.peek())) {
    for (const [userId, expiresAt] of Object.entries(users)) {
      if (expiresAt <= now) continue;
      (next[conversationId] ??= {})[userId] = expiresAt;
      soonest = Math.min(soonest, expiresAt);
    }
  }
  typing.value = next;
  clearTimeout(sweep);
  if (soonest !== Infinity) sweep = setTimeout(() => prune(Date.now()), soonest - now + 10);
}

/** Notes a `typing` frame: `userId` is typing in `conversationId` for the next 6 s. */
export function noteTyping(conversationId: string, userId: string, now: number = Date.now()): void {
  const current = typing.peek();
  typing.value = { ...current, [conversationId]: { ...current[conversationId], [userId]: now + TYPING_EXPIRES_MS } };
  prune(now);
}

/** A message from that user arrived: they stopped typing. */
export function clearTyping(conversationId: string, userId: string): void {
  const users = typing.peek()[conversationId];
  if (!users?.[userId]) return;
  const rest = { ...users };
  delete rest[userId];
  typing.value = { ...typing.peek(), [conversationId]: rest };
}

/** A message from a typing user ends their "écrit…" line at once, before it expires. */
function clearSenders(changes: unknown): void {
  for (const change of Array.isArray(changes) ? (changes as { type?: unknown; message?: { conversationId?: unknown; senderId?: unknown } }[]) : []) {
    const message = change?.type === 'message' ? change.message : undefined;
    if (typeof message?.conversationId === 'string' && typeof message.senderId === 'string') clearTyping(message.conversationId, message.senderId);
  }
}

/**
 * Follows the WebSocket's `typing` frames and the messages that end them, and tells the server which
 * conversation is open (it sends this tab that conversation's typing frames) on opening it and on
 * every (re)connection.
 */
export function startTyping(): void {
  effect(() => {
    const current = route.value;
    if (current.name === 'conversation' && realtimeStatus.value === 'open') sendFrame({ type: 'subscribe', conversationId: current.conversationId });
  });
  onFrame('typing', (raw) => {
    const frame = parseEphemeralFrame(raw);
    if (frame?.type === 'typing') noteTyping(frame.conversationId, frame.userId);
  });
  onFrame('changes', (frame) => clearSenders(frame.changes));
}
