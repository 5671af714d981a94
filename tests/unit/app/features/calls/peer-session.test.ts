import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PeerSession } from '../../../../../src/app/features/calls/peer-session.ts';

/**
 * The video start resolution of a PeerSession. Node has no WebRTC: a minimal RTCPeerConnection
 * stands in, holding what the session reads and writes (senders and their encoding parameters,
 * the connection state and its event); the browser side is covered by tests/e2e/calls-video.test.ts.
 */

class FakeSender {
  readonly parameters = { encodings: [{ active: true } as RTCRtpEncodingParameters] };
  readonly applied: (number | undefined)[] = [];
  constructor(readonly track: { kind: string }) {}
  getParameters() {
    return structuredClone(this.parameters);
  }
  async setParameters(parameters: { encodings: RTCRtpEncodingParameters[] }) {
    this.parameters.encodings = parameters.encodings;
    this.applied.push(parameters.encodings[0]?.scaleResolutionDownBy);
  }
}

class FakePeerConnection extends EventTarget {
  static last: FakePeerConnection;
  readonly senders: FakeSender[] = [];
  connectionState = 'new';
  remoteDescription: RTCSessionDescriptionInit | null = null;
  localDescription: RTCSessionDescriptionInit | null = null;
  signalingState = 'stable';
  iceConnectionState = 'new';
  constructor() {
    super();
    FakePeerConnection.last = this;
  }
  addTrack(track: { kind: string }) {
    const sender = new FakeSender(track);
    this.senders.push(sender);
    return sender;
  }
  getSenders() {
    return this.senders;
  }
  async setRemoteDescription(description: RTCSessionDescriptionInit) {
    this.remoteDescription = description;
  }
  async setLocalDescription() {
    this.localDescription = { type: 'answer', sdp: 'v=0' };
  }
  connect() {
    this.connectionState = 'connected';
    this.dispatchEvent(new Event('connectionstatechange'));
  }
  close() {}
}

function fakeStream(...kinds: string[]): MediaStream {
  const tracks = kinds.map((kind) => ({ kind }));
  return { getTracks: () => tracks } as unknown as MediaStream;
}

function session(polite: boolean): PeerSession {
  return new PeerSession({ polite, iceServers: [], send: () => undefined, onRemoteStream: () => undefined, onReconnecting: () => undefined });
}

describe('PeerSession video resolution', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal('RTCPeerConnection', FakePeerConnection);
    vi.stubGlobal('MediaStream', class {});
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('sends video at half resolution until 2 s after the connection is up, then at full', async () => {
    const caller = session(false);
    caller.addStream(fakeStream('audio', 'video'));
    await vi.advanceTimersByTimeAsync(0);
    const pc = FakePeerConnection.last;
    const [audio, video] = pc.senders as [FakeSender, FakeSender];
    expect(video.applied).toEqual([2]);
    expect(audio.applied).toEqual([]);

    pc.connect();
    await vi.advanceTimersByTimeAsync(1_999);
    expect(video.applied).toEqual([2]);
    await vi.advanceTimersByTimeAsync(1);
    expect(video.applied).toEqual([2, 1]);
    caller.close();
  });

  it('starts the answering side at half resolution too (its tracks join on the offer)', async () => {
    const callee = session(true);
    callee.addStream(fakeStream('audio', 'video'));
    const pc = FakePeerConnection.last;
    expect(pc.senders).toHaveLength(0);
    await callee.receive({ session: 1, description: { type: 'offer', sdp: 'v=0' } });
    expect(pc.senders.find((s) => s.track.kind === 'video')?.applied).toEqual([2]);
    callee.close();
  });

  it('sends a track added once the call is at full resolution at full resolution', async () => {
    const caller = session(false);
    const pc = FakePeerConnection.last;
    pc.connect();
    caller.addStream(fakeStream('video'));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(pc.senders[0]?.applied).toEqual([]);
    caller.close();
  });
});
