import { RelaisError } from '../../../../shared/errors.ts';
import { LIMITS } from '../../../../shared/limits.ts';
import { ATTACHMENT_MIME_TYPES } from '../../../../shared/media-types.ts';
import type { FileUpload } from '../../../../shared/sw-requests.ts';
import { tChat } from '../../../core/i18n/chat.ts';
import { makeThumbnail } from './thumbnail.ts';

/** Reads a picked file for the SW (bytes, and a thumbnail for images); refuses what the server would. */
export async function toUpload(file: File): Promise<FileUpload> {
  const mime = ATTACHMENT_MIME_TYPES.find((type) => type === file.type);
  if (!mime) throw new RelaisError('file_type_refused');
  if (file.size > LIMITS.FILE_MAX_BYTES) throw new RelaisError('file_too_large');
  const bytes = await file.arrayBuffer();
  const thumb = mime.startsWith('image/') ? await makeThumbnail(file) : null;
  return {
    name: (file.name || tChat('composer.unnamedFile')).slice(0, LIMITS.FILE_NAME_MAX),
    mime,
    bytes,
    ...(thumb ? { thumb: { bytes: thumb.bytes, mime: thumb.mime }, width: thumb.width, height: thumb.height } : {}),
  };
}
