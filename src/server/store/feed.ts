import { crossSlotPipeline, type RedisClient as Redis } from '../redis/redis-connection.ts';
import { KEYS } from './keys.ts';
import { withScripts, type PipelineScriptCommands } from './scripts.ts';

/**
 * Records, for each member, that a conversation changed up to `ver` (their per-user feed, which the
 * pull reads), and makes sure the conversation is in each member's list. Idempotent: a version already
 * fanned out to a member is not recorded twice.
 */
export async function fanout(redis: Redis, conversationId: string, ver: number, memberIds: string[]): Promise<void> {
  if (memberIds.length === 0 || ver <= 0) return;
  withScripts(redis);
  // One member per slot: on a cluster this batch is split per node.
  const pipeline = crossSlotPipeline(redis);
  for (const memberId of memberIds) {
    pipeline.sadd(KEYS.userConvs(memberId), conversationId);
    (pipeline as unknown as PipelineScriptCommands).relaisFanout(
      KEYS.userFeed(memberId),
      KEYS.userFanned(memberId),
      conversationId,
      ver,
    );
  }
  await execOrThrow(pipeline.exec());
}

/**
 * Crash repair: a gateway may stop between a conversation script and its fanout. Comparing each of
 * the user's conversations' last version with what was fanned to the user, and fanning out the
 * laggards, makes the pull correct on its own.
 */
export async function repairFeed(redis: Redis, userId: string): Promise<number> {
  const conversationIds = await redis.smembers(KEYS.userConvs(userId));
  if (conversationIds.length === 0) return 0;
  const read = crossSlotPipeline(redis);
  for (const cid of conversationIds) read.hget(KEYS.convMeta(cid), 'ver');
  read.hgetall(KEYS.userFanned(userId));
  const replies = await execOrThrow(read.exec());
  const fanned = (replies[replies.length - 1] ?? {}) as Record<string, string>;
  withScripts(redis);
  const write = redis.pipeline();
  let laggards = 0;
  conversationIds.forEach((cid, i) => {
    const ver = Number(replies[i] ?? 0);
    if (ver > Number(fanned[cid] ?? 0)) {
      laggards += 1;
      (write as unknown as PipelineScriptCommands).relaisFanout(KEYS.userFeed(userId), KEYS.userFanned(userId), cid, ver);
    }
  });
  if (laggards > 0) await execOrThrow(write.exec());
  return laggards;
}

/** Unwraps a pipeline's replies, throwing the first command error. */
export async function execOrThrow(pending: Promise<[Error | null, unknown][] | null>): Promise<unknown[]> {
  const replies = await pending;
  if (replies === null) throw new Error('pipeline aborted');
  return replies.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}
