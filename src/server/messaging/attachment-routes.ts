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
import { blobMime, blobPath, registerBlob, saveBlob } from '../store/blobs.ts';
import { isMember } from '../store/conversations.ts';
import type { MessagingConfig } from './messaging-config.ts';

const UploadQuery = z.strictObject({ conversationId: Id });

/**
 * `POST /api/attachments?conversationId=` (multipart, one file) stores a file for a conversation's
 * members; `GET /api/attachments/:conversationId/:id` gives it back to members only.
 */
export async function attachmentRoutes(
  app: FastifyInstance,
  ctx: GatewayCore,
  config: Pick<MessagingConfig, 'blobDir' | 'uploadMaxBytes'>,
): Promise<void> {
  const preHandler = ctx.requireUser;
  const maxBytes = config.uploadMaxBytes ?? LIMITS.FILE_MAX_BYTES;
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
    let bytes: Buffer;
    try {
      const file = await request.file();
      if (!file) return sendError(reply, 'bad_request');
      bytes = await file.toBuffer();
    } catch (err) {
      if (err instanceof app.multipartErrors.RequestFileTooLargeError) return sendError(reply, 'file_too_large');
      // A malformed or cut multipart body (busboy's errors carry no type to tell them apart).
      return sendError(reply, 'bad_request');
    }
    if (bytes.length === 0) return sendError(reply, 'bad_request');
    // Images and PDF only, decided from the bytes, never from the name.
    const sniffed = await fileTypeFromBuffer(bytes);
    if (!sniffed || !isAttachmentMime(sniffed.mime)) return sendError(reply, 'file_type_refused');
    const id = await saveBlob(dir, bytes);
    await registerBlob(ctx.redis, conversationId, id, sniffed.mime);
    request.log.info({ conversationId, blob: id.slice(0, 12), size: bytes.length }, 'file stored');
    return { id, mime: sniffed.mime, size: bytes.length };
  });

  app.get('/api/attachments/:conversationId/:id', { preHandler }, async (request, reply) => {
    const { conversationId, id } = request.params as { conversationId: string; id: string };
    // Same answer for a malformed id, another conversation's file and a conversation one is not in.
    if (!Id.safeParse(conversationId).success || !BlobId.safeParse(id).success) return sendError(reply, 'attachment_not_found');
    if (!(await isMember(ctx.redis, request.userId, conversationId))) return sendError(reply, 'attachment_not_found');
    const mime = await blobMime(ctx.redis, conversationId, id);
    if (mime === null) return sendError(reply, 'attachment_not_found');
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
      .header('cache-control', 'private, max-age=31536000, immutable')
      .header('content-disposition', mime === 'application/pdf' ? 'attachment; filename="document.pdf"' : 'inline')
      .send(stream);
  });
}
