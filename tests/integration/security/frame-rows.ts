import { newId } from '../../../src/shared/ids.ts';
import type { ServerFrame } from '../../../src/shared/realtime.ts';
import type { LiveClient } from '../helpers.ts';
import { endCall, ringingCall } from './route-rows.ts';
import type { World } from './world.ts';

/**
 * The authorization matrix of the WebSocket frames: for every client frame type, what each actor's
 * socket gets back. The member is a member of the group and the callee of a ringing call from the
 * creator; the patient is in the group but not in the call; the revoked socket's session was
 * logged out after it opened, and the disabled account's socket was closed when an admin disabled
 * it. (The anonymous actor has no socket: its upgrade row is apart.)
 */

export const SOCKET_ACTORS = ['member', 'nonMember', 'revoked', 'disabled', 'patient', 'admin'] as const;
export type SocketActor = (typeof SOCKET_ACTORS)[number];

export type FrameOutcome =
  /** This frame type comes back. */
  | { reply: ServerFrame['type'] }
  /** An `error` frame with this code. */
  | { error: string }
  /** A `call.error` frame with this code. */
  | { callError: string }
  /** A `pushed` frame: `ok` when every result is, else the one code of the refusals (`status <n>` for an answer other than 200). */
  | { pushed: string }
  /** Nothing comes back that says no (no `error`, no `call.error`), and nothing is revealed. */
  | 'silent'
  /** The socket is closed: nothing it sends is acted on. */
  | 'closed';

export interface FrameRow {
  type: string;
  /** A second shape of the same frame type (its row is named by it). */
  variant?: string;
  /** Sends the frame on `socket` as `actor` in `world`; answers a clean-up to run after the outcome is read. */
  send(world: World, socket: LiveClient, actor: SocketActor): Promise<() => Promise<void>>;
  expect: Record<SocketActor, FrameOutcome>;
}

const NOTHING = async (): Promise<void> => undefined;

function byMembership(inside: FrameOutcome, outside: FrameOutcome): Record<SocketActor, FrameOutcome> {
  return { member: inside, patient: inside, nonMember: outside, admin: outside, revoked: 'closed', disabled: 'closed' };
}

/** Call frames: only the callee (the member) is a party; the patient, although in the group, is not. */
function byCallParty(party: FrameOutcome, other: FrameOutcome): Record<SocketActor, FrameOutcome> {
  return { member: party, patient: other, nonMember: other, admin: other, revoked: 'closed', disabled: 'closed' };
}

/** A frame about a fresh ringing call from the creator to the member, then the call is ended. */
function callFrame(type: string, extra: Record<string, unknown> = {}) {
  return async (world: World, socket: LiveClient): Promise<() => Promise<void>> => {
    const call = await ringingCall(world);
    socket.send({ type, callId: call.callId, partyId: newId(), ...extra });
    return () => endCall(world, call);
  };
}

const NOT_FOUND = { callError: 'call_not_found' };

const heldFunctions = new WeakMap<World, Promise<string>>();

/** A function the creator holds now (an admin's override), made once per world. */
function creatorsFunction(world: World): Promise<string> {
  let held = heldFunctions.get(world);
  if (!held) {
    held = (async () => {
      const created = await world.admin.api.request('POST', '/api/admin/functions', { body: { name: `Garde matrice ${newId().slice(-6)}`, eligibleRoles: ['doctor'] } });
      const id = (created.body as { function: { id: string } }).function.id;
      const now = Date.now();
      const override = await world.admin.api.request('POST', `/api/admin/functions/${id}/overrides`, { body: { from: now - 60_000, to: now + 3_600_000, userId: world.creator.user.id } });
      if (override.status !== 201) throw new Error(`override refused: ${override.status}`);
      return id;
    })();
    heldFunctions.set(world, held);
  }
  return held;
}

/** A push frame of these mutations into the group, as the actor (one ref per row). */
function pushFrame(mutations: (world: World) => unknown[]) {
  return async (world: World, socket: LiveClient): Promise<() => Promise<void>> => {
    socket.send({ type: 'push', ref: newId(), push: { deviceId: 'matrix', mutations: mutations(world) } });
    return NOTHING;
  };
}

