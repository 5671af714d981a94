import { useEffect, useRef } from 'preact/hooks';
import { tCall } from './calls-i18n.ts';
import { useWebRTC } from './use-webrtc.ts';
import { MediaErrorPanel } from './MediaErrorPanel.tsx';

/** The ringing prompt: who calls, answer or decline (the ringtone plays meanwhile). */
export function IncomingCall() {
  const rtc = useWebRTC();
  const acceptButton = useRef<HTMLButtonElement>(null);
  const current = rtc.call;
  useEffect(() => acceptButton.current?.focus(), [current?.callId]);
  if (!current || current.phase !== 'incoming') return null;
  return (
    <div class="call-incoming" role="alertdialog" aria-labelledby="call-incoming-title" data-testid="incoming-call">
      <p id="call-incoming-title" class="call-incoming__title">
        {tCall('incoming.title')}
      </p>
      <p class="call-incoming__caller" data-testid="incoming-caller">
        {tCall('incoming.from', { name: current.peerName })}
      </p>
      {current.mediaError ? (
        <MediaErrorPanel code={current.mediaError} video={current.video} onRetry={rtc.retryMedia} onCancel={rtc.decline} />
      ) : (
        <div class="call-incoming__actions">
          <button type="button" class="call-button call-button--decline" data-testid="call-decline" onClick={rtc.decline}>
            {tCall('incoming.decline')}
          </button>
          <button ref={acceptButton} type="button" class="call-button call-button--accept" data-testid="call-accept" onClick={() => void rtc.accept()}>
            {tCall('incoming.accept')}
          </button>
        </div>
      )}
    </div>
  );
}
