import { newId } from '../../src/shared/ids.ts';
import type { ApiClient } from '../integration/helpers.ts';
import { apiAs, directConversation } from './server-steps.ts';
import type { Stack } from './stack.ts';

/**
 * A believable morning in the demo clinic, written through the gateway's API as its staff would
 * (no randomness: the same names and words every time). On top of the demo seed: a cardiology group
 * with messages from three people, a PDF report, an urgent message and a system line (the group
 * renamed), and a few words in the doctors' direct conversation. Shared by the accessibility test
 * and `npm run screenshots`.
 */
export interface ClinicScene {
  /** The group "Staff cardiologie — USIC" (Dr Martin, Dr Benali, Claire Dubois). */
  groupId: string;
  /** Dr Martin's direct conversation with Dr Benali. */
  directId: string;
}

/** A tiny PDF (file-type reads its `%PDF` signature). */
const REPORT_PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

async function send(api: ApiClient, conversationId: string, body: string, extra: Record<string, unknown> = {}): Promise<void> {
  const messageId = newId();
  const [result] = await api.push([{ id: messageId, kind: 'message.send', args: { conversationId, messageId, body, ...extra } }]);
  if (!result?.ok) throw new Error(`message not sent: ${JSON.stringify(result)}`);
}

async function upload(api: ApiClient, conversationId: string, bytes: Buffer, name: string, type: string): Promise<{ id: string; name: string; mime: string; size: number }> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  const response = await fetch(`${api.baseUrl}/api/attachments?conversationId=${conversationId}`, {
    method: 'POST',
    headers: { cookie: api.cookie, origin: api.baseUrl },
    body: form,
  });
  const body = (await response.json()) as { id?: string };
  if (response.status !== 200 || body.id === undefined) throw new Error(`upload refused: ${response.status} ${JSON.stringify(body)}`);
  return { id: body.id, name, mime: type, size: bytes.length };
}

async function userId(api: ApiClient, query: string): Promise<string> {
  const reply = await api.request('GET', `/api/users?q=${encodeURIComponent(query)}`);
  const found = (reply.body as { users: { id: string }[] }).users[0];
  if (!found) throw new Error(`no user ${query}`);
  return found.id;
}

/** Writes the scene on a stack freshly seeded with the demo clinic. */
export async function seedClinicScene(stack: Stack): Promise<ClinicScene> {
  const martin = await apiAs(stack, 'dr.martin');
  const benali = await apiAs(stack, 'dr.benali');
  const dubois = await apiAs(stack, 'inf.dubois');

  const groupId = newId();
  const [created] = await martin.push([
    {
      id: newId(),
      kind: 'conversation.create',
      args: { conversationId: groupId, participantIds: [await userId(martin, 'benali'), await userId(martin, 'dubois')], title: 'Staff cardiologie' },
    },
  ]);
  if (!created?.ok) throw new Error('group not created');
  await send(dubois, groupId, 'Bonjour à tous. Le bilan de M. Girard (chambre 8) est arrivé, je le mets ici.');
  const report = await upload(dubois, groupId, REPORT_PDF, 'bilan-girard.pdf', 'application/pdf');
  await send(dubois, groupId, 'Compte rendu d’échographie', { attachments: [report] });
  await send(martin, groupId, 'Merci Claire, je le regarde avant la visite de 10 h.');
  const [renamed] = await martin.push([{ id: newId(), kind: 'conversation.rename', args: { conversationId: groupId, title: 'Staff cardiologie — USIC' } }]);
  if (!renamed?.ok) throw new Error('group not renamed');
  await send(benali, groupId, 'Je passe voir M. Girard après la réunion.');
  await send(dubois, groupId, 'Chambre 12 : douleur thoracique, tension 9/6. Venez vite s’il vous plaît.', { urgent: true });
  await send(martin, groupId, 'J’arrive, je suis là dans 2 minutes.');

  const directId = await directConversation(stack, 'dr.martin', 'Benali');
  await send(benali, directId, 'Anne, tu peux me remplacer à la RCP de jeudi ?');
  return { groupId, directId };
}
