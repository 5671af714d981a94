import { createHash } from 'node:crypto';
import type { Attachment, Conversation, Message, Participant } from '../../shared/model.ts';

/**
 * A conversation about a patient as a FHIR R4 `Bundle` of type `collection`, for the patient's
 * record (docs/ARCHITECTURE.md, "Export to the patient record"). Pure: the route reads the log and
 * the files, this shapes them.
 *
 * - `collection`, not `document`: a document needs a `Composition` (title, author, attester, sections)
 *   that a clinician signs; the receiving record files each `Communication` on its own.
 * - The subject is a `Patient` carrying the INS as identifier (`urn:oid:1.2.250.1.213.1.4.8`, the
 *   INS-NIR's OID in ANS's "Guide d'implémentation de l'INS"): the conversation's patient context.
 * - Each participant is a `Practitioner` (staff) or a `Patient` (a patient's account, which nothing
 *   links to an INS, hence not the subject), identified by their Relais account id and, for staff
 *   whose account has one, their RPPS (`urn:oid:1.2.250.1.71.4.2.1`).
 * - One `Communication` per message written (system lines — missed calls, group changes — are left
 *   out: they are no one's words; membership changes show in the recipients instead).
 * - A file up to `inlineMaxBytes` (and while the whole export's inline budget lasts) is a `Binary`
 *   in the bundle, the payload's `contentAttachment.url` its `urn:uuid:`; a larger one is a
 *   `DocumentReference` pointing at the file's URL on the gateway (members only, like any download).
 */

export const INS_NIR_SYSTEM = 'urn:oid:1.2.250.1.213.1.4.8';
export const RPPS_SYSTEM = 'urn:oid:1.2.250.1.71.4.2.1';
/** A URI as identifier value (RFC 3986): how Relais ids are written. */
export const URI_SYSTEM = 'urn:ietf:rfc:3986';

/** A message to export, with who it went to at the time. */
export interface ExportedMessage {
  message: Message;
  /** The other participants when it was written. */
  recipientIds: string[];
}

/** A file's bytes, when the route read them (absent: too large, or the budget was spent). */
export type FileBytes = ReadonlyMap<string, Buffer>;

export interface BundleInput {
  conversation: Conversation & { patient: NonNullable<Conversation['patient']> };
  /** Every participant named by a message (current and former), by id. */
  people: ReadonlyMap<string, Participant & { rpps?: string }>;
  messages: readonly ExportedMessage[];
  files: FileBytes;
  /** Absolute URL of the gateway (`https://relais.example`), for files left out of the bundle. */
  origin: string;
  now: number;
}

type Json = Record<string, unknown>;
interface Entry {
  fullUrl: string;
  resource: Json;
}

