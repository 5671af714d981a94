import type { Redis } from 'ioredis';
import { newId } from '../../../src/shared/ids.ts';
import type { Role, User } from '../../../src/shared/model.ts';
import { addUser, ApiClient, LiveClient } from '../helpers.ts';

/**
 * The people and things the security tests act on: a group conversation about a patient (the
 * creator, a colleague and a patient in it), a direct conversation between the creator and the colleague (for calls), a
 * message and a file in the group, and, outside it, a doctor, an admin, an anonymous caller and a
 * session that was revoked after its socket opened; and a nurse of the group whose account an admin
 * disabled after her socket opened (her device keeps presenting its cookie).
 */

/** Who makes a request, as the authorization matrix names them. */
export const ACTORS = ['member', 'nonMember', 'anonymous', 'revoked', 'disabled', 'patient', 'admin'] as const;
export type Actor = (typeof ACTORS)[number];

export interface Person {
  api: ApiClient;
  user: User;
}

export interface World {
  url: string;
  /** Created the group and the direct conversation; calls the member in the call rows. */
  creator: Person;
  /** The acting member: a doctor in the group and in the direct conversation with the creator. */
  member: Person;
  /** A patient in the group: a member, with a patient's policy (src/server/policy/policy.ts). */
  patient: Person;
  /** A doctor in no conversation of the world. */
  nonMember: Person;
  /** An administrator in no conversation of the world. */
  admin: Person;
  /** The member's second session, revoked (logged out) after its socket opened. */
  revoked: Person & { socket: LiveClient };
  /** A nurse in the group, signed in with a socket open, then disabled by the admin. */
  disabled: Person & { socket: LiveClient };
  anonymous: ApiClient;
  groupId: string;
  directId: string;
  messageId: string;
  /** An urgent message of the creator in the group (the one its recipients acknowledge: `message.ack`). */
  urgentId: string;
  /** A PNG uploaded to the group by the creator (its content address). */
  blobId: string;
  /** The creator's and the member's live sockets (calls ring on them). */
  creatorSocket: LiveClient;
  memberSocket: LiveClient;
}

/** A 1×1 PNG (the gateway sniffs the type from the bytes). */
export const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);

async function person(redis: Redis, url: string, role: Role): Promise<Person> {
  const account = await addUser(redis, { role });
  const api = new ApiClient(url);
  return { api, user: await api.login(account.username, account.password) };
}

/** Uploads `bytes` to a conversation as `api`; answers the status and body. */
export async function upload(api: ApiClient, conversationId: string, bytes: Buffer = PNG): Promise<{ status: number; body: unknown }> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), 'radio.png');
  const headers: Record<string, string> = { origin: api.baseUrl };
  if (api.cookie) headers.cookie = api.cookie;
  const response = await fetch(`${api.baseUrl}/api/attachments?conversationId=${conversationId}`, { method: 'POST', headers, body: form });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
}

/** Builds the world on a running gateway. */
export async function buildWorld(redis: Redis, url: string): Promise<World> {
  const [creator, member, patient, nonMember, admin, disabled] = await Promise.all([
    person(redis, url, 'doctor'),
    person(redis, url, 'doctor'),
    person(redis, url, 'patient'),
    person(redis, url, 'doctor'),
    person(redis, url, 'admin'),
    person(redis, url, 'nurse'),
  ]);
  const groupId = newId();
  const directId = newId();
  const messageId = newId();
  const urgentId = newId();
  const results = await creator.api.push([
    { id: newId(), kind: 'conversation.create', args: { conversationId: groupId, participantIds: [member.user.id, patient.user.id, disabled.user.id], title: 'Matrice', patient: { nationalId: '180017512345678', displayName: 'M. Matrice' } } },
    { id: newId(), kind: 'conversation.create', args: { conversationId: directId, participantIds: [member.user.id] } },
    { id: messageId, kind: 'message.send', args: { conversationId: groupId, messageId, body: 'Bilan demain 8 h' } },
    { id: urgentId, kind: 'message.send', args: { conversationId: groupId, messageId: urgentId, body: 'Kaliémie haute', urgent: true } },
  ]);
  if (!results.every((r) => r.ok)) throw new Error(`world not built: ${JSON.stringify(results)}`);
  const uploaded = await upload(creator.api, groupId);
  if (uploaded.status !== 200) throw new Error(`upload failed: ${uploaded.status}`);

  const revokedApi = new ApiClient(url);
  await revokedApi.login(member.user.username, 'correct-horse-battery');
  const revokedSocket = await LiveClient.open(url, revokedApi.cookie);
  const revokedCookie = revokedApi.cookie;
  await revokedApi.request('POST', '/api/auth/logout');
  // The client keeps presenting the revoked token, as a stolen cookie would.
  revokedApi.cookie = revokedCookie;

  const disabledSocket = await LiveClient.open(url, disabled.api.cookie);
  const disabling = await admin.api.request('POST', `/api/admin/users/${disabled.user.id}/disable`);
  if (disabling.status !== 204) throw new Error(`disable failed: ${disabling.status}`);

  return {
    url,
    creator,
    member,
    patient,
    nonMember,
    admin,
    revoked: { api: revokedApi, user: member.user, socket: revokedSocket },
    disabled: { ...disabled, socket: disabledSocket },
    anonymous: new ApiClient(url),
    groupId,
    directId,
    messageId,
    urgentId,
    blobId: (uploaded.body as { id: string }).id,
    creatorSocket: await LiveClient.open(url, creator.api.cookie),
    memberSocket: await LiveClient.open(url, member.api.cookie),
  };
}

/** The HTTP client an actor uses. */
export function clientOf(world: World, actor: Actor): ApiClient {
  return actor === 'anonymous' ? world.anonymous : world[actor].api;
}

/** Closes the world's sockets. */
export function closeWorld(world: World | undefined): void {
  for (const socket of [world?.creatorSocket, world?.memberSocket, world?.revoked.socket, world?.disabled.socket]) socket?.close();
}
