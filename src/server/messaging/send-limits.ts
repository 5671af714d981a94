import type { MutationResult } from '../../shared/mutations.ts';
import type { AbuseLimits } from '../abuse/abuse-limits.ts';

/**
 * Applies a pushed batch within the sender's limits: `apply` gets the items that passed, and the
 * answer has every item's result in the batch's order (see `refusedOverLimit`).
 */
export async function applyWithinLimits(
  limits: AbuseLimits,
  userId: string,
  items: readonly unknown[],
  apply: (passed: readonly unknown[]) => Promise<MutationResult[]>,
): Promise<MutationResult[]> {
  const refused = await refusedOverLimit(limits, userId, items);
  if (refused.size === 0) return apply(items);
  const applied = await apply(items.filter((_, index) => !refused.has(index)));
  let next = 0;
  return items.map((_, index) => refused.get(index) ?? (applied[next++] as MutationResult));
}

/**
 * The message and urgent-flag limits on a pushed batch. Each `message.send` item takes one of the
 * sender's message allowance, an urgent one also one of their urgent allowance. The items past an
 * allowance are answered `rate_limited` with `retryAfterMs`, and so is every message after the first
 * one refused: a user's messages keep the order they were written in (the service worker keeps
 * the refused ones in its outbox and sends them again later, in order).
 */
export async function refusedOverLimit(limits: AbuseLimits, userId: string, items: readonly unknown[]): Promise<Map<number, MutationResult>> {
  const sends = items.map(messageItem);
  const count = sends.filter((send) => send !== null).length;
  const urgentCount = sends.filter((send) => send?.urgent === true).length;
  const refused = new Map<number, MutationResult>();
  if (count === 0) return refused;
  const [messages, urgent] = await Promise.all([
    limits.takeForUser('message', userId, count),
    limits.takeForUser('urgent', userId, urgentCount),
  ]);
  let messageTurn = 0;
  let urgentTurn = 0;
  let retryAfterMs = 0;
  sends.forEach((send, index) => {
    if (send === null) return;
    messageTurn += 1;
    if (send.urgent) urgentTurn += 1;
    if (retryAfterMs === 0 && messageTurn > messages.allowed) retryAfterMs = messages.retryAfterMs;
    if (retryAfterMs === 0 && send.urgent && urgentTurn > urgent.allowed) retryAfterMs = urgent.retryAfterMs;
    if (retryAfterMs > 0) refused.set(index, { id: send.id, ok: false, error: { code: 'rate_limited', retryAfterMs } });
  });
  return refused;
}

/** The id and urgency of a `message.send` item (not validated yet: that comes item by item), or null. */
function messageItem(item: unknown): { id: string; urgent: boolean } | null {
  const { id, kind, args } = (item ?? {}) as { id?: unknown; kind?: unknown; args?: { urgent?: unknown } | null };
  if (kind !== 'message.send') return null;
  return { id: typeof id === 'string' ? id.slice(0, 64) : '', urgent: args?.urgent === true };
}
