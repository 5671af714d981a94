import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import type { Attachment } from '../../shared/model.ts';
import { KEYS } from './keys.ts';
import { defineScript } from './lua/define-script.ts';

/**
 * Uploaded files: bytes on disk under the blob directory, content-addressed by SHA-256
 * (`<dir>/<first 2 hex>/<sha256>`), so the same file sent twice is stored once. Which conversation
 * may read a file is recorded in Redis (`{c:<id>}:blobs`, sha256 → mime): downloads check membership.
 *
 * Every upload is a reference (conversation, file, uploader), recorded three times:
 *   {c:<id>}:blobowners   `<sha256>:<userId>` → upload time (ms)   who to release, and when
 *   {u:<id>}:blobrefs     `<conversationId>:<sha256>` → size       the uploader's quota, with
 *   {u:<id>}:blobbytes    the sum of those sizes                    one script on the user's slot
 *   relais:blobref:<sha256>  the conversations holding the file       the file goes when empty
 * Releasing a reference (blob-sweep.ts) is idempotent: the bytes come off the quota once.
 */

/** The lowercase hex SHA-256 of the bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Where a blob lives on disk. */
export function blobPath(dir: string, id: string): string {
  return join(dir, id.slice(0, 2), id);
}

/** Bytes file-type needs to recognise every accepted type. */
export const SNIFF_BYTES = 4100;

/** An upload written to a temporary file of the blob directory, not yet in place. */
export interface ReceivedBlob {
  temp: string;
  id: string;
  size: number;
  /** The first SNIFF_BYTES bytes (fewer for a smaller file), to sniff its type. */
  head: Buffer;
}

/**
 * Streams `source` into a temporary file of the blob directory, hashing and counting on the way (the
 * file is never held in memory whole). Whatever goes wrong (the source errors, as a multipart stream
 * does past its size limit, or is cut), the temporary file is removed and the error rethrown.
 */
export async function receiveBlob(dir: string, source: Readable): Promise<ReceivedBlob> {
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `upload-${randomBytes(8).toString('hex')}.tmp`);
  const hash = createHash('sha256');
  const heads: Buffer[] = [];
  let headSize = 0;
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      if (headSize < SNIFF_BYTES) {
        heads.push(chunk.subarray(0, SNIFF_BYTES - headSize));
        headSize += Math.min(chunk.length, SNIFF_BYTES - headSize);
      }
      done(null, chunk);
    },
  });
  try {
    await pipeline(source, tap, createWriteStream(temp, { flags: 'wx' }));
  } catch (error) {
    await discardBlob(temp);
    throw error;
  }
  return { temp, id: hash.digest('hex'), size, head: Buffer.concat(heads) };
}

/** Moves a received file into place (a rename: a reader never sees half a file; the same bytes may replace themselves). */
export async function placeBlob(dir: string, received: ReceivedBlob): Promise<void> {
  await mkdir(join(dir, received.id.slice(0, 2)), { recursive: true });
  await rename(received.temp, blobPath(dir, received.id));
}

/** Removes a temporary (or any) file; gone already is fine. */
export async function discardBlob(path: string): Promise<void> {
  await unlink(path).catch(() => undefined);
}

/**
 * KEYS: {u}:blobrefs, {u}:blobbytes. ARGV: ref (`<conversationId>:<sha256>`), size, quota (bytes).
 * 1: charged (or charged already for this reference); 0: over the quota, nothing changed.
 */
const CHARGE = defineScript({
  keys: ['refs', 'bytes'],
  argv: ['ref', 'size', 'quota'],
  body: `
if redis.call('HEXISTS', refs, ref) == 1 then return 1 end
local used = tonumber(redis.call('GET', bytes) or '0')
if used + tonumber(size) > tonumber(quota) then return 0 end
redis.call('HSET', refs, ref, size)
redis.call('INCRBY', bytes, size)
return 1
`,
});

/** KEYS: {u}:blobrefs, {u}:blobbytes. ARGV: ref. Gives the reference's bytes back once; answers them. */
const RELEASE = defineScript({
  keys: ['refs', 'bytes'],
  argv: ['ref'],
  body: `
local size = redis.call('HGET', refs, ref)
if not size then return 0 end
redis.call('HDEL', refs, ref)
if tonumber(redis.call('DECRBY', bytes, size)) <= 0 then redis.call('DEL', bytes) end
return tonumber(size)
`,
});

