import { useRef } from 'preact/hooks';
import { tCall } from './calls-i18n.ts';
import { useWebRTC } from './use-webrtc.ts';
import { CallDialog } from './CallDialog.tsx';
import { MediaErrorPanel } from './MediaErrorPanel.tsx';

/**
 * The ringing prompt: who calls, for which function when the call is to one the user holds
 * ("Appel pour Médecin de garde — Médecine": the gateway's name for it, never the caller's), answer
 * or decline (the ringtone plays meanwhile). Long names wrap, never cut. A modal dialog above any
 * other (CallDialog): it can be answered from anywhere, "Répondre" takes the focus, and Escape does
 * not dismiss it — only the two buttons (or the ring timeout) do.
 */
export function IncomingCall() {
  const rtc = useWebRTC();
  const acceptButton = useRef<HTMLButtonElement>(null);
  const current = rtc.call;
  if (!current || current.phase !== 'incoming') return null;
  const functionName = current.functionName;
  return (
    <CallDialog
      key={current.callId}
      class="call-card call-incoming"
      role="alertdialog"
      labelledBy="call-incoming-title"
      describedBy={functionName !== undefined ? 'call-incoming-caller call-incoming-function' : 'call-incoming-caller'}
      testId="incoming-call"
      focus={acceptButton}
    >
      <p id="call-incoming-title" class="call-incoming__title">
        {tCall('incoming.title')}
      </p>
      <p id="call-incoming-caller" class="call-incoming__caller" data-testid="incoming-caller">
        {tCall('incoming.from', { name: current.peerName })}
      </p>
      {functionName !== undefined && (
        <p id="call-incoming-function" class="call-incoming__function" data-testid="incoming-function">
          {tCall('incoming.forFunction', { name: functionName })}
        </p>
      )}
      {current.mediaError ? (
        <MediaErrorPanel code={current.mediaError} video={current.video} onRetry={rtc.retryMedia} onCancel={rtc.decline} />
      ) : (
        <div class="call-card__actions">
          <button type="button" class="call-card__button call-card__button--decline" data-testid="call-decline" onClick={rtc.decline}>
            {tCall('incoming.decline')}
          </button>
          <button ref={acceptButton} type="button" class="call-card__button call-card__button--accept" data-testid="call-accept" onClick={() => void rtc.accept()}>
            {tCall('incoming.accept')}
          </button>
        </div>
      )}
    </CallDialog>
  );
}
