import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { Id, type Participant } from '../../shared/model.ts';
import { sendRateLimited } from '../abuse/abuse-limits.ts';
import type { GatewayCore } from '../core/context.ts';
import { sendError } from '../http/http-errors.ts';
import { userCan } from '../policy/directory.ts';
import { crossSlotPipeline } from '../redis/redis-connection.ts';
import { blobPath } from '../store/blobs.ts';
import { readExportLog, type ExportLog } from '../store/conversation-export.ts';
import { getConversation, isMember } from '../store/conversations.ts';
import { execOrThrow } from '../store/feed.ts';
import { KEYS } from '../store/keys.ts';
import { getSummaries } from '../store/users.ts';
import { buildFhirBundle } from './fhir-bundle.ts';
import { DEFAULT_EXPORT_MAX_MESSAGES, type MessagingConfig } from './messaging-config.ts';

/** A file up to this size goes into the bundle as a `Binary`; a larger one is a `DocumentReference` to its URL. */
export const FHIR_INLINE_FILE_MAX_BYTES = 1024 * 1024;
/** What all the `Binary` resources of one export may weigh together; past it, files are referenced. */
export const FHIR_INLINE_TOTAL_MAX_BYTES = 16 * 1024 * 1024;

/** An RPPS number: 11 digits. */
const RPPS = /^\d{11}$/;
/** An RPPS as a single sign-on identifier: bare, or as Pro Santé Connect's national identifier ("8" + RPPS). */
const SSO_RPPS = /^8?(\d{11})$/;

/**
 * `GET /api/conversations/:id/export/fhir`: a conversation about a patient, as a FHIR R4 Bundle
 * (messaging/fhir-bundle.ts) for the patient's record, downloaded as a file. Members of staff only
 * (`conversation.export`); a non-member gets the answer of an unknown conversation; a conversation
 * without a patient context answers `no_patient_context`. Recorded as `conversation.exported` (who,
 * which conversation and patient, how many messages: never their content).
 */
export async function fhirExportRoutes(app: FastifyInstance, ctx: GatewayCore, config: Pick<MessagingConfig, 'blobDir' | 'exportMaxMessages'>): Promise<void> {
  const dir = config.blobDir ?? './var/blobs';
  const maxMessages = config.exportMaxMessages ?? DEFAULT_EXPORT_MAX_MESSAGES;

  app.get('/api/conversations/:id/export/fhir', { preHandler: ctx.requireUser }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const { userId } = request;
    // Membership first, then the role: whoever is outside learns nothing, whatever their role.
    if (!Id.safeParse(id).success || !(await isMember(ctx.redis, userId, id))) return sendError(reply, 'conversation_not_found');
    if (!(await userCan(ctx.redis, userId, 'conversation.export'))) return sendError(reply, 'role_forbidden');
    const conversation = await getConversation(ctx.redis, id);
    if (conversation === null) return sendError(reply, 'conversation_not_found');
    const patient = conversation.patient;
    if (patient === null) return sendError(reply, 'no_patient_context');
    // HEAD says whether the export would be given, without building it (nor recording it).
    if (request.method === 'HEAD') return reply.header('content-type', 'application/fhir+json; charset=utf-8').header('cache-control', 'no-store').send();
    const { allowed, retryAfterMs } = await ctx.limits.takeForUser('export', userId);
    if (allowed === 0) return sendRateLimited(reply, retryAfterMs);

    const log = await readExportLog(ctx.redis, userId, conversation, maxMessages);
    if (log === null) return sendError(reply, 'conversation_not_found');
    if (log === 'too_long') return sendError(reply, 'export_too_large');
    const now = Date.now();
    const bundle = buildFhirBundle({
      conversation: { ...conversation, patient },
      people: await withDirectory(ctx, log),
      messages: log.messages,
      files: await inlineFiles(dir, log),
      origin: `${request.protocol}://${request.host}`,
      now,
    });
    await ctx.audit.record({
      action: 'conversation.exported',
      actor: userId,
      conversationId: id,
      patientId: patient.nationalId,
      detail: `messages=${log.messages.length}`,
    });
    request.log.info({ conversationId: id, messages: log.messages.length }, 'conversation exported');
    return reply
      .header('content-type', 'application/fhir+json; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .header('content-disposition', `attachment; filename="${exportFileName(id, now)}"`)
      .send(JSON.stringify(bundle));
  });
}

/**
 * The file's name: the conversation and the day, never the patient's name (a Downloads folder is
 * seen by whoever uses the device next).
 */
export function exportFileName(conversationId: string, now: number): string {
  return `relais-${conversationId}-${new Date(now).toISOString().slice(0, 10)}.fhir.json`;
}

/**
 * The people the messages name, as the log knew them, completed from the directory for a sender the
 * log no longer names (trimmed by retention), each with the RPPS their account has, for staff:
 * `rpps` on the user's hash (11 digits), else the identifier single sign-on linked the account by
 * when it is one (`ssoId`: Pro Santé Connect's national identifier is "8" followed by the RPPS).
 */
async function withDirectory(ctx: GatewayCore, log: ExportLog): Promise<Map<string, Participant & { rpps?: string }>> {
  const people = new Map<string, Participant & { rpps?: string }>(log.people);
  const missing = [...new Set(log.messages.map((m) => m.message.senderId))].filter((id) => !people.has(id));
  const found = await getSummaries(ctx.redis, missing);
  for (const summary of found) if (summary !== null) people.set(summary.id, summary);
  const ids = [...people.keys()];
  if (ids.length === 0) return people;
  const read = crossSlotPipeline(ctx.redis);
  for (const userId of ids) read.hmget(KEYS.user(userId), 'rpps', 'ssoId');
  const fields = (await execOrThrow(read.exec())) as [string | null, string | null][];
  ids.forEach((userId, i) => {
    const [own, linked] = fields[i] ?? [null, null];
    const value = own !== null && RPPS.test(own) ? own : linked !== null ? (SSO_RPPS.exec(linked)?.[1] ?? null) : null;
    const person = people.get(userId);
    if (person && value !== null) people.set(userId, { ...person, rpps: value });
  });
  return people;
}

/** The bytes of the files small enough to go into the bundle, oldest message first, within the total budget. */
async function inlineFiles(dir: string, log: ExportLog): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  let total = 0;
  for (const { message } of log.messages) {
    for (const attachment of message.attachments ?? []) {
      if (files.has(attachment.id) || attachment.size > FHIR_INLINE_FILE_MAX_BYTES) continue;
      if (total + attachment.size > FHIR_INLINE_TOTAL_MAX_BYTES) continue;
      // A file gone from the disk (swept, or never uploaded) is referenced instead: its URL answers 404.
      const bytes = await readFile(blobPath(dir, attachment.id)).catch(() => null);
      if (bytes === null || bytes.length > FHIR_INLINE_FILE_MAX_BYTES || total + bytes.length > FHIR_INLINE_TOTAL_MAX_BYTES) continue;
      files.set(attachment.id, bytes);
      total += bytes.length;
    }
  }
  return files;
}
