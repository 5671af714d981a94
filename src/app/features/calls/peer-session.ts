/**
 * One RTCPeerConnection with the W3C "perfect negotiation" pattern
 * (https://w3c.github.io/webrtc-pc/#perfect-negotiation-example): both sides may offer at any time;
 * on a collision the impolite peer (the caller) ignores the other's offer and the polite one (the
 * callee) rolls back and answers. Remote ICE candidates wait until a remote description is set, and
 * candidates of an older `session` (a previous peer connection of the other side) are dropped.
 *
 * Connection repair: `failed` ⇒ restartIce() at once; `disconnected` ⇒ a grace period first (it often
 * heals by itself on a Wi-Fi handover), then restartIce().
 *
 * Video starts at half the camera's resolution and goes to full a moment after the connection is up.
 * WebRTC's encoder starts from a low bandwidth estimate and drops its first frames while the
 * resolution is too high for it: a 1280×720 camera showed its first remote frame ~700 ms after
 * "accept" on loopback, ~300 ms when sent at 640×360 (bench/client/call-timing.ts).
 */
export interface CandidateOut {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

export interface SignalOut {
  session: number;
  description?: { type: RTCSdpType; sdp?: string };
  candidate?: CandidateOut | null;
}

export interface PeerSessionOptions {
  polite: boolean;
  iceServers: RTCIceServer[];
  send(signal: SignalOut): void;
  onRemoteStream(stream: MediaStream): void;
  /** True while the media path is broken and being repaired. */
  onReconnecting(reconnecting: boolean): void;
  /** Grace period on `disconnected` before restarting ICE. */
  graceMs?: number;
}

let sessionCounter = 0;

/** Video is sent at 1/START_VIDEO_SCALE of the camera's resolution until FULL_VIDEO_AFTER_MS after the connection is up. */
const START_VIDEO_SCALE = 2;
const FULL_VIDEO_AFTER_MS = 2_000;

/** Sets the resolution divisor of a video sender (best effort: the call goes on at the current one). */
async function scaleVideo(sender: RTCRtpSender, factor: number): Promise<void> {
  const parameters = sender.getParameters();
  const [encoding] = parameters.encodings;
  if (!encoding || (encoding.scaleResolutionDownBy ?? 1) === factor) return;
  encoding.scaleResolutionDownBy = factor;
  await sender.setParameters(parameters).catch(() => undefined);
}

const describe = (d: RTCSessionDescription): { type: RTCSdpType; sdp: string } => ({ type: d.type, sdp: d.sdp });

/** One call's peer connection, negotiated and repaired as described at the top of this file. */
export class PeerSession {
  readonly pc: RTCPeerConnection;
  /** This peer connection's generation, sent with every signal. */
  readonly session = Date.now() * 10 + (sessionCounter++ % 10);
  readonly #options: PeerSessionOptions;
  #makingOffer = false;
  #ignoreOffer = false;
  #remoteSession = -1;
  #pending: RTCIceCandidateInit[] = [];
  #grace: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #settingRemoteAnswer = false;
  #deferred: MediaStream | null = null;
  #chain: Promise<void> = Promise.resolve();
  #fullVideo: ReturnType<typeof setTimeout> | undefined;

