import { signal } from '@preact/signals';

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

/** The ids of the users typing in a conversation right now. */
export function typingIn(conversationId: string): string[] {
  return Object.keys(typing.value[conversationId] ?? {});
}
