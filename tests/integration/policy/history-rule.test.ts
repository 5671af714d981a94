import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import type { Attachment, Change, Conversation, Message, Role } from '../../../src/shared/model.ts';
import { addUser, ApiClient } from '../helpers.ts';
import { useGateway } from '../fixture.ts';

/**
 * The history rule (docs/ARCHITECTURE.md, "Roles and care teams"): staff added to a group see its
 * whole history; a patient added later sees nothing written before they joined — not in the pull,
 * not in history pages, not the files of earlier messages — and everything from their arrival on.
 */

const DB = 29;
let blobDir: string;
beforeAll(async () => {
  blobDir = await mkdtemp(join(tmpdir(), 'relais-history-'));
});
afterAll(async () => {
  await rm(blobDir, { recursive: true, force: true });
});
const started = useGateway({ db: DB }, () => ({ blobDir }));

type Person = { api: ApiClient; user: { id: string } };

async function person(role: Role): Promise<Person> {
  const account = await addUser(started.redis, { role });
  const api = new ApiClient(started.url);
  return { api, user: await api.login(account.username, account.password) };
}

async function act(by: Person, kind: string, args: Record<string, unknown>): Promise<{ ok: boolean; result?: unknown; error?: { code: string } }> {
  const [result] = await by.api.push([{ id: kind === 'message.send' ? (args.messageId as string) : newId(), kind, args }]);
  return result!;
}

async function send(by: Person, conversationId: string, body: string, attachments?: Attachment[]): Promise<void> {
  const messageId = newId();
  expect((await act(by, 'message.send', { conversationId, messageId, body, ...(attachments ? { attachments } : {}) })).ok).toBe(true);
}