  constructor(options: PeerSessionOptions) {
    this.#options = options;
    const pc = new RTCPeerConnection({ iceServers: options.iceServers });
    this.pc = pc;
    const remote = new MediaStream();
    pc.ontrack = ({ track, streams }) => {
      const stream = streams[0] ?? remote;
      if (!streams[0]) remote.addTrack(track);
      options.onRemoteStream(stream);
    };
    pc.onicecandidate = ({ candidate }) => {
      const out = candidate
        ? { candidate: candidate.candidate, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex, usernameFragment: candidate.usernameFragment }
        : null;
      options.send({ session: this.session, candidate: out });
    };
    pc.onnegotiationneeded = async () => {
      try {
        this.#makingOffer = true;
        await pc.setLocalDescription();
        if (pc.localDescription) options.send({ session: this.session, description: describe(pc.localDescription) });
      } catch {
        // A failed offer is retried by the next negotiationneeded (or an ICE restart).
      } finally {
        this.#makingOffer = false;
      }
    };
    pc.oniceconnectionstatechange = () => this.#onIceState();
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState !== 'connected' || this.#fullVideo !== undefined) return;
      this.#fullVideo = setTimeout(() => {
        for (const sender of pc.getSenders()) if (sender.track?.kind === 'video') void scaleVideo(sender, 1);
      }, FULL_VIDEO_AFTER_MS);
    });
  }

  #addTrack(track: MediaStreamTrack, stream: MediaStream): void {
    const sender = this.pc.addTrack(track, stream);
    if (track.kind === 'video' && this.#fullVideo === undefined) void scaleVideo(sender, START_VIDEO_SCALE);
  }

  /**
   * Sends our tracks. The impolite peer (caller) adds them at once and its negotiationneeded makes
   * the first offer; the polite peer (callee) adds them when that offer arrives, onto the offered
   * transceivers, so the common case is one offer and one answer with no collision to resolve.
   */
  addStream(stream: MediaStream): void {
    if (this.#options.polite && !this.pc.remoteDescription) {
      this.#deferred = stream;
      return;
    }
    for (const track of stream.getTracks()) this.#addTrack(track, stream);
  }

  /** Applies a signal from the other side (one at a time, in arrival order). */
  receive(signal: { session: number; description?: RTCSessionDescriptionInit; candidate?: RTCIceCandidateInit | null }): Promise<void> {
    const run = this.#chain.then(() => this.#receive(signal));
    this.#chain = run.catch(() => undefined);
    return run;
  }

  /** Swaps the outgoing track of that kind (camera switch) without renegotiating. */
  async replaceTrack(track: MediaStreamTrack): Promise<void> {
    const sender = this.pc.getSenders().find((s) => s.track?.kind === track.kind);
    await sender?.replaceTrack(track);
  }

  async #receive(signal: { session: number; description?: RTCSessionDescriptionInit; candidate?: RTCIceCandidateInit | null }): Promise<void> {
    if (this.#closed) return;
    if (signal.session < this.#remoteSession) return; // an older peer connection of theirs: stale
    if (signal.session > this.#remoteSession) {
      this.#remoteSession = signal.session;
      this.#pending = [];
    }
    const pc = this.pc;
    if (signal.description) {
      const description = signal.description;
      const ready = !this.#makingOffer && (pc.signalingState === 'stable' || this.#settingRemoteAnswer);
      const collision = description.type === 'offer' && !ready;
      this.#ignoreOffer = !this.#options.polite && collision;
      if (this.#ignoreOffer) return;
      this.#settingRemoteAnswer = description.type === 'answer';
      try {
        await pc.setRemoteDescription(description);
      } finally {
        this.#settingRemoteAnswer = false;
      }
      for (const candidate of this.#pending.splice(0)) await this.#addCandidate(candidate);
      if (description.type === 'offer') {
        const deferred = this.#deferred;
        this.#deferred = null;
        if (deferred) for (const track of deferred.getTracks()) this.#addTrack(track, deferred);
        await pc.setLocalDescription();
        if (pc.localDescription) this.#options.send({ session: this.session, description: describe(pc.localDescription) });
      }
      return;
    }
    if (signal.candidate === undefined) return;
    if (signal.candidate === null) return; // end of candidates: nothing to do with trickle ICE
    if (!pc.remoteDescription) {
      this.#pending.push(signal.candidate);
      return;
    }
    await this.#addCandidate(signal.candidate);
  }

  async #addCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    try {
      await this.pc.addIceCandidate(candidate);
    } catch (error) {
      // Candidates of an offer we ignored fail by design.
      if (!this.#ignoreOffer) throw error;
    }
  }

  #onIceState(): void {
    const state = this.pc.iceConnectionState;
    clearTimeout(this.#grace);
    if (state === 'failed') {
      this.#options.onReconnecting(true);
      this.pc.restartIce();
    } else if (state === 'disconnected') {
      this.#options.onReconnecting(true);
      this.#grace = setTimeout(() => {
        if (this.pc.iceConnectionState === 'disconnected') this.pc.restartIce();
      }, this.#options.graceMs ?? 4_000);
    } else if (state === 'connected' || state === 'completed') {
      this.#options.onReconnecting(false);
    }
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#grace);
    clearTimeout(this.#fullVideo);
    this.pc.close();
  }
}