interface BlobCommands {
  relaisBlobCharge(...args: (string | number)[]): Promise<number>;
  relaisBlobRelease(...args: (string | number)[]): Promise<number>;
}

function withBlobScripts(redis: Redis): Redis & BlobCommands {
  const typed = redis as Redis & Partial<BlobCommands>;
  if (typeof typed.relaisBlobRelease !== 'function') {
    redis.defineCommand('relaisBlobCharge', { numberOfKeys: 2, lua: CHARGE });
    redis.defineCommand('relaisBlobRelease', { numberOfKeys: 2, lua: RELEASE });
  }
  return redis as Redis & BlobCommands;
}

/**
 * Records an upload of `id` by `userId` to a conversation, charging its size to the user's quota.
 * False when that would pass `quotaBytes` (nothing recorded). Call before the file is put in place.
 */
export async function chargeUpload(
  redis: Redis,
  upload: { userId: string; conversationId: string; id: string; size: number },
  quotaBytes: number,
): Promise<boolean> {
  const { userId, conversationId, id, size } = upload;
  // Owner first: should the gateway stop before the end, the sweep still finds what to release.
  await redis.hsetnx(KEYS.convBlobOwners(conversationId), `${id}:${userId}`, Date.now());
  const charged = await withBlobScripts(redis).relaisBlobCharge(
    KEYS.userBlobRefs(userId),
    KEYS.userBlobBytes(userId),
    `${conversationId}:${id}`,
    size,
    quotaBytes,
  );
  if (charged === 1) {
    await redis.sadd(KEYS.blobRef(id), conversationId);
    return true;
  }
  const refs = await redis.hexists(KEYS.userBlobRefs(userId), `${conversationId}:${id}`);
  if (refs === 0) await redis.hdel(KEYS.convBlobOwners(conversationId), `${id}:${userId}`);
  return false;
}

/** Gives an upload's bytes back to its uploader's quota (idempotent). */
export async function releaseUpload(redis: Redis, upload: { userId: string; conversationId: string; id: string }): Promise<void> {
  await withBlobScripts(redis).relaisBlobRelease(
    KEYS.userBlobRefs(upload.userId),
    KEYS.userBlobBytes(upload.userId),
    `${upload.conversationId}:${upload.id}`,
  );
}

/** Bytes of files this user uploaded that are still kept. */
export async function quotaUsed(redis: Redis, userId: string): Promise<number> {
  return Number((await redis.get(KEYS.userBlobBytes(userId))) ?? 0);
}

/** Lets the members of a conversation read this blob. */
export async function registerBlob(redis: Redis, conversationId: string, id: string, mime: string): Promise<void> {
  await redis.hset(KEYS.convBlobs(conversationId), id, mime);
}

/** The blob's type when the conversation may read it, else null. */
export async function blobMime(redis: Redis, conversationId: string, id: string): Promise<string | null> {
  return redis.hget(KEYS.convBlobs(conversationId), id);
}

/** True when an attachment (or its thumbnail) names a file never uploaded to this conversation. */
export async function missingAttachments(redis: Redis, conversationId: string, attachments: readonly Attachment[]): Promise<boolean> {
  const ids = attachments.flatMap((a) => (a.thumbId ? [a.id, a.thumbId] : [a.id]));
  const found = await redis.hmget(KEYS.convBlobs(conversationId), ...ids);
  return found.some((mime) => mime === null);
}

/**
 * True when someone uploaded this file to the conversation at or after `since` (ms): the history rule
 * lets a member added with a floor fetch only the files sent since they joined (store/lifecycle.ts).
 */
export async function uploadedSince(redis: Redis, conversationId: string, id: string, since: number): Promise<boolean> {
  let cursor = '0';
  do {
    const [next, fields] = await redis.hscan(KEYS.convBlobOwners(conversationId), cursor, 'MATCH', `${id}:*`, 'COUNT', 100);
    for (let i = 1; i < fields.length; i += 2) if (Number(fields[i]) >= since) return true;
    cursor = next;
  } while (cursor !== '0');
  return false;
}
