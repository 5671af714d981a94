import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import type { Attachment } from '../../shared/model.ts';
import { KEYS } from './keys.ts';

/**
 * Uploaded files: bytes on disk under the blob directory, content-addressed by SHA-256
 * (`<dir>/<first 2 hex>/<sha256>`), so the same file sent twice is stored once. Which conversation
 * may read a file is recorded in Redis (`{c:<id>}:blobs`, sha256 → mime): downloads check membership.
 */

/** The lowercase hex SHA-256 of the bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Where a blob lives on disk. */
export function blobPath(dir: string, id: string): string {
  return join(dir, id.slice(0, 2), id);
}

/** Writes the bytes once (temp file then rename: a reader never sees half a file). Returns the id. */
export async function saveBlob(dir: string, bytes: Uint8Array): Promise<string> {
  const id = sha256Hex(bytes);
  const path = blobPath(dir, id);
  const exists = await stat(path).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await mkdir(join(dir, id.slice(0, 2)), { recursive: true });
    const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temp, bytes);
    await rename(temp, path);
  }
  return id;
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
