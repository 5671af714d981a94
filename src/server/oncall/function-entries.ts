import type { FunctionEntry, OncallFunction, StaffRole } from '../../shared/oncall.ts';
import type { UserSummary } from '../../shared/model.ts';
import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import { readRotas } from '../store/functions.ts';
import { getSummaries, isDisabled } from '../store/users.ts';
import { holdingAt, type Rota } from './rota.ts';

/**
 * The functions as the directory shows them: each with who holds it at `now` (their directory
 * entry) and until when. One round trip for the rotas, one for the holders' entries.
 */
export async function functionEntries(redis: Redis, functions: readonly OncallFunction[], now: number): Promise<FunctionEntry[]> {
  const rotas = await readRotas(redis, functions.map((f) => f.id));
  return entriesOf(redis, functions, rotas, now);
}

/** The same, for rotas already read. */
export async function entriesOf(redis: Redis, functions: readonly OncallFunction[], rotas: readonly Rota[], now: number): Promise<FunctionEntry[]> {
  const holdings = rotas.map((rota) => holdingAt(rota, now));
  const holderIds = [...new Set(holdings.map((h) => h.userId).filter((id): id is string => id !== null))];
  const summaries = new Map<string, UserSummary>();
  for (const summary of await getSummaries(redis, holderIds)) if (summary !== null) summaries.set(summary.id, summary);
  return functions.map((definition, i) => {
    const holding = holdings[i]!;
    const holder = holding.userId === null ? null : (summaries.get(holding.userId) ?? null);
    // A holder whose account was deleted holds nothing: the function shows as vacant.
    const held = holder !== null && holder.deleted !== true;
    return { ...definition, holder: held ? holder : null, source: held ? holding.source : null, until: holding.until };
  });
}

/**
 * True when every one of these users may hold the function: an account that exists, is not deleted
 * or disabled, and has one of its eligible roles.
 */
export async function mayHold(redis: Redis, eligibleRoles: readonly StaffRole[], userIds: readonly string[]): Promise<boolean> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return true;
  const summaries = await getSummaries(redis, ids);
  if (!summaries.every((s) => s !== null && s.deleted !== true && (eligibleRoles as readonly string[]).includes(s.role))) return false;
  const disabled = await Promise.all(ids.map((id) => isDisabled(redis, id)));
  return !disabled.some(Boolean);
}
