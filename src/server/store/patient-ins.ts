import { crossSlotPipeline, type RedisClient as Redis } from '../redis/redis-connection.ts';
import { execOrThrow } from './feed.ts';
import { KEYS } from './keys.ts';

/**
 * A patient account's INS (identifiant national de santé), set by an admin: the `ins` field of the
 * user's hash and the index `relais:ins` (INS → account id), which keeps it unique across accounts
 * and lets staff find the patient's care team from the INS a clinic page shows
 * (`GET /api/patients/care-team`). Never in the directory entry: staff see it nowhere else.
 *
 *   claim     HSETNX relais:ins <ins> <id>          taken by another account: `ins_taken`, nothing written
 *   write     HSET {u:<id>}:user ins <ins>         then the previous INS's index entry goes,
 *   release   HDEL relais:ins <previous>           if it is still this account's (compare and delete)
 *
 * Two slots (the index and the user's hash): a pipeline, not a transaction, as for usernames. A stop
 * between claim and write leaves an index entry whose account does not carry it: `accountOfIns`
 * checks both sides, so such an entry finds nobody (and the next change by an admin repairs it).
 */

/** The account's INS, or null. */
export async function insOf(redis: Redis, userId: string): Promise<string | null> {
  return redis.hget(KEYS.user(userId), 'ins');
}

/** The account that carries this INS (both the index and the account agree), or null. */
export async function accountOfIns(redis: Redis, ins: string): Promise<string | null> {
  const userId = await redis.hget(KEYS.insIndex, ins);
  if (userId === null) return null;
  return (await insOf(redis, userId)) === ins ? userId : null;
}

const RELEASE = "if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) end";

/** Frees `ins` in the index if it is still this account's (an erased account, a changed INS). */
export async function releaseIns(redis: Redis, userId: string, ins: string): Promise<void> {
  await redis.eval(RELEASE, 1, KEYS.insIndex, ins, userId);
}

/**
 * Sets (or, with null, removes) the account's INS: `changed` false when it already had it,
 * `ins_taken` when another account carries it (nothing written then).
 */
export async function setIns(redis: Redis, userId: string, ins: string | null): Promise<{ ok: true; changed: boolean; previous: string | null } | { ok: false; code: 'ins_taken' }> {
  const previous = await insOf(redis, userId);
  if (previous === ins) return { ok: true, changed: false, previous };
  if (ins !== null) {
    const claimed = await redis.hsetnx(KEYS.insIndex, ins, userId);
    // Another account's, unless that entry is a leftover its account no longer carries.
    if (claimed === 0 && (await redis.hget(KEYS.insIndex, ins)) !== userId) {
      const holder = await accountOfIns(redis, ins);
      if (holder !== null) return { ok: false, code: 'ins_taken' };
      await redis.hset(KEYS.insIndex, ins, userId);
    }
  }
  const write = crossSlotPipeline(redis);
  if (ins === null) write.hdel(KEYS.user(userId), 'ins');
  else write.hset(KEYS.user(userId), 'ins', ins);
  if (previous !== null) write.eval(RELEASE, 1, KEYS.insIndex, previous, userId);
  await execOrThrow(write.exec());
  return { ok: true, changed: true, previous };
}
