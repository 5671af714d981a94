import * as z from 'zod/mini';
import { Id } from './model.ts';

export { SystemEvent } from './model.ts';

/**
 * Video calls: the `call.*` WebSocket frames (signaling), the call history and statistics bodies,
 * and the ICE servers answer. Media flows peer to peer; only signaling crosses the gateway.
 *
 * `partyId` names one device (one tab) of a party: the tab picks it once (a UUID) and keeps it across
 * WebSocket reconnects, so a reconnect during a call keeps the same party. Frames to a user go to all
 * of their devices; a device ignores frames addressed to another `partyId`.
 */

/** How a call ended. `unavailable`: the callee had no device online to ring. */
export const CALL_OUTCOMES = ['completed', 'missed', 'declined', 'busy', 'cancelled', 'failed', 'unavailable'] as const;
export const CallOutcome = z.enum(CALL_OUTCOMES);
export type CallOutcome = z.infer<typeof CallOutcome>;

/** Limits of signaling payloads (an SDP with many codecs stays well under 16 KB). */
export const CALL_LIMITS = {
  SDP_MAX: 32_000,
  CANDIDATE_MAX: 1_000,
} as const;

const SessionDescription = z.strictObject({
  type: z.enum(['offer', 'answer', 'pranswer', 'rollback']),
  sdp: z.optional(z.string().check(z.maxLength(CALL_LIMITS.SDP_MAX))),
});

const IceCandidate = z.strictObject({
  candidate: z.string().check(z.maxLength(CALL_LIMITS.CANDIDATE_MAX)),
  sdpMid: z.optional(z.nullable(z.string().check(z.maxLength(64)))),
  sdpMLineIndex: z.optional(z.nullable(z.number().check(z.int(), z.minimum(0), z.maximum(64)))),
  usernameFragment: z.optional(z.nullable(z.string().check(z.maxLength(256)))),
});

/** The peer-connection generation of the sender: candidates of an older one are dropped. */
const Session = z.number().check(z.int(), z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER));

/** Client → server call frames. */
export const CALL_CLIENT_FRAMES = [
  /**
   * Start a call to `calleeId`, a member of `conversationId`; the tab chooses `callId`. Or, instead
   * of `calleeId`, to `functionId`: the gateway rings whoever holds that function now by its rota
   * (exactly one of the two).
   */
  z
    .strictObject({
      type: z.literal('call.invite'),
      callId: Id,
      conversationId: Id,
      calleeId: z.optional(Id),
      functionId: z.optional(Id),
      partyId: Id,
      video: z.boolean(),
    })
    .check(z.refine((frame) => (frame.calleeId === undefined) !== (frame.functionId === undefined))),
  /** A callee device says it is ringing (no such answer in time: the call ends as unavailable). */
  z.strictObject({ type: z.literal('call.ringing'), callId: Id, partyId: Id }),
  z.strictObject({ type: z.literal('call.accept'), callId: Id, partyId: Id }),
  z.strictObject({ type: z.literal('call.decline'), callId: Id, partyId: Id }),
  /** Hang up: cancels a call still ringing (caller), ends an active one (either party). */
  z.strictObject({ type: z.literal('call.hangup'), callId: Id, partyId: Id }),
  /** SDP or ICE for the other party, relayed as is. */
  z.strictObject({
    type: z.literal('call.signal'),
    callId: Id,
    partyId: Id,
    session: Session,
    description: z.optional(SessionDescription),
    candidate: z.optional(z.nullable(IceCandidate)),
  }),
  /** Microphone / camera state, shown on the other side. */
  z.strictObject({ type: z.literal('call.media'), callId: Id, partyId: Id, audio: z.boolean(), video: z.boolean() }),
  /** "Still here" while a call is ringing or active; also sent at once after a reconnect. */
  z.strictObject({ type: z.literal('call.heartbeat'), callId: Id, partyId: Id }),
] as const;

