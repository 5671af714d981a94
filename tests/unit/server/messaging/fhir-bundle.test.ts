import { describe, expect, it } from 'vitest';
import { buildFhirBundle, uuidFor, URI_SYSTEM } from '../../../../src/server/messaging/fhir-bundle.ts';
import { newId } from '../../../../src/shared/ids.ts';
import type { Conversation, Message, Participant } from '../../../../src/shared/model.ts';

const doctor = { id: newId(), displayName: 'Dr Anne Martin', role: 'doctor' as const };
const gone = { id: newId(), displayName: '', role: 'nurse' as const, deleted: true as const };
const conversation: Conversation & { patient: NonNullable<Conversation['patient']> } = {
  id: newId(),
  kind: 'group',
  title: 'Suivi',
  participants: [doctor, gone],
  createdBy: doctor.id,
  createdAt: 0,
  patient: { nationalId: '280107512345678', displayName: 'Mme Jeanne Petit' },
};

function message(fields: Partial<Message>): Message {
  return { conversationId: conversation.id, messageId: newId(), seq: 1, senderId: doctor.id, body: 'Vu.', serverTime: Date.UTC(2026, 0, 2), urgent: false, ...fields };
}

describe('buildFhirBundle()', () => {
  it('names a quoted message left out of the export by its identifier, never by a reference that would not resolve', () => {
    const quoted = newId();
    const bundle = buildFhirBundle({
      conversation,
      people: new Map<string, Participant>([[doctor.id, doctor], [gone.id, gone]]),
      messages: [{ message: message({ replyTo: { messageId: quoted, senderId: gone.id } }), recipientIds: [gone.id] }],
      files: new Map(),
      origin: 'https://relais.example',
      now: Date.UTC(2026, 0, 3),
    }) as { entry: { resource: Record<string, unknown> }[] };
    const communication = bundle.entry.find((e) => e.resource.resourceType === 'Communication')?.resource;
    expect(communication?.inResponseTo).toEqual([{ identifier: { system: URI_SYSTEM, value: `urn:uuid:${quoted}` } }]);
    expect(communication?.sent).toBe('2026-01-02T00:00:00.000Z');
    // A deleted account stays a participant, with no name.
    const nurse = bundle.entry.find((e) => e.resource.id === gone.id)?.resource;
    expect(nurse).toEqual({ resourceType: 'Practitioner', id: gone.id, identifier: [{ system: URI_SYSTEM, value: `urn:uuid:${gone.id}` }] });
  });

  it('makes stable UUIDs from names', () => {
    expect(uuidFor('patient:a')).toBe(uuidFor('patient:a'));
    expect(uuidFor('patient:a')).not.toBe(uuidFor('patient:b'));
    expect(uuidFor('binary:x')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
