import { effect } from '@preact/signals';
import { render, h } from 'preact';
import { CallServerFrame, IceServersReply, type CallClientFrame } from '../../../shared/calls.ts';
import { newId } from '../../../shared/ids.ts';
import { realtimeStatus, sendFrame } from '../../core/realtime.ts';
import { PARTY_ID, unlockedAudio } from './call-listener.ts';
import { call, callLive, canSwitchCamera, historyOpen, localMedia, localStream, patchCall, quality, reconnecting, remoteStream } from './call-state.ts';
import { tCall } from './calls-i18n.ts';
import { listCameras, MediaError, nextCamera, openMedia, stopStream } from './media.ts';
import { PeerSession, type SignalOut } from './peer-session.ts';
import { sampleQuality } from './quality.ts';
import { playRingtone, type Ringtone } from './ringtone.ts';
import { pendingIntent, takeIntent } from '../../core/intent.ts';
import { preferences } from '../notifications/notification-features.ts';
import { CallLayer } from './CallLayer.tsx';
import './calls.css';

/**
 * The calls chunk's controller: turns `call.*` frames and button presses into the call state, the
 * media and the peer connection. Loaded on demand by `call-listener.ts`.
 */
const HEARTBEAT_MS = 5_000;
const STATS_MS = 2_000;
const ENDED_CARD_MS = 8_000;
const QUEUE_MAX = 200;

type Frame = CallServerFrame;
type Incoming = Extract<Frame, { type: 'call.incoming' }>;

let peer: PeerSession | null = null;
let ringtone: Ringtone | null = null;
let heartbeat: ReturnType<typeof setInterval> | undefined;
let statsTimer: ReturnType<typeof setInterval> | undefined;
let endedTimer: ReturnType<typeof setTimeout> | undefined;
let earlySignals: Extract<Frame, { type: 'call.signal' }>[] = [];
/**
 * The caller makes its peer connection (offer, ICE candidates) while the other side rings: those
 * signals wait in `held` until the call is accepted, then leave at once, so answering does not wait
 * for them to be made. `preparing` settles once that connection exists (or could not be made).
 */
let preparing: Promise<void> | null = null;
let held: SignalOut[] | null = null;
/** An incoming call heard while our own call to the same person was still ringing (glare). */
let glareIncoming: Incoming | null = null;
const endedIds = new Set<string>();
/** Frames to send once the WebSocket is back (a reconnect must not lose an ICE restart offer). */
const outbox: CallClientFrame[] = [];
const savedTitle = document.title;

function send(frame: CallClientFrame): void {
  if (realtimeStatus.peek() === 'open') return sendFrame(frame);
  if (outbox.length >= QUEUE_MAX) outbox.shift();
  outbox.push(frame);
}

effect(() => {
  if (realtimeStatus.value !== 'open') return;
  for (const frame of outbox.splice(0)) sendFrame(frame);
  // Back after a reconnect: say at once that we are still in the call (media never stopped).
  const current = call.peek();
  if (current && callLive() && (current.role === 'caller' || current.phase !== 'incoming')) beat(current.callId);
});

// "Accepter" on a call notification: answer the call ringing in that conversation, once it rings here.
effect(() => {
  const intent = pendingIntent.value;
  const current = call.value;
  if (!intent || current?.phase !== 'incoming') return;
  if (takeIntent(current.conversationId, 'answer')) void accept();
});

const container = document.createElement('div');
container.id = 'call-layer';
document.body.append(container);
render(h(CallLayer, {}), container);

function beat(callId: string): void {
  sendFrame({ type: 'call.heartbeat', callId, partyId: PARTY_ID });
}

function startHeartbeat(callId: string): void {
  clearInterval(heartbeat);
  heartbeat = setInterval(() => beat(callId), HEARTBEAT_MS);
}

let iceCache: { servers: RTCIceServer[]; until: number } | null = null;

async function iceServers(): Promise<RTCIceServer[]> {
  if (iceCache && iceCache.until > Date.now() + 60_000) return iceCache.servers;
  try {
    const response = await fetch('/api/calls/ice-servers', { credentials: 'same-origin' });
    const parsed = IceServersReply.safeParse(await response.json());
    if (!parsed.success) return [];
    iceCache = { servers: parsed.data.iceServers, until: parsed.data.expiresAt ?? Number.MAX_SAFE_INTEGER };
    return iceCache.servers;
  } catch {
    return []; // a LAN call needs none
  }
}

function stopRinging(): void {
  ringtone?.stop();
  ringtone = null;
  document.title = savedTitle;
}

