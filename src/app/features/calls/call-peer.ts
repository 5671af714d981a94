import type { CallServerFrame } from '../../../shared/calls.ts';
import { iceServers } from './call-api.ts';
import { sendCallFrame, startHeartbeat } from './call-outbox.ts';
import { PARTY_ID } from './call-party.ts';
import { call, localMedia, localStream, patchCall, quality, reconnecting, remoteStream } from './call-state.ts';
import { PeerSession, type SignalOut } from './peer-session.ts';
import { sampleQuality } from './quality.ts';

type Accepted = Extract<CallServerFrame, { type: 'call.accepted' }>;
type Signal = Extract<CallServerFrame, { type: 'call.signal' }>;

/**
 * The current call's peer connection, from "ringing" to "ended":
 *
 *   caller: invite ─▶ prepare (offer and candidates made, `held`) ─▶ accepted ─▶ held ones sent, live
 *   callee: accepted ─▶ open (answers the caller's offer; signals heard before it waited in `early`)
 *
 * A connection that could not be made while ringing is made again on accept.
 */
const STATS_MS = 2_000;

let peer: PeerSession | null = null;
/** Settles once the caller's connection made while ringing exists (or could not be made). */
let preparing: Promise<void> | null = null;
/** The caller's signals made while the other side rings: they leave once the call is accepted. */
let held: SignalOut[] | null = null;
/** Signals of the other side that came before our connection existed. */
let early: Signal[] = [];
let statsTimer: ReturnType<typeof setInterval> | undefined;

/** The call's peer connection with our media on it (`peer`); null when the call ended meanwhile. */
async function openSession(callId: string): Promise<PeerSession | null> {
  const current = call.peek();
  if (!current || current.callId !== callId) return null;
  const session = new PeerSession({
    polite: current.role === 'callee',
    iceServers: await iceServers(),
    send: (signal: SignalOut) => {
      if (held) held.push(signal);
      else sendCallFrame({ type: 'call.signal', callId, partyId: PARTY_ID, ...signal });
    },
    onRemoteStream: (stream) => {
      remoteStream.value = stream;
    },
    onReconnecting: (value) => {
      reconnecting.value = value;
    },
  });
  if (call.peek()?.callId !== callId || call.peek()?.phase === 'ended' || peer) {
    session.close();
    return null;
  }
  peer = session;
  session.pc.addEventListener('connectionstatechange', () => {
    if (session.pc.connectionState === 'connected') patchCall(callId, { phase: 'active' });
  });
  const stream = localStream.peek();
  if (stream) session.addStream(stream);
  return session;
}

/** Caller, once invited: makes the connection while the other side rings (its signals held). */
export function prepareConnection(callId: string): void {
  held = [];
  preparing = openSession(callId).then(
    () => undefined,
    () => undefined,
  );
}

/** Tells the other side whether our microphone and camera are on (once the call is answered). */
export function sendMediaState(): void {
  const current = call.peek();
  if (current && (current.phase === 'connecting' || current.phase === 'active')) {
    sendCallFrame({ type: 'call.media', callId: current.callId, partyId: PARTY_ID, ...localMedia.peek() });
  }
}

function sampleEvery(session: PeerSession): void {
  let totals: Awaited<ReturnType<typeof sampleQuality>>['totals'] | null = null;
  clearInterval(statsTimer);
  statsTimer = setInterval(() => {
    sampleQuality(session.pc, totals).then(
      (sample) => {
        totals = sample.totals;
        quality.value = sample;
      },
      () => undefined,
    );
  }, STATS_MS);
}

/** The call was accepted: connect (or finish connecting), then follow its quality. */
export async function connectAccepted(frame: Accepted): Promise<void> {
  const current = call.peek();
  if (!current) return;
  patchCall(current.callId, { phase: 'connecting', answeredAt: Date.now() });
  await preparing;
  const session = peer ?? (await openSession(frame.callId));
  if (!session || call.peek()?.callId !== frame.callId) return;
  // Accepted: what the connection made while ringing goes out now, and what it makes next at once.
  for (const signal of held?.splice(0) ?? []) sendCallFrame({ type: 'call.signal', callId: frame.callId, partyId: PARTY_ID, ...signal });
  held = null;
  for (const signal of early.splice(0)) void session.receive(signal).catch(() => undefined);
  startHeartbeat(frame.callId);
  sendMediaState();
  sampleEvery(session);
}

/** A signal of the other side for the current call (kept until our connection exists). */
export function receiveSignal(frame: Signal): void {
  if (!peer) {
    early.push(frame);
    return;
  }
  void peer.receive(frame).catch(() => undefined);
}

/** Swaps our outgoing track of that kind (camera switch), if connected. */
export async function replaceTrack(track: MediaStreamTrack): Promise<void> {
  await peer?.replaceTrack(track);
}

/** Closes the connection and forgets everything pending (the call ended). */
export function closeConnection(): void {
  clearInterval(statsTimer);
  peer?.close();
  peer = null;
  preparing = null;
  held = null;
  early = [];
}
