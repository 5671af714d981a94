import type { ErrorCode } from '../../shared/errors.ts';
import type { MessageSendArgs } from '../../shared/mutations.ts';
import { UploadReply } from '../../shared/http.ts';
import { newId } from '../../shared/ids.ts';
import type { Attachment } from '../../shared/model.ts';
import type { FileUpload } from '../../shared/sw-requests.ts';
import type { LocalMessage } from '../../shared/local-model.ts';
import { errorCodeOf, isTransient, type ApiClient } from '../../shared/api-client.ts';
import type { RelaisDb } from '../store/db.ts';
import type { FileRow, OutboxEntry } from '../store/rows.ts';
import { markFailed } from './outbox.ts';

/**
 * Files attached to a message: kept in the store with the pending message (so a file attached
 * offline survives reloads), uploaded by the flush before the `message.send` that names them, then
 * named by their server id (SHA-256). The local copy goes when the sent message comes back.
 */

type LocalAttachment = NonNullable<LocalMessage['attachments']>[number];

/** Stores the picked files for a new message; answers the attachments to put on the local message. */
export async function stageFiles(
  db: RelaisDb,
  message: { messageId: string; conversationId: string },
  files: readonly FileUpload[],
): Promise<LocalAttachment[]> {
  const staged = files.map(({ name, mime, bytes, thumb, width, height }) => {
    // Dimensions only when known, on the row and on the message alike.
    const size = { ...(width ? { width } : {}), ...(height ? { height } : {}) };
    const localId = newId();
    const { messageId, conversationId } = message;
    const row: FileRow = { localId, messageId, conversationId, name, mime, bytes, ...(thumb ? { thumb } : {}), ...size };
    return { row, attachment: { localId, name, mime, size: bytes.byteLength, ...size } };
  });
  await db.files.bulkPut(staged.map(({ row }) => row));
  return staged.map(({ attachment }) => attachment);
}

type UploadResult = { ok: true; id: string } | { ok: false; code: ErrorCode; transient: boolean; status: number };

async function uploadBytes(api: ApiClient, conversationId: string, bytes: ArrayBuffer, mime: string, name: string): Promise<UploadResult> {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type: mime }), name);
  const response = await api.call('POST', `/api/attachments?conversationId=${encodeURIComponent(conversationId)}`, form);
  const reply = response.status === 200 ? UploadReply.safeParse(response.body) : undefined;
  if (reply?.success) return { ok: true, id: reply.data.id };
  // A 200 without a readable answer counts as no answer: the upload is tried again.
  const answer = response.status === 200 ? { status: 0, body: undefined } : response;
  return { ok: false, code: errorCodeOf(answer), transient: isTransient(answer), status: answer.status };
}

function needsUpload(entry: OutboxEntry): boolean {
  if (entry.kind !== 'message.send') return false;
  const attachments = (entry.args as { attachments?: LocalAttachment[] }).attachments;
  return attachments?.some((a) => a.id === undefined) ?? false;
}

export interface StagedOutcome {
  /** A transient failure: keep everything, retry later with backoff. */
  transientCode: ErrorCode | null;
  /** The server said the session is gone. */
  expired: boolean;
  /** Entries dropped because a file was refused (their message is marked failed). */
  dropped: number;
}

/**
 * Uploads the files of the outbox entries that still name local files, and rewrites those entries
 * (and their messages) with the server ids. Refused files fail their message, not the batch.
 */
export async function uploadStagedFiles(db: RelaisDb, api: ApiClient, entries: OutboxEntry[]): Promise<StagedOutcome> {
  const outcome: StagedOutcome = { transientCode: null, expired: false, dropped: 0 };
  for (const entry of entries) {
    if (!needsUpload(entry)) continue;
    const args = entry.args as MessageSendArgs & { attachments: LocalAttachment[] };
    const rows = await db.files.where('messageId').equals(entry.id).toArray();
    const byLocalId = new Map(rows.map((row) => [row.localId, row]));
    const resolved: Attachment[] = [];
    for (const attachment of args.attachments) {
      if (attachment.id !== undefined) {
        resolved.push(toAttachment(attachment, attachment.id));
        continue;
      }
      const row = attachment.localId === undefined ? undefined : byLocalId.get(attachment.localId);
      if (!row) return refuse(db, entry, 'attachment_not_found', outcome);
      let failure: UploadResult | null = null;
      if (row.id === undefined) {
        const result = await uploadBytes(api, row.conversationId, row.bytes, row.mime, row.name);
        if (result.ok) row.id = result.id;
        else failure = result;
      }
      if (!failure && row.thumb && row.thumbId === undefined) {
        const result = await uploadBytes(api, row.conversationId, row.thumb.bytes, row.thumb.mime, 'thumb');
        if (result.ok) row.thumbId = result.id;
        else failure = result;
      }
      if (failure && !failure.ok) {
        if (failure.status === 401) return { ...outcome, expired: true };
        if (failure.transient) return { ...outcome, transientCode: failure.code };
        return refuse(db, entry, failure.code, outcome);
      }
      await db.files.put(row);
      resolved.push(toAttachment(attachment, row.id as string, row.thumbId));
    }
    const nextArgs: MessageSendArgs = { ...args, attachments: resolved };
    entry.args = nextArgs;
    await db.transaction('rw', db.outbox, db.messages, async () => {
      await db.outbox.update(entry.key, { args: nextArgs });
      const message = await db.messages.get(entry.id);
      if (message?.attachments) {
        const attachments = message.attachments.map((a) => {
          const row = a.localId === undefined ? undefined : byLocalId.get(a.localId);
          return row?.id ? { ...a, id: row.id, ...(row.thumbId ? { thumbId: row.thumbId } : {}) } : a;
        });
        await db.messages.put({ ...message, attachments });
      }
    });
  }
  return outcome;
}

/** The wire attachment: the local one without its `localId`, named by its server id. */
function toAttachment(local: LocalAttachment, id: string, thumbId = local.thumbId): Attachment {
  const { localId: _localId, ...rest } = local;
  return { ...rest, id, ...(thumbId ? { thumbId } : {}) };
}

async function refuse(db: RelaisDb, entry: OutboxEntry, code: ErrorCode, outcome: StagedOutcome): Promise<StagedOutcome> {
  await db.transaction('rw', db.outbox, db.messages, async () => {
    await db.outbox.delete(entry.key);
    await markFailed(db, entry.id, code);
  });
  return { ...outcome, dropped: outcome.dropped + 1 };
}
