import { effect } from '@preact/signals';
import { CallServerFrame } from '../../../shared/calls.ts';
import { newId } from '../../../shared/ids.ts';
import { pendingIntent, takeIntent } from '../../core/intent.ts';
import { beat, sendCallFrame, startCallOutbox, startHeartbeat, stopHeartbeat } from './call-outbox.ts';
import { PARTY_ID } from './call-party.ts';
import { closeConnection, connectAccepted, prepareConnection, receiveSignal, replaceTrack, sendMediaState } from './call-peer.ts';
import { startRinging, stopRinging } from './call-ringing.ts';
import {
  call,
  callLive,
  canSwitchCamera,
  freshCall,
  historyOpen,
  localMedia,
  localStream,
  patchCall,
  quality,
  reconnecting,
  remoteStream,
} from './call-state.ts';
import { listCameras, MediaError, nextCamera, openMedia, stopStream } from './media.ts';

/**
 * The calls chunk's controller: turns `call.*` frames and button presses into the call state
 * (call-state.ts draws its phases), the media and the peer connection (call-peer.ts).
 */
const ENDED_CARD_MS = 8_000;

type Incoming = Extract<CallServerFrame, { type: 'call.incoming' }>;

let endedTimer: ReturnType<typeof setTimeout> | undefined;
/** An incoming call heard while our own call to the same person was still ringing (glare). */
let glareIncoming: Incoming | null = null;
const endedIds = new Set<string>();

function cleanup(): void {
  stopRinging();
  stopHeartbeat();
  closeConnection();
  stopStream(localStream.peek());
  localStream.value = null;
  remoteStream.value = null;
  reconnecting.value = false;
  quality.value = null;
}

function finish(callId: string, patch: Parameters<typeof patchCall>[1]): void {
  endedIds.add(callId);
  const current = call.peek();
  if (current?.callId !== callId) return;
  cleanup();
  patchCall(callId, { phase: 'ended', ...patch });
  clearTimeout(endedTimer);
  endedTimer = setTimeout(() => {
    if (call.peek()?.callId === callId && call.peek()?.phase === 'ended') call.value = null;
  }, ENDED_CARD_MS);
}

async function acquire(video: boolean): Promise<boolean> {
  const current = call.peek();
  if (!current) return false;
  try {
    const stream = await openMedia({ video });
    if (call.peek()?.callId !== current.callId) {
      stopStream(stream);
      return false;
    }
    localStream.value = stream;
    localMedia.value = { audio: true, video: stream.getVideoTracks().length > 0 };
    canSwitchCamera.value = (await listCameras()).length > 1;
    patchCall(current.callId, { mediaError: null });
    return true;
  } catch (error) {
    patchCall(current.callId, { mediaError: error instanceof MediaError ? error.code : 'unknown' });
    return false;
  }
}

/** Starts a call: camera and microphone first (their errors explained before anything rings). */
export async function startCall(options: { conversationId: string; calleeId: string; calleeName: string; video: boolean; functionId?: string }): Promise<void> {
  if (callLive()) return;
  const callId = newId();
  call.value = freshCall({
    callId,
    conversationId: options.conversationId,
    role: 'caller',
    peerId: options.calleeId,
    peerName: options.calleeName,
    ...(options.functionId !== undefined ? { functionId: options.functionId } : {}),
    video: options.video,
    phase: 'preparing',
    rang: false,
  });
  if (await acquire(options.video)) invite(callId);
}

function invite(callId: string): void {
  const current = call.peek();
  if (current?.callId !== callId) return;
  // To a function: the gateway rings whoever holds it now, whatever this device listed.
  const callee = current.functionId !== undefined ? { functionId: current.functionId } : { calleeId: current.peerId };
  sendCallFrame({ type: 'call.invite', callId, conversationId: current.conversationId, ...callee, partyId: PARTY_ID, video: current.video });
  patchCall(callId, { phase: 'outgoing' });
  startHeartbeat(callId);
  prepareConnection(callId);
}

/** After a media error: try again, with the camera or audio only. */
export async function retryMedia(video: boolean): Promise<void> {
  const current = call.peek();
  if (!current || current.phase === 'ended') return;
  if (!(await acquire(video))) return;
  if (current.role === 'caller' && current.phase === 'preparing') invite(current.callId);
  else if (current.role === 'callee' && current.phase === 'incoming') sendAccept(current.callId);
}

/** Callee: answer on this device. */
export async function accept(): Promise<void> {
  const current = call.peek();
  if (current?.phase !== 'incoming') return;
  stopRinging();
  if (await acquire(current.video)) sendAccept(current.callId);
}

function sendAccept(callId: string): void {
  sendCallFrame({ type: 'call.accept', callId, partyId: PARTY_ID });
}

/** Callee: refuse the call (every device stops ringing). */
export function decline(): void {
  const current = call.peek();
  if (current?.phase !== 'incoming') return;
  sendCallFrame({ type: 'call.decline', callId: current.callId, partyId: PARTY_ID });
  finish(current.callId, { outcome: 'declined' });
}

/** Either side: hang up (cancels a call still ringing). */
export function hangup(): void {
  const current = call.peek();
  if (!current) return;
  if (current.phase === 'ended') {
    call.value = null;
    return;
  }
  if (current.phase !== 'preparing') sendCallFrame({ type: 'call.hangup', callId: current.callId, partyId: PARTY_ID });
  const answered = current.answeredAt !== null;
  finish(current.callId, {
    outcome: answered ? 'completed' : 'cancelled',
    durationSeconds: answered ? Math.round((Date.now() - (current.answeredAt ?? 0)) / 1000) : 0,
  });
}

