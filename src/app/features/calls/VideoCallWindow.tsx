import { useEffect, useRef, useState } from 'preact/hooks';
import { formatDuration, tCall } from './calls-i18n.ts';
import { formatBytes, formatNumber, lang } from '../../core/i18n/index.ts';
import type { CallView } from './call-state.ts';
import { useWebRTC } from './use-webrtc.ts';
import { CallDialog } from './CallDialog.tsx';
import { CallIcon, type CallIconName } from './CallIcon.tsx';
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
  if (current.endedNote === 'function_unheld') return tCall('ended.functionUnheld');
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

/** A control of the call bar: an icon over its words (the words are its accessible name). */
function ControlButton(props: { icon: CallIconName; label: string; testId: string; pressed?: boolean; danger?: boolean; onClick(): void }) {
  return (
    <button
      type="button"
      class={`call-control${props.danger ? ' call-control--hangup' : ''}`}
      aria-pressed={props.pressed}
      data-testid={props.testId}
      onClick={props.onClick}
    >
      <CallIcon name={props.icon} />
      <span class="call-control__label">{props.label}</span>
    </button>
  );
}

/** The end card: how the call ended, until "Fermer", Escape or a few seconds pass. */
function CallEnded({ current, onClose }: { current: CallView; onClose(): void }) {
  const closeButton = useRef<HTMLButtonElement>(null);
  return (
    <CallDialog
      key={`ended-${current.callId}`}
      class="call-card call-ended"
      labelledBy="call-ended-text"
      testId="call-ended"
      onEscape={onClose}
      focus={closeButton}
      data={{ 'data-outcome': current.outcome ?? '' }}
    >
      <p id="call-ended-text" role="status">
        {endedText(current)}
      </p>
      <div class="call-card__actions">
        <button ref={closeButton} type="button" class="call-card__button" data-testid="call-ended-close" onClick={onClose}>
          {tCall('ended.close')}
        </button>
      </div>
    </CallDialog>
  );
}

/**
 * The call in progress, full screen in the top layer (CallDialog), three rows whatever the size:
 *
 *   ┌ top: name · duration · quality ─────────┐
 *   │ stage: remote video (contain), status,  │  ← takes what is left (minmax(0, 1fr))
 *   │        self view small in a corner ┌──┐ │
 *   │                                    └──┘ │
 *   ├ controls: a bar UNDER the stage ────────┤  ← never over the other person's face
 *   └─────────────────────────────────────────┘
 */
export function VideoCallWindow() {
  const rtc = useWebRTC();
  const current = rtc.call;
  const elapsed = useElapsed(current?.phase === 'active' || current?.phase === 'connecting' ? current.answeredAt : null);
  if (!current || current.phase === 'incoming') return null;
  if (current.phase === 'ended') return <CallEnded current={current} onClose={rtc.dismiss} />;
  const name = current.peerName;
  const sample = rtc.quality;
  const status = statusText(current, rtc.reconnecting);
  return (
    <CallDialog
      key={`window-${current.callId}`}
      class="call-window"
      label={tCall('call.window', { name })}
      testId="video-call-window"
      data={{ 'data-phase': current.phase }}
    >
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
            title={tCall('quality.details', { size: formatBytes(sample.bytesReceived, lang.value), frames: formatNumber(sample.framesDecoded, lang.value) })}
          >
            {tCall(`quality.${sample.quality}`)}
          </span>
        )}
      </div>
      <div class="call-window__stage">
        <Video stream={rtc.remoteStream} muted={false} label={tCall('call.remoteView', { name })} testId="remote-video" />
        <Video stream={rtc.localStream} muted={true} label={tCall('call.selfView')} testId="local-video" />
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
      </div>
      <div class="call-window__controls" data-testid="call-controls">
        <ControlButton
          icon={rtc.audioOn ? 'mic' : 'micOff'}
          label={tCall(rtc.audioOn ? 'call.mute' : 'call.unmute')}
          pressed={!rtc.audioOn}
          testId="call-toggle-audio"
          onClick={rtc.toggleAudio}
        />
        <ControlButton
          icon={rtc.videoOn ? 'camera' : 'cameraOff'}
          label={tCall(rtc.videoOn ? 'call.cameraOff' : 'call.cameraOn')}
          pressed={!rtc.videoOn}
          testId="call-toggle-video"
          onClick={rtc.toggleVideo}
        />
        {rtc.canSwitchCamera && <ControlButton icon="switchCamera" label={tCall('call.switchCamera')} testId="call-switch-camera" onClick={() => void rtc.switchCamera()} />}
        <ControlButton icon="hangup" label={tCall('call.hangup')} danger testId="call-hangup" onClick={rtc.hangup} />
      </div>
    </CallDialog>
  );
}