export const FRAME_ROWS: FrameRow[] = [
  {
    type: 'ping',
    send: async (_world, socket) => {
      socket.send({ type: 'ping', t: 1 });
      return NOTHING;
    },
    expect: byMembership({ reply: 'pong' }, { reply: 'pong' }),
  },
  {
    type: 'typing',
    send: async (world, socket) => {
      socket.send({ type: 'typing', conversationId: world.groupId });
      return NOTHING;
    },
    expect: byMembership('silent', { error: 'conversation_not_found' }),
  },
  {
    type: 'subscribe',
    send: async (world, socket) => {
      socket.send({ type: 'subscribe', conversationId: world.groupId });
      return NOTHING;
    },
    expect: byMembership({ reply: 'subscribed' }, { error: 'conversation_not_found' }),
  },
  {
    type: 'presence',
    send: async (_world, socket) => {
      socket.send({ type: 'presence', state: 'away' });
      return async () => socket.send({ type: 'presence', state: 'online' });
    },
    expect: byMembership('silent', 'silent'),
  },
  {
    type: 'push',
    // The same batch as the push route's row (route-rows.ts): a message, an acknowledgement of the
    // creator's urgent message, an edit and a withdrawal of the message; these three are looked up
    // before they go, the message alone is checked by its script.
    send: pushFrame((world) => {
      const messageId = newId();
      return [
        { id: messageId, kind: 'message.send', args: { conversationId: world.groupId, messageId, body: 'Vu.' } },
        { id: newId(), kind: 'message.ack', args: { conversationId: world.groupId, messageId: world.urgentId, claim: false } },
        { id: newId(), kind: 'message.edit', args: { conversationId: world.groupId, messageId, body: 'Vu, merci.' } },
        { id: newId(), kind: 'message.redact', args: { conversationId: world.groupId, messageId } },
      ];
    }),
    expect: byMembership({ pushed: 'ok' }, { pushed: 'conversation_not_found' }),
  },
  {
    type: 'push',
    variant: 'messages only, checked by their scripts',
    send: pushFrame((world) => {
      const messageId = newId();
      return [{ id: messageId, kind: 'message.send', args: { conversationId: world.groupId, messageId, body: 'Bien noté.' } }];
    }),
    expect: byMembership({ pushed: 'ok' }, { pushed: 'conversation_not_found' }),
  },
  {
    type: 'call.invite',
    // The actor calls the creator in the creator's direct conversation with the member.
    send: async (world, socket) => {
      const callId = newId();
      const partyId = newId();
      socket.send({ type: 'call.invite', callId, conversationId: world.directId, calleeId: world.creator.user.id, partyId, video: false });
      return async () => {
        if (socket.socket.readyState !== socket.socket.OPEN) return;
        socket.send({ type: 'call.hangup', callId, partyId });
        // The party's call ends; anyone else's invite made no call, and its hang-up is refused.
        await socket.next((f) => (f.type === 'call.ended' || f.type === 'call.error') && f.callId === callId);
      };
    },
    expect: byCallParty('silent', NOT_FOUND),
  },
  {
    type: 'call.invite',
    variant: 'to a function',
    // The actor calls a function the creator holds, in the creator's direct conversation with the
    // member: the member's rings the creator; a stranger's is refused as no call; a patient and an
    // admin may not reach functions at all.
    send: async (world, socket) => {
      const functionId = await creatorsFunction(world);
      const callId = newId();
      const partyId = newId();
      socket.send({ type: 'call.invite', callId, conversationId: world.directId, functionId, partyId, video: false });
      return async () => {
        if (socket.socket.readyState !== socket.socket.OPEN) return;
        socket.send({ type: 'call.hangup', callId, partyId });
        await socket.next((f) => (f.type === 'call.ended' || f.type === 'call.error') && f.callId === callId);
      };
    },
    expect: { member: 'silent', nonMember: NOT_FOUND, patient: { callError: 'role_forbidden' }, admin: { callError: 'role_forbidden' }, revoked: 'closed', disabled: 'closed' },
  },
  // A device that says it rings is never told anything (the callee's other devices may race).
  { type: 'call.ringing', send: callFrame('call.ringing'), expect: byCallParty('silent', 'silent') },
  { type: 'call.accept', send: callFrame('call.accept'), expect: byCallParty({ reply: 'call.accepted' }, NOT_FOUND) },
  { type: 'call.decline', send: callFrame('call.decline'), expect: byCallParty({ reply: 'call.ended' }, NOT_FOUND) },
  { type: 'call.hangup', send: callFrame('call.hangup'), expect: byCallParty({ reply: 'call.ended' }, NOT_FOUND) },
  { type: 'call.heartbeat', send: callFrame('call.heartbeat'), expect: byCallParty('silent', NOT_FOUND) },
  // Signals and media flow only in an active call between bound devices: refused while it rings, for everyone.
  { type: 'call.signal', send: callFrame('call.signal', { session: 1, description: { type: 'offer', sdp: 'v=0\r\n' } }), expect: byCallParty(NOT_FOUND, NOT_FOUND) },
  { type: 'call.media', send: callFrame('call.media', { audio: true, video: false }), expect: byCallParty(NOT_FOUND, NOT_FOUND) },
];