/** Closes the "call ended" card. */
export function dismiss(): void {
  if (call.peek()?.phase === 'ended') call.value = null;
}

/** Microphone on/off (the other side is told). */
export function toggleAudio(): void {
  const next = !localMedia.peek().audio;
  for (const track of localStream.peek()?.getAudioTracks() ?? []) track.enabled = next;
  localMedia.value = { ...localMedia.peek(), audio: next };
  sendMediaState();
}

/** Camera on/off (the other side is told). */
export function toggleVideo(): void {
  const next = !localMedia.peek().video;
  for (const track of localStream.peek()?.getVideoTracks() ?? []) track.enabled = next;
  localMedia.value = { ...localMedia.peek(), video: next };
  sendMediaState();
}

/** Moves to the next camera (front/back on a tablet) without renegotiating. */
export async function switchCamera(): Promise<void> {
  const stream = localStream.peek();
  const current = stream?.getVideoTracks()[0];
  if (!stream || !current) return;
  const next = nextCamera(await listCameras(), current.getSettings().deviceId);
  if (!next) return;
  try {
    const fresh = await openMedia({ video: true, deviceId: next.deviceId });
    const track = fresh.getVideoTracks()[0];
    if (!track) return;
    track.enabled = localMedia.peek().video;
    await replaceTrack(track);
    stream.removeTrack(current);
    current.stop();
    stream.addTrack(track);
    for (const extra of fresh.getAudioTracks()) extra.stop();
    localStream.value = new MediaStream(stream.getTracks());
  } catch {
    // Keep the current camera.
  }
}

/** Opens the call history panel. */
export function openHistory(): void {
  historyOpen.value = true;
}

function ring(frame: Incoming): void {
  glareIncoming = null;
  call.value = freshCall({
    callId: frame.callId,
    conversationId: frame.conversationId,
    role: 'callee',
    peerId: frame.callerId,
    peerName: frame.callerName,
    ...(frame.functionName !== undefined ? { functionName: frame.functionName } : {}),
    video: frame.video,
    phase: 'incoming',
    rang: true,
  });
  startRinging(frame);
}

/** Applies one server frame (validated here: the shell only looked at its type). */
export function receiveFrame(json: unknown): void {
  const parsed = CallServerFrame.safeParse(json);
  if (!parsed.success) return;
  const frame = parsed.data;
  const current = call.peek();
  const mine = current !== null && current.callId === frame.callId;
  switch (frame.type) {
    case 'call.incoming':
      if (endedIds.has(frame.callId) || mine) return;
      if (!callLive()) return ring(frame);
      if (current?.role === 'caller' && current.peerId === frame.callerId && !current.answeredAt) glareIncoming = frame;
      return;
    case 'call.ringing':
      if (mine && current.role === 'caller') {
        // A call to a function: the gateway says who holds it ("Médecin de garde — Médecine · Dr X").
        const held = frame.callee && frame.functionName ? { peerId: frame.callee.id, peerName: `${frame.functionName} · ${frame.callee.name}` } : {};
        patchCall(frame.callId, { rang: true, ...held });
      }
      return;
    case 'call.accepted':
      if (!mine || current.phase === 'ended' || current.answeredAt !== null) return;
      if (current.role === 'callee' && frame.calleePartyId !== PARTY_ID) return finish(frame.callId, { endedNote: 'answered_elsewhere' });
      if (current.role === 'caller' && frame.callerPartyId !== PARTY_ID) return;
      stopRinging();
      void connectAccepted(frame);
      return;
    case 'call.ended': {
      if (!mine) {
        endedIds.add(frame.callId);
        if (glareIncoming?.callId === frame.callId) glareIncoming = null;
        return;
      }
      if (frame.reason === 'glare' && glareIncoming) {
        const incoming = glareIncoming;
        finish(frame.callId, { outcome: 'cancelled' });
        call.value = null;
        return ring(incoming);
      }
      const elsewhere =
        current.role === 'callee' && frame.byPartyId !== undefined && frame.byPartyId !== PARTY_ID && frame.outcome === 'declined'
          ? 'declined_elsewhere'
          : current.endedNote;
      return finish(frame.callId, { outcome: frame.outcome, durationSeconds: frame.durationSeconds, endedNote: elsewhere });
    }
    case 'call.signal':
      if (!mine || frame.toPartyId !== PARTY_ID) return;
      receiveSignal(frame);
      return;
    case 'call.media':
      if (mine && frame.toPartyId === PARTY_ID) patchCall(frame.callId, { remoteAudio: frame.audio, remoteVideo: frame.video });
      return;
    case 'call.error':
      if (mine && frame.callId) finish(frame.callId, { outcome: 'failed', ...(frame.code === 'function_unheld' ? { endedNote: 'function_unheld' as const } : {}) });
      return;
  }
}

/**
 * Starts the controller (once, when the calls chunk starts): queued frames leave when the socket is
 * back, and a call notification's "Accepter" answers the call ringing in its conversation.
 */
export function startCallController(): void {
  startCallOutbox(() => {
    // Back after a reconnect: say at once that we are still in the call (media never stopped).
    const current = call.peek();
    if (current && callLive() && (current.role === 'caller' || current.phase !== 'incoming')) beat(current.callId);
  });
  effect(() => {
    const intent = pendingIntent.value;
    const current = call.value;
    if (!intent || current?.phase !== 'incoming') return;
    if (takeIntent(current.conversationId, 'answer')) void accept();
  });
}
