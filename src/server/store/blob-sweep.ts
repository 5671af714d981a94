import { randomBytes } from 'node:crypto';
import { readdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import { blobPath, discardBlob, releaseUpload } from './blobs.ts';
import { KEYS } from './keys.ts';

/**
 * Files no longer referenced leave the server: those of a conversation deleted for everyone, and in
 * a live conversation those no message in its log names any more (retention trimmed them, or the
 * message that would have named them never came) once `graceMs` has passed since their upload —
 * long enough for a device that uploaded before going offline to send its message. Each release
 * gives the bytes back to the uploader's quota (idempotent), and the file on disk goes when no
 * conversation holds it any more. Safe against a concurrent upload of the same bytes:
 *
 *   upload:  SADD relais:blobref:<sha> conv ──────────────▶ rename temp → <sha>
 *   sweep:   SCARD = 0? ─▶ rename <sha> → trash ─▶ SCARD = 0? ─yes─▶ unlink trash
 *                                                             └─no──▶ rename trash → <sha>
 * Whatever the interleaving, a file someone holds ends in place (an upload renaming after the
 * sweep's second look puts its own copy back).
 */

const LOG_BATCH = 500;
const BLOB_ID = /"(?:id|thumbId)":"([0-9a-f]{64})"/g;

/**
 * An owner field's value: its upload time, prefixed with `named:` once a sweep saw a message name
 * the file. A named file stays named until retention trims messages with files, which clears the
 * marks of that conversation (`forgetNamedBlobs`), so a sweep reads a log only when there is
 * something to decide.
 */
const NAMED = 'named:';

function parseOwner(value: string): { uploadedAt: number; named: boolean } {
  const named = value.startsWith(NAMED);
  return { uploadedAt: Number(named ? value.slice(NAMED.length) : value), named };
}

/** Makes the next sweep look again whether the conversation's messages still name its files (after retention trimmed some). */
export async function forgetNamedBlobs(redis: Redis, conversationId: string): Promise<void> {
  const key = KEYS.convBlobOwners(conversationId);
  const owners = await redis.hgetall(key);
  const marked = Object.entries(owners).filter(([, value]) => value.startsWith(NAMED));
  if (marked.length > 0) await redis.hset(key, ...marked.flatMap(([field, value]) => [field, value.slice(NAMED.length)]));
}

/** The files the conversation's log still names (attachments and thumbnails). */
async function namedInLog(redis: Redis, conversationId: string): Promise<Set<string>> {
  const named = new Set<string>();
  const log = KEYS.convLog(conversationId);
  let start = '-';
  for (;;) {
    const entries = await redis.xrange(log, start, '+', 'COUNT', LOG_BATCH);
    for (const [, fields] of entries) {
      const json = fields[1] ?? '';
      if (!json.includes('"attachments"')) continue;
      for (const match of json.matchAll(BLOB_ID)) named.add(match[1] as string);
    }
    if (entries.length < LOG_BATCH) return named;
    start = `(${entries[entries.length - 1]?.[0] ?? '0-0'}`;
  }
}

/** Removes the file when no conversation holds it (see the diagram above); true when it went. */
export async function removeFileIfUnheld(redis: Redis, dir: string, id: string): Promise<boolean> {
  if ((await redis.scard(KEYS.blobRef(id))) > 0) return false;
  const path = blobPath(dir, id);
  const trash = `${path}.${randomBytes(6).toString('hex')}.trash`;
  try {
    await rename(path, trash);
  } catch {
    return false; // gone already
  }
  if ((await redis.scard(KEYS.blobRef(id))) === 0) {
    await discardBlob(trash);
    return true;
  }
  await rename(trash, path);
  return false;
}

/**
 * Releases the conversation's files that nothing references (all of them once it is deleted for
 * everyone); resolves with the files removed from disk.
 */
export async function releaseConversationBlobs(
  redis: Redis,
  dir: string,
  conversationId: string,
  options: { deleted: boolean; graceMs: number; now: number },
): Promise<number> {
  const ownersKey = KEYS.convBlobOwners(conversationId);
  const owners = await redis.hgetall(ownersKey);
  // A deleted conversation lets go of every file, those uploaded before uploads had owners too.
  const registered = options.deleted ? await redis.hkeys(KEYS.convBlobs(conversationId)) : [];
  const fields = Object.entries(owners).map(([field, value]) => {
    const [id = '', userId = ''] = field.split(':');
    return { field, id, userId, ...parseOwner(value) };
  });
  // Only uploads past their grace and not yet seen named are looked up in the log (once each).
  const due = fields.filter((f) => options.deleted || (!f.named && options.now - f.uploadedAt >= options.graceMs));
  if (due.length === 0 && registered.length === 0) return 0;
  const named = options.deleted ? new Set<string>() : await namedInLog(redis, conversationId);
  const released = new Set<string>(registered);
  const kept = new Set<string>(fields.filter((f) => !due.includes(f)).map((f) => f.id));
  for (const { field, id, userId, uploadedAt } of due) {
    if (named.has(id)) {
      kept.add(id);
      await redis.hset(ownersKey, field, `${NAMED}${uploadedAt}`);
      continue;
    }
    await releaseUpload(redis, { userId, conversationId, id });
    await redis.hdel(ownersKey, field);
    released.add(id);
  }
  let removed = 0;
  for (const id of released) {
    if (kept.has(id)) continue; // another member's upload of the same file still holds it here
    await redis.hdel(KEYS.convBlobs(conversationId), id);
    await redis.srem(KEYS.blobRef(id), conversationId);
    if (await removeFileIfUnheld(redis, dir, id)) removed += 1;
  }
  return removed;
}

/** Removes temporary upload files older than `maxAgeMs` (left by a gateway that stopped mid-upload). */
export async function removeStaleUploads(dir: string, maxAgeMs: number, now: number): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    if (!/^upload-[0-9a-f]+\.tmp$/.test(name)) continue;
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (info && now - info.mtimeMs > maxAgeMs) {
      await discardBlob(path);
      removed += 1;
    }
  }
  return removed;
}

/**
 * Files uploaded before `relais:blobref:<sha>` existed are only in their conversations' `blobs`
 * hashes: records them there once (`relais:blobref:backfilled`), before any file is removed, so a
 * file another conversation still holds is never taken for unheld.
 */
export async function backfillBlobRefs(redis: Redis, conversationIds: readonly string[]): Promise<void> {
  if ((await redis.exists(BACKFILLED)) === 1) return;
  for (const conversationId of conversationIds) {
    for (const id of await redis.hkeys(KEYS.convBlobs(conversationId))) await redis.sadd(KEYS.blobRef(id), conversationId);
  }
  await redis.set(BACKFILLED, '1');
}

const BACKFILLED = 'relais:blobref:backfilled';
