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

/** When a message refused by its own script's allowance check has no wait from the take (a race with the window's end). */
const RETRY_AFTER_RACE_MS = 1000;

/**
 * The same, for a batch whose message scripts take and check the sender's allowance themselves (an
 * unchecked session on a single Redis: ALLOWANCE in store/lua/fragments.ts): no take of its own, so
 * a push of messages is one command per message and one round trip (one fsync wait with
 * `appendfsync always`). Only when a script refused does the gateway ask the wait (and blocks the
 * user in memory, as a refused take does). Batches with an urgent flag take both allowances first, as
 * above. Measured by `npm run bench` (docs/PERFORMANCE.md, "Changes behind these figures").
 */
export async function applyWithAllowance(
  limits: AbuseLimits,
  userId: string,
  items: readonly unknown[],
  apply: (passed: readonly unknown[], allowance?: { key: string; max: number; count: number; seconds: number }) => Promise<MutationResult[]>,
): Promise<MutationResult[]> {
  const sends = items.map(messageItem);
  const count = sends.filter((send) => send !== null).length;
  const allowance = count === 0 || sends.some((send) => send?.urgent) ? null : limits.allowanceOf('message', userId);
  if (allowance === null) return applyWithinLimits(limits, userId, items, (passed) => apply(passed));
  const results = await apply(items, { ...allowance, count });
  type Failure = Extract<MutationResult, { ok: false }>;
  const refused = (r: MutationResult): r is Failure => !r.ok && r.error.code === 'rate_limited' && r.error.retryAfterMs === undefined;
  if (!results.some(refused)) return results;
  const wait = await limits.waitAfterRefusal('message', userId).catch(() => 0);
  const retryAfterMs = wait > 0 ? wait : RETRY_AFTER_RACE_MS;
  return results.map((r) => (refused(r) ? { ...r, error: { ...r.error, retryAfterMs } } : r));
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

/**
 * The id and urgency of a `message.send` item (not validated yet: that comes item by item), or null.
 * What the allowance counts, and what its place in a batch counts (mutations.ts applyMutations).
 */
export function messageItem(item: unknown): { id: string; urgent: boolean } | null {
  const { id, kind, args } = (item ?? {}) as { id?: unknown; kind?: unknown; args?: { urgent?: unknown } | null };
  if (kind !== 'message.send') return null;
  return { id: typeof id === 'string' ? id.slice(0, 64) : '', urgent: args?.urgent === true };
}