/** Server → client call frames. */
export const CALL_SERVER_FRAMES = [
  /**
   * To every device of the callee. A call to a function names it (`functionName`, as the gateway's
   * rota resolved it from the invite's `functionId`): the holder sees the call is for the function.
   */
  z.object({
    type: z.literal('call.incoming'),
    callId: Id,
    conversationId: Id,
    callerId: Id,
    callerName: z.string(),
    callerPartyId: Id,
    video: z.boolean(),
    expiresAt: z.number(),
    serverTime: z.number(),
    functionName: z.optional(z.string()),
  }),
  /**
   * To the caller: at least one callee device rings. A call to a function also names who holds it
   * (`callee`) and the function (`functionName`).
   */
  z.object({
    type: z.literal('call.ringing'),
    callId: Id,
    expiresAt: z.number(),
    serverTime: z.number(),
    callee: z.optional(z.object({ id: Id, name: z.string() })),
    functionName: z.optional(z.string()),
  }),
  /** To both parties' devices: `calleePartyId` won; the callee's other devices stop ringing. */
  z.object({
    type: z.literal('call.accepted'),
    callId: Id,
    callerPartyId: Id,
    calleePartyId: Id,
    answeredAt: z.number(),
  }),
  /** To both parties' devices. `byPartyId`: the device whose action ended it (absent for timeouts). */
  z.object({
    type: z.literal('call.ended'),
    callId: Id,
    outcome: CallOutcome,
    reason: z.optional(z.string()),
    byPartyId: z.optional(Id),
    durationSeconds: z.number(),
  }),
  z.object({
    type: z.literal('call.signal'),
    callId: Id,
    fromPartyId: Id,
    toPartyId: Id,
    session: z.number(),
    description: z.optional(SessionDescription),
    candidate: z.optional(z.nullable(IceCandidate)),
  }),
  z.object({
    type: z.literal('call.media'),
    callId: Id,
    fromPartyId: Id,
    toPartyId: Id,
    audio: z.boolean(),
    video: z.boolean(),
  }),
  /**
   * A refused call frame. `call_not_found` also answers a call the user is not a party of;
   * `rate_limited` an invite over the caller's limit, with the wait before another would pass;
   * `role_forbidden` an invite from a role that may not start calls (a patient: staff call them);
   * `function_unheld` an invite to a function nobody holds now.
   */
  z.object({
    type: z.literal('call.error'),
    callId: z.optional(Id),
    code: z.enum(['call_not_found', 'bad_request', 'unavailable', 'rate_limited', 'role_forbidden', 'function_unheld']),
    retryAfterMs: z.optional(z.number()),
  }),
] as const;

export const CallClientFrame = z.discriminatedUnion('type', [...CALL_CLIENT_FRAMES]);
export type CallClientFrame = z.infer<typeof CallClientFrame>;
export const CallServerFrame = z.discriminatedUnion('type', [...CALL_SERVER_FRAMES]);
export type CallServerFrame = z.infer<typeof CallServerFrame>;

/** One call in a user's history, from that user's point of view. */
export const CallHistoryEntry = z.object({
  callId: Id,
  conversationId: Id,
  direction: z.enum(['outgoing', 'incoming']),
  peerId: Id,
  peerName: z.string(),
  video: z.boolean(),
  startedAt: z.number(),
  answeredAt: z.nullable(z.number()),
  endedAt: z.number(),
  durationSeconds: z.number(),
  outcome: CallOutcome,
  /** A call made to a function: its name (`peerName` is who held it). */
  functionName: z.optional(z.string()),
});
export type CallHistoryEntry = z.infer<typeof CallHistoryEntry>;

export const CallHistoryQuery = z.strictObject({
  limit: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(200))),
});
export const CallHistoryReply = z.object({ calls: z.array(CallHistoryEntry) });
export type CallHistoryReply = z.infer<typeof CallHistoryReply>;

/** `GET /api/calls/stats`: the last `days` days. Average over completed calls. */
export const CallStatsReply = z.object({
  days: z.number(),
  since: z.number(),
  total: z.number(),
  byOutcome: z.record(CallOutcome, z.number()),
  totalDurationSeconds: z.number(),
  averageDurationSeconds: z.number(),
});
export type CallStatsReply = z.infer<typeof CallStatsReply>;

/** `POST /api/calls/:callId/decline` (a notification's "Refuser", sent by the service worker). */
export const CallDeclineParams = z.strictObject({ callId: Id });
export const CallDeclineBody = z.strictObject({ partyId: Id });

/** `GET /api/calls/ice-servers`: what `new RTCPeerConnection({iceServers})` takes. */
export const IceServersReply = z.object({
  iceServers: z.array(
    z.object({ urls: z.array(z.string()), username: z.optional(z.string()), credential: z.optional(z.string()) }),
  ),
  /** When TURN credentials stop working (ms since epoch), or null without TURN. */
  expiresAt: z.nullable(z.number()),
});
export type IceServersReply = z.infer<typeof IceServersReply>;

/** True for a `call.*` frame (narrows a ClientFrame / ServerFrame union to its call members). */
export function isCallFrame<T extends { type: string }>(frame: T): frame is Extract<T, { type: `call.${string}` }> {
  return frame.type.startsWith('call.');
}
