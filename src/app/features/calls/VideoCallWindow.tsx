import { useEffect, useRef, useState } from 'preact/hooks';
import { formatDuration, tCall } from './calls-i18n.ts';
import type { CallView } from './call-state.ts';
import { useWebRTC } from './use-webrtc.ts';
import { MediaErrorPanel } from './MediaErrorPanel.tsx';

function Video({ stream, muted, label, testId }: { stream: MediaStream | null; muted: boolean; label: string; testId: string }) {
  const element = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = element.current;
    if (video && video.srcObject !== stream) video.srcObject = stream;
  }, [stream]);
  return <video ref={element} class={`call-video call-video--${testId}`} data-testid={testId} autoPlay playsInline muted={muted} aria-label={label} />;
}

/** Seconds since the call was answered, ticking once a second. */
function useElapsed(answeredAt: number | null): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (answeredAt === null) return;
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [answeredAt]);
  return answeredAt === null ? 0 : Math.max(0, Math.floor((now - answeredAt) / 1000));
}

function endedText(current: CallView): string {
  if (current.endedNote === 'answered_elsewhere') return tCall('ended.answeredElsewhere');
  if (current.endedNote === 'declined_elsewhere') return tCall('ended.declinedElsewhere');
  const name = current.peerName;
  switch (current.outcome) {
    case 'completed':
      return tCall('ended.completed', { duration: formatDuration(current.durationSeconds) });
    case 'busy':
    case 'unavailable':
      return tCall(`ended.${current.outcome}`, { name });
    case null:
      return tCall('ended.cancelled');
    default:
      return tCall(`ended.${current.outcome}`);
  }
}

function statusText(current: CallView, reconnecting: boolean): string {
  if (reconnecting) return tCall('call.reconnecting');
  if (current.phase === 'outgoing' || current.phase === 'preparing') {
    return tCall(current.rang ? 'outgoing.ringing' : 'outgoing.calling', { name: current.peerName });
  }
  return current.phase === 'connecting' ? tCall('call.connecting') : '';
}

/** The call in progress: remote video large, self view, controls, duration, connection quality. */
export function VideoCallWindow() {
  const rtc = useWebRTC();
  const current = rtc.call;
  const elapsed = useElapsed(current?.phase === 'active' || current?.phase === 'connecting' ? current.answeredAt : null);
  if (!current || current.phase === 'incoming') return null;
  if (current.phase === 'ended') {
    return (
      <div class="call-ended" role="status" data-testid="call-ended" data-outcome={current.outcome ?? ''}>
        <p>{endedText(current)}</p>
        <button type="button" class="button" data-testid="call-ended-close" onClick={rtc.dismiss}>
          {tCall('ended.close')}
        </button>
      </div>
    );
  }
  const name = current.peerName;
  const sample = rtc.quality;
  const status = statusText(current, rtc.reconnecting);
  return (
    <section class="call-window" aria-label={tCall('call.window', { name })} data-testid="video-call-window" data-phase={current.phase}>
      <Video stream={rtc.remoteStream} muted={false} label={tCall('call.remoteView', { name })} testId="remote-video" />
      <Video stream={rtc.localStream} muted={true} label={tCall('call.selfView')} testId="local-video" />
      <div class="call-window__top">
        <span class="call-window__name">{name}</span>
        {current.answeredAt !== null && (
          <span class="call-window__duration" data-testid="call-duration">
            {formatDuration(elapsed)}
          </span>
        )}
        {sample && (
          <span
            class={`call-quality call-quality--${sample.quality}`}
            data-testid="call-quality"
            data-quality={sample.quality}
            data-bytes-received={sample.bytesReceived}
            data-frames-decoded={sample.framesDecoded}
            title={tCall('quality.details', { kilobytes: Math.round(sample.bytesReceived / 1024), frames: sample.framesDecoded })}
          >
            {tCall(`quality.${sample.quality}`)}
          </span>
        )}
      </div>
      {status && (
        <p class="call-window__status" role="status" data-testid="call-status">
          {status}
        </p>
      )}
      <div class="call-window__remote-state" aria-live="polite">
        {!current.remoteAudio && <span data-testid="remote-muted">{tCall('call.remoteMuted', { name })}</span>}
        {!current.remoteVideo && <span data-testid="remote-camera-off">{tCall('call.remoteCameraOff', { name })}</span>}
      </div>
      {current.mediaError && (
        <MediaErrorPanel code={current.mediaError} video={current.video} onRetry={(video) => void rtc.retryMedia(video)} onCancel={rtc.hangup} />
      )}
      <div class="call-window__controls">
        <button type="button" class="call-button" aria-pressed={!rtc.audioOn} data-testid="call-toggle-audio" onClick={rtc.toggleAudio}>
          {tCall(rtc.audioOn ? 'call.mute' : 'call.unmute')}
        </button>
        <button type="button" class="call-button" aria-pressed={!rtc.videoOn} data-testid="call-toggle-video" onClick={rtc.toggleVideo}>
          {tCall(rtc.videoOn ? 'call.cameraOff' : 'call.cameraOn')}
        </button>
        {rtc.canSwitchCamera && (
          <button type="button" class="call-button" data-testid="call-switch-camera" onClick={() => void rtc.switchCamera()}>
            {tCall('call.switchCamera')}
          </button>
        )}
        <button type="button" class="call-button call-button--decline" data-testid="call-hangup" onClick={rtc.hangup}>
          {tCall('call.hangup')}
        </button>
      </div>
    </section>
  );
}
