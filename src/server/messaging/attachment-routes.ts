import { createReadStream } from 'node:fs';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { fileTypeFromBuffer } from 'file-type';
import * as z from 'zod/mini';
import { LIMITS } from '../../shared/limits.ts';
import { isAttachmentMime } from '../../shared/media-types.ts';
import { BlobId, Id } from '../../shared/model.ts';
import { sendRateLimited } from '../abuse/abuse-limits.ts';
import type { GatewayCore } from '../core/context.ts';
import { sendError } from '../http/http-errors.ts';
import { blobMime, blobPath, chargeUpload, discardBlob, placeBlob, receiveBlob, registerBlob, uploadedSince, type ReceivedBlob } from '../store/blobs.ts';
import { joinFloor } from '../store/lifecycle.ts';
import { isMember } from '../store/conversations.ts';
import { DEFAULT_UPLOAD_QUOTA_MB, type MessagingConfig } from './messaging-config.ts';

const UploadQuery = z.strictObject({ conversationId: Id });

/**
 * `POST /api/attachments?conversationId=` (multipart, one file) stores a file for a conversation's
 * members, streamed to disk (never held whole in memory) and charged to the uploader's quota;
 * `GET /api/attachments/:conversationId/:id` gives it back to members only, never to be cached
 * (a shared tablet's browser cache outlives the session).
 */
export async function attachmentRoutes(
  app: FastifyInstance,
  ctx: GatewayCore,
  config: Pick<MessagingConfig, 'blobDir' | 'uploadMaxBytes' | 'uploadQuotaBytes'>,
): Promise<void> {
  const preHandler = ctx.requireUser;
  const maxBytes = config.uploadMaxBytes ?? LIMITS.FILE_MAX_BYTES;
  const quotaBytes = config.uploadQuotaBytes ?? DEFAULT_UPLOAD_QUOTA_MB * 1024 * 1024;
  const dir = config.blobDir ?? './var/blobs';
  await app.register(fastifyMultipart, { limits: { fileSize: maxBytes, files: 1, fields: 0, parts: 1 } });

  app.post('/api/attachments', { preHandler }, async (request, reply) => {
    const query = UploadQuery.safeParse(request.query);
    if (!query.success) return sendError(reply, 'bad_request');
    const { conversationId } = query.data;
    if (!(await isMember(ctx.redis, request.userId, conversationId))) return sendError(reply, 'conversation_not_found');
    const { allowed, retryAfterMs } = await ctx.limits.takeForUser('upload', request.userId);
    if (allowed === 0) return sendRateLimited(reply, retryAfterMs);
    if (!request.isMultipart()) return sendError(reply, 'unsupported_media_type');
    let received: ReceivedBlob;
    try {
      const file = await request.file();
      if (!file) return sendError(reply, 'bad_request');
      received = await receiveBlob(dir, file.file);
      if (file.file.truncated) {
        // Busboy stopped at the limit: what was written is only the start of the file.
        await discardBlob(received.temp);
        return sendError(reply, 'file_too_large');
      }
    } catch (err) {
      if (err instanceof app.multipartErrors.RequestFileTooLargeError) return sendError(reply, 'file_too_large');
      // A malformed or cut multipart body (busboy's errors carry no type to tell them apart).
      return sendError(reply, 'bad_request');
    }
    const { userId } = request;
    const stored = await store(received, async (mime) => {
      if (!(await chargeUpload(ctx.redis, { userId, conversationId, id: received.id, size: received.size }, quotaBytes))) {
        return 'quota_exceeded';
      }
      await placeBlob(dir, received);
      await registerBlob(ctx.redis, conversationId, received.id, mime);
      return null;
    });
    if ('code' in stored) return sendError(reply, stored.code);
    request.log.info({ conversationId, blob: received.id.slice(0, 12), size: received.size }, 'file stored');
    return { id: received.id, mime: stored.mime, size: received.size };
  });

  app.get('/api/attachments/:conversationId/:id', { preHandler }, async (request, reply) => {
    const { conversationId, id } = request.params as { conversationId: string; id: string };
    // Same answer for a malformed id, another conversation's file and a conversation one is not in.
    if (!Id.safeParse(conversationId).success || !BlobId.safeParse(id).success) return sendError(reply, 'attachment_not_found');
    if (!(await isMember(ctx.redis, request.userId, conversationId))) return sendError(reply, 'attachment_not_found');
    const mime = await blobMime(ctx.redis, conversationId, id);
    if (mime === null) return sendError(reply, 'attachment_not_found');
    // The history rule: a member who joined with a floor gets no file sent before they joined.
    const floor = await joinFloor(ctx.redis, request.userId, conversationId);
    if (floor !== null && !(await uploadedSince(ctx.redis, conversationId, id, floor.at))) return sendError(reply, 'attachment_not_found');
    const stream = createReadStream(blobPath(dir, id));
    const opened = await new Promise<boolean>((resolve) => {
      stream.once('open', () => resolve(true));
      stream.once('error', () => resolve(false));
    });
    if (!opened) return sendError(reply, 'attachment_not_found');
    await ctx.audit.record({ action: 'attachment.downloaded', actor: request.userId, conversationId, target: id });
    return reply
      .header('content-type', mime)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-store')
      .header('content-disposition', mime === 'application/pdf' ? 'attachment; filename="document.pdf"' : 'inline')
      .send(stream);
  });
}

/**
 * Checks a received file (not empty; an image or PDF decided from its first bytes, never from its
 * name) and hands it to `keep`; the temporary file is removed unless `keep` put it in place.
 */
async function store(
  received: ReceivedBlob,
  keep: (mime: string) => Promise<'quota_exceeded' | null>,
): Promise<{ mime: string } | { code: 'bad_request' | 'file_type_refused' | 'quota_exceeded' }> {
  try {
    if (received.size === 0) return { code: 'bad_request' };
    const sniffed = await fileTypeFromBuffer(received.head);
    if (!sniffed || !isAttachmentMime(sniffed.mime)) return { code: 'file_type_refused' };
    const refused = await keep(sniffed.mime);
    return refused === null ? { mime: sniffed.mime } : { code: refused };
  } finally {
    await discardBlob(received.temp);
  }
}
