import type { LadderStep, OncallFunction, RotaHandover, RotaOverride, RotaSlot } from '../../shared/oncall.ts';
import { crossSlotPipeline, type RedisClient as Redis } from '../redis/redis-connection.ts';
import type { Rota } from '../oncall/rota.ts';
import { execOrThrow } from './feed.ts';
import { KEYS } from './keys.ts';

/**
 * Function roles and their rota in Redis: the definitions in one hash, `relais:functions`; each
 * function's weekly pattern (`{f:<id>}:pattern`, JSON), its dated overrides and its handovers (a
 * hash each, one field per entry, so adding or removing one never overwrites another written at the
 * same moment). Overrides and handovers that ended are dropped at the next write. Who holds a
 * function when is computed from these by oncall/rota.ts, never stored.
 */

function parsed<T>(json: string | null | undefined): T | null {
  if (json === null || json === undefined) return null;
  return JSON.parse(json) as T;
}

/** Every function, by name (French order). */
export async function listFunctions(redis: Redis): Promise<OncallFunction[]> {
  const all = Object.values(await redis.hgetall(KEYS.functions)).map((json) => JSON.parse(json) as OncallFunction);
  return all.sort((a, b) => a.name.localeCompare(b.name, 'fr'));
}

export async function getFunction(redis: Redis, id: string): Promise<OncallFunction | null> {
  return parsed<OncallFunction>(await redis.hget(KEYS.functions, id));
}

/** How many functions exist. */
export function countFunctions(redis: Redis): Promise<number> {
  return redis.hlen(KEYS.functions);
}

/** Writes a function's definition (a new one, or a changed one under the same id). */
export async function saveFunction(redis: Redis, definition: OncallFunction): Promise<void> {
  await redis.hset(KEYS.functions, definition.id, JSON.stringify(definition));
}

/** Deletes a function and its rota; false when it did not exist. */
export async function deleteFunction(redis: Redis, id: string): Promise<boolean> {
  const removed = await redis.hdel(KEYS.functions, id);
  if (removed === 0) return false;
  await redis.del(KEYS.functionPattern(id), KEYS.functionOverrides(id), KEYS.functionHandovers(id), KEYS.functionLadder(id), KEYS.functionUrgent(id));
  return true;
}

/** The rotas of these functions (one round trip), in the same order. */
export async function readRotas(redis: Redis, ids: readonly string[]): Promise<Rota[]> {
  if (ids.length === 0) return [];
  const read = crossSlotPipeline(redis);
  for (const id of ids) read.get(KEYS.functionPattern(id)).hgetall(KEYS.functionOverrides(id)).hgetall(KEYS.functionHandovers(id));
  const replies = await execOrThrow(read.exec());
  return ids.map((_, i) => ({
    slots: parsed<RotaSlot[]>(replies[3 * i] as string | null) ?? [],
    overrides: Object.values((replies[3 * i + 1] ?? {}) as Record<string, string>).map((json) => JSON.parse(json) as RotaOverride),
    handovers: Object.values((replies[3 * i + 2] ?? {}) as Record<string, string>).map((json) => JSON.parse(json) as RotaHandover),
  }));
}

/** One function's rota. */
export async function readRota(redis: Redis, id: string): Promise<Rota> {
  const [rota] = await readRotas(redis, [id]);
  return rota!;
}

/** Replaces the weekly pattern (checked by the caller: no overlap, eligible holders). */
export async function savePattern(redis: Redis, id: string, slots: readonly RotaSlot[]): Promise<void> {
  await redis.set(KEYS.functionPattern(id), JSON.stringify(slots));
}

/** Drops the entries of a hash of overrides or handovers that ended by `now`; answers how many remain. */
async function pruneEnded(redis: Redis, key: string, now: number, endOf: (json: string) => number): Promise<number> {
  const entries = await redis.hgetall(key);
  const ended = Object.entries(entries).filter(([, json]) => endOf(json) <= now).map(([field]) => field);
  if (ended.length > 0) await redis.hdel(key, ...ended);
  return Object.keys(entries).length - ended.length;
}

/** How many overrides and handovers of this function have not ended (those ended are dropped). */
export async function pruneRota(redis: Redis, id: string, now: number): Promise<number> {
  const [overrides, handovers] = await Promise.all([
    pruneEnded(redis, KEYS.functionOverrides(id), now, (json) => (JSON.parse(json) as RotaOverride).to),
    pruneEnded(redis, KEYS.functionHandovers(id), now, (json) => (JSON.parse(json) as RotaHandover).until),
  ]);
  return overrides + handovers;
}

export async function addOverride(redis: Redis, id: string, override: RotaOverride): Promise<void> {
  await redis.hset(KEYS.functionOverrides(id), override.id, JSON.stringify(override));
}

/** Removes one override; false when the function has none by that id. */
export async function removeOverride(redis: Redis, id: string, overrideId: string): Promise<boolean> {
  return (await redis.hdel(KEYS.functionOverrides(id), overrideId)) > 0;
}

export async function addHandover(redis: Redis, id: string, handover: RotaHandover): Promise<void> {
  await redis.hset(KEYS.functionHandovers(id), handover.id, JSON.stringify(handover));
}

/** A function's escalation ladder (none: an empty list). */
export async function readLadder(redis: Redis, id: string): Promise<LadderStep[]> {
  return parsed<LadderStep[]>(await redis.get(KEYS.functionLadder(id))) ?? [];
}

/** Replaces a function's escalation ladder (checked by the caller); an empty one is removed. */
export async function saveLadder(redis: Redis, id: string, steps: readonly LadderStep[]): Promise<void> {
  if (steps.length === 0) await redis.del(KEYS.functionLadder(id));
  else await redis.set(KEYS.functionLadder(id), JSON.stringify(steps));
}
