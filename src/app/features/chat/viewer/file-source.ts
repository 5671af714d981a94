import { errorCodeOf } from '../../../../shared/api-client.ts';
import { RelaisError } from '../../../../shared/errors.ts';
import { request } from '../../../core/sw-client.ts';
import type { ViewedFile } from './viewed-file.ts';

/**
 * The bytes of an attachment, as a Blob of its accepted type (never the type an answer claims): the
 * device's own copy when the SW still keeps it (attached here, maybe offline and not sent yet — it
 * opens without network), else the gateway's (`GET /api/attachments/…`, the session's cookie).
 * Offline without a local copy: `RelaisError('offline')`.
 */
export async function loadFile(file: ViewedFile): Promise<Blob> {
  if (file.localId !== undefined) {
    try {
      const { bytes } = await request('file.get', { localId: file.localId });
      return new Blob([bytes], { type: file.mime });
    } catch (error) {
      // The local copy went once the sent message came back: the server has it.
      if (file.id === undefined) throw error;
    }
  }
  if (file.id === undefined) throw new RelaisError('attachment_not_found');
  let response: Response;
  try {
    response = await fetch(`/api/attachments/${encodeURIComponent(file.conversationId)}/${encodeURIComponent(file.id)}`, { credentials: 'same-origin' });
  } catch (cause) {
    throw new RelaisError('offline', 'attachment download failed', { cause });
  }
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => undefined);
    throw new RelaisError(errorCodeOf({ status: response.status, body }));
  }
  return new Blob([await response.arrayBuffer()], { type: file.mime });
}