function cleanup(): void {
  stopRinging();
  clearInterval(heartbeat);
  clearInterval(statsTimer);
  peer?.close();
  peer = null;
  preparing = null;
  held = null;
  earlySignals = [];
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
export async function startCall(options: { conversationId: string; calleeId: string; calleeName: string; video: boolean }): Promise<void> {
  if (callLive()) return;
  const callId = newId();
  call.value = {
    callId,
    conversationId: options.conversationId,
    role: 'caller',
    peerId: options.calleeId,
    peerName: options.calleeName,
    video: options.video,
    phase: 'preparing',
    rang: false,
    outcome: null,
    endedNote: null,
    durationSeconds: 0,
    answeredAt: null,
    remoteAudio: true,
    remoteVideo: options.video,
    mediaError: null,
  };
  if (await acquire(options.video)) invite(callId);
}

function invite(callId: string): void {
  const current = call.peek();
  if (current?.callId !== callId) return;
  send({ type: 'call.invite', callId, conversationId: current.conversationId, calleeId: current.peerId, partyId: PARTY_ID, video: current.video });
  patchCall(callId, { phase: 'outgoing' });
  startHeartbeat(callId);
  held = [];
  // A connection that could not be made here is made again when the call is accepted (connect()).
  preparing = openSession(callId).then(
    () => undefined,
    () => undefined,
  );
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
  send({ type: 'call.accept', callId, partyId: PARTY_ID });
}

/** Callee: refuse the call (every device stops ringing). */
export function decline(): void {
  const current = call.peek();
  if (current?.phase !== 'incoming') return;
  send({ type: 'call.decline', callId: current.callId, partyId: PARTY_ID });
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
  if (current.phase !== 'preparing') send({ type: 'call.hangup', callId: current.callId, partyId: PARTY_ID });
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

function sendMediaState(): void {
  const current = call.peek();
  if (current && (current.phase === 'connecting' || current.phase === 'active')) {
    send({ type: 'call.media', callId: current.callId, partyId: PARTY_ID, ...localMedia.peek() });
  }
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
    await peer?.replaceTrack(track);
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
  call.value = {
    callId: frame.callId,
    conversationId: frame.conversationId,
    role: 'callee',
    peerId: frame.callerId,
    peerName: frame.callerName,
    video: frame.video,
    phase: 'incoming',
    rang: true,
    outcome: null,
    endedNote: null,
    durationSeconds: 0,
    answeredAt: null,
    remoteAudio: true,
    remoteVideo: frame.video,
    mediaError: null,
  };
  const seconds = Math.max(1, (frame.expiresAt - frame.serverTime) / 1000);
  // "Son" off in the preferences: the call still shows (and the title flashes), silently.
  ringtone = preferences.peek().sound ? playRingtone(unlockedAudio(), seconds) : null;
  const text = tCall('incoming.from', { name: frame.callerName });
  document.title = `📞 ${text}`;
  if (document.visibilityState === 'hidden' && 'Notification' in window && Notification.permission === 'granted') {
    try {
      const notification = new Notification(tCall('incoming.title'), { body: text, tag: `call-${frame.callId}`, requireInteraction: true });
      notification.onclick = () => {
        window.focus();
        notification.close();
      };
    } catch {
      // Some browsers only notify from the service worker; the title and ringtone remain.
    }
  }
}

/** The call's peer connection with our media on it (`peer`); null when the call ended meanwhile. */
async function openSession(callId: string): Promise<PeerSession | null> {
  const current = call.peek();
  if (!current || current.callId !== callId) return null;
  const session = new PeerSession({
    polite: current.role === 'callee',
    iceServers: await iceServers(),
    send: (signal: SignalOut) => {
      if (held) held.push(signal);
      else send({ type: 'call.signal', callId, partyId: PARTY_ID, ...signal });
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

async function connect(frame: Extract<Frame, { type: 'call.accepted' }>): Promise<void> {
  const current = call.peek();
  if (!current) return;
  patchCall(current.callId, { phase: 'connecting', answeredAt: Date.now() });
  await preparing;
  const session = peer ?? (await openSession(frame.callId));
  if (!session || call.peek()?.callId !== frame.callId) return;
  // Accepted: what the connection made while ringing goes out now, and what it makes next at once.
  for (const signal of held?.splice(0) ?? []) send({ type: 'call.signal', callId: frame.callId, partyId: PARTY_ID, ...signal });
  held = null;
  for (const signal of earlySignals.splice(0)) void session.receive(signal).catch(() => undefined);
  startHeartbeat(frame.callId);
  sendMediaState();
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
      if (mine && current.role === 'caller') patchCall(frame.callId, { rang: true });
      return;
    case 'call.accepted':
      if (!mine || current.phase === 'ended' || current.answeredAt !== null) return;
      if (current.role === 'callee' && frame.calleePartyId !== PARTY_ID) return finish(frame.callId, { endedNote: 'answered_elsewhere' });
      if (current.role === 'caller' && frame.callerPartyId !== PARTY_ID) return;
      stopRinging();
      void connect(frame);
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
      if (!peer) {
        earlySignals.push(frame);
        return;
      }
      void peer.receive(frame).catch(() => undefined);
      return;
    case 'call.media':
      if (mine && frame.toPartyId === PARTY_ID) patchCall(frame.callId, { remoteAudio: frame.audio, remoteVideo: frame.video });
      return;
    case 'call.error':
      if (mine && frame.callId) finish(frame.callId, { outcome: 'failed' });
      return;
  }
}