/** A stable UUID (version 5 layout) named by `name`: the same input gives the same `urn:uuid:`. */
export function uuidFor(name: string): string {
  const hex = createHash('sha1').update(`relais:fhir:${name}`).digest('hex');
  const variant = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const urn = (uuid: string) => `urn:uuid:${uuid}`;
const instant = (ms: number) => new Date(ms).toISOString();
const relaisId = (id: string) => ({ system: URI_SYSTEM, value: urn(id) });

function personResource(person: Participant & { rpps?: string }): Json {
  const identifier: Json[] = [relaisId(person.id)];
  if (person.rpps && person.role !== 'patient') identifier.push({ system: RPPS_SYSTEM, value: person.rpps });
  return {
    resourceType: person.role === 'patient' ? 'Patient' : 'Practitioner',
    id: person.id,
    identifier,
    ...(person.deleted || person.displayName === '' ? {} : { name: [{ text: person.displayName }] }),
  };
}

/** Builds the bundle. */
export function buildFhirBundle(input: BundleInput): Json {
  const { conversation, people, messages, files, origin, now } = input;
  const subjectId = uuidFor(`patient:${conversation.id}`);
  const subject = { reference: urn(subjectId), display: conversation.patient.displayName };
  const entries: Entry[] = [
    {
      fullUrl: urn(subjectId),
      resource: {
        resourceType: 'Patient',
        id: subjectId,
        identifier: [{ use: 'official', system: INS_NIR_SYSTEM, value: conversation.patient.nationalId }],
        name: [{ text: conversation.patient.displayName }],
      },
    },
  ];
  const named = new Set<string>();
  for (const { message, recipientIds } of messages) for (const id of [message.senderId, ...recipientIds]) named.add(id);
  for (const id of named) {
    const person = people.get(id) ?? { id, displayName: '', role: 'doctor' as const, deleted: true as const };
    entries.push({ fullUrl: urn(id), resource: personResource(person) });
  }

  const exported = new Set(messages.map((m) => m.message.messageId));
  const fileEntries = new Map<string, Entry>();
  const communications: Entry[] = [];
  for (const { message, recipientIds } of messages) {
    const payload: Json[] = [];
    if (message.body !== '') payload.push({ contentString: message.body });
    for (const attachment of message.attachments ?? []) payload.push(filePayload(attachment, message, { conversation, files, origin, subject, fileEntries }));
    const quoted = message.replyTo?.messageId;
    communications.push({
      fullUrl: urn(message.messageId),
      resource: {
        resourceType: 'Communication',
        id: message.messageId,
        identifier: [relaisId(message.messageId)],
        status: 'completed',
        priority: message.urgent ? 'stat' : 'routine',
        subject,
        sent: instant(message.serverTime),
        sender: { reference: urn(message.senderId) },
        ...(recipientIds.length > 0 ? { recipient: recipientIds.map((id) => ({ reference: urn(id) })) } : {}),
        // A quoted message left out of the export (hidden, trimmed) is named, not referenced: a
        // `urn:uuid:` reference must resolve inside the bundle.
        ...(quoted === undefined ? {} : { inResponseTo: [exported.has(quoted) ? { reference: urn(quoted) } : { identifier: relaisId(quoted) }] }),
        payload,
      },
    });
  }
  return {
    resourceType: 'Bundle',
    id: uuidFor(`bundle:${conversation.id}:${now}`),
    meta: { lastUpdated: instant(now) },
    identifier: relaisId(conversation.id),
    type: 'collection',
    timestamp: instant(now),
    entry: [...entries, ...fileEntries.values(), ...communications],
  };
}

interface FileContext {
  conversation: Conversation;
  files: FileBytes;
  origin: string;
  subject: Json;
  fileEntries: Map<string, Entry>;
}

/** The payload naming one file: a `Binary` in the bundle, or a `DocumentReference` to its URL. */
function filePayload(attachment: Attachment, message: Message, context: FileContext): Json {
  const bytes = context.files.get(attachment.id);
  const described = { contentType: attachment.mime, title: attachment.name, size: attachment.size, creation: instant(message.serverTime) };
  if (bytes !== undefined) {
    const binaryId = uuidFor(`binary:${attachment.id}`);
    if (!context.fileEntries.has(binaryId)) {
      context.fileEntries.set(binaryId, {
        fullUrl: urn(binaryId),
        resource: { resourceType: 'Binary', id: binaryId, contentType: attachment.mime, data: bytes.toString('base64') },
      });
    }
    return { contentAttachment: { ...described, url: urn(binaryId) } };
  }
  const referenceId = uuidFor(`document:${message.messageId}:${attachment.id}`);
  context.fileEntries.set(referenceId, {
    fullUrl: urn(referenceId),
    resource: {
      resourceType: 'DocumentReference',
      id: referenceId,
      status: 'current',
      subject: context.subject,
      date: instant(message.serverTime),
      author: [{ reference: urn(message.senderId) }],
      description: attachment.name,
      content: [{ attachment: { ...described, url: `${context.origin}/api/attachments/${context.conversation.id}/${attachment.id}` } }],
    },
  });
  return { contentReference: { reference: urn(referenceId) } };
}