/** Every change of the user's pull, page after page. */
async function pullAll(by: Person): Promise<Change[]> {
  const changes: Change[] = [];
  let cursor = '';
  for (;;) {
    const reply = await by.api.get(`/api/sync/pull?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(reply.status).toBe(200);
    const page = reply.body as { changes: Change[]; cursor: string; hasMore: boolean };
    changes.push(...page.changes);
    cursor = page.cursor;
    if (!page.hasMore) return changes;
  }
}

const bodies = (changes: Change[], conversationId: string): string[] =>
  changes.flatMap((c) => (c.type === 'message' && c.message.conversationId === conversationId && c.message.kind !== 'system' ? [c.message.body] : []));

async function history(by: Person, conversationId: string, query = ''): Promise<Message[]> {
  const reply = await by.api.get(`/api/conversations/${conversationId}/messages${query}`);
  expect(reply.status).toBe(200);
  return (reply.body as { messages: Message[] }).messages;
}

function pngBytes(seed: number): Uint8Array<ArrayBuffer> {
  const head = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0];
  const bytes = new Uint8Array(head.length + 32 + seed);
  bytes.set(head);
  for (let i = head.length; i < bytes.length; i++) bytes[i] = i % 251;
  return bytes;
}

async function attach(by: Person, conversationId: string, seed: number): Promise<Attachment> {
  const form = new FormData();
  form.append('file', new Blob([pngBytes(seed)], { type: 'image/png' }), `scan-${seed}.png`);
  const response = await fetch(`${started.url}/api/attachments?conversationId=${conversationId}`, {
    method: 'POST',
    headers: { cookie: by.api.cookie, origin: started.url },
    body: form,
  });
  expect(response.status).toBe(200);
  const stored = (await response.json()) as { id: string; size: number };
  return { id: stored.id, name: `scan-${seed}.png`, mime: 'image/png', size: stored.size };
}

const download = (by: Person, conversationId: string, id: string) => by.api.get(`/api/attachments/${conversationId}/${id}`).then((r) => r.status);

describe('joining a group later', () => {
  it('gives a patient nothing from before they joined, by any route, and everything after; a nurse gets it all', async () => {
    const doctor = await person('doctor');
    const colleague = await person('nurse');
    const nurse = await person('nurse');
    const patient = await person('patient');
    const created = await act(doctor, 'conversation.create', { conversationId: newId(), participantIds: [colleague.user.id], title: 'RCP' });
    const conversationId = (created.result as { conversation: Conversation }).conversation.id;
    const earlierFile = await attach(doctor, conversationId, 3);
    await send(doctor, conversationId, 'avant 1 : compte rendu confidentiel', [earlierFile]);
    await send(colleague, conversationId, 'avant 2');
    await act(colleague, 'read.mark', { conversationId, seq: 2 });

    expect((await act(doctor, 'conversation.addParticipants', { conversationId, participantIds: [patient.user.id, nurse.user.id] })).ok).toBe(true);
    const laterFile = await attach(doctor, conversationId, 5);
    await send(doctor, conversationId, 'après : bienvenue', [laterFile]);
    await send(patient, conversationId, 'merci');

    // The nurse, staff: everything, before and after.
    expect(bodies(await pullAll(nurse), conversationId)).toEqual(['avant 1 : compte rendu confidentiel', 'avant 2', 'après : bienvenue', 'merci']);
    expect((await history(nurse, conversationId)).filter((m) => m.kind !== 'system').map((m) => m.body)).toEqual([
      'avant 1 : compte rendu confidentiel',
      'avant 2',
      'après : bienvenue',
      'merci',
    ]);
    expect(await download(nurse, conversationId, earlierFile.id)).toBe(200);

    // The patient: the conversation, the notice of their arrival, and what came after; nothing before.
    const pulled = await pullAll(patient);
    expect(bodies(pulled, conversationId)).toEqual(['après : bienvenue', 'merci']);
    expect(JSON.stringify(pulled)).not.toContain('avant');
    expect(JSON.stringify(pulled)).not.toContain(earlierFile.id);
    expect(pulled.filter((c) => c.type === 'read' && c.conversationId === conversationId && c.seq <= 2)).toEqual([]);
    const arrival = pulled.find((c) => c.type === 'message' && c.message.system?.type === 'participants.added');
    expect(arrival).toBeDefined();
    expect(pulled.find((c) => c.type === 'conversation' && c.conversation.id === conversationId)).toBeDefined();
    const page = await history(patient, conversationId);
    expect(page.map((m) => m.kind === 'system' ? m.system?.type : m.body)).toEqual(['participants.added', 'après : bienvenue', 'merci']);
    expect(await history(patient, conversationId, '?before=3&limit=50')).toEqual([]);
    expect(await download(patient, conversationId, earlierFile.id)).toBe(404);
    expect(await download(patient, conversationId, laterFile.id)).toBe(200);
    // Statistics are not a way around it: a patient reads none.
    expect((await patient.api.get('/api/stats')).status).toBe(403);
  });

  it('gives a patient who was there from the start the whole history', async () => {
    const doctor = await person('doctor');
    const nurse = await person('nurse');
    const patient = await person('patient');
    const created = await act(doctor, 'conversation.create', { conversationId: newId(), participantIds: [nurse.user.id, patient.user.id], title: 'Suivi' });
    const conversationId = (created.result as { conversation: Conversation }).conversation.id;
    await send(doctor, conversationId, 'premier');
    await send(nurse, conversationId, 'second');
    expect(bodies(await pullAll(patient), conversationId)).toEqual(['premier', 'second']);
    expect((await history(patient, conversationId)).map((m) => m.body)).toEqual(['premier', 'second']);
  });

  it('does not let a patient add anyone: role_forbidden', async () => {
    const doctor = await person('doctor');
    const patient = await person('patient');
    const other = await person('nurse');
    const created = await act(doctor, 'conversation.create', { conversationId: newId(), participantIds: [patient.user.id], title: 'Suivi' });
    const conversationId = (created.result as { conversation: Conversation }).conversation.id;
    expect((await act(patient, 'conversation.addParticipants', { conversationId, participantIds: [other.user.id] })).error?.code).toBe('role_forbidden');
  });
});
