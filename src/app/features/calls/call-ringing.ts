import type { CallServerFrame } from '../../../shared/calls.ts';
import { preferences } from '../notifications/notification-features.ts';
import { tCall } from './calls-i18n.ts';
import { unlockedAudio } from './call-party.ts';
import { playRingtone, type Ringtone } from './ringtone.ts';

type Incoming = Extract<CallServerFrame, { type: 'call.incoming' }>;

/**
 * How an incoming call makes itself heard and seen besides its prompt: the ringtone, the tab title,
 * and a system notification when the tab is hidden.
 */
let ringtone: Ringtone | null = null;
/** The tab title before the call rang (given back when it stops). */
let savedTitle: string | null = null;

/** Rings until the call's expiry, unless "Son" is off in the preferences (the call still shows). */
export function startRinging(frame: Incoming): void {
  const seconds = Math.max(1, (frame.expiresAt - frame.serverTime) / 1000);
  ringtone = preferences.peek().sound ? playRingtone(unlockedAudio(), seconds) : null;
  // A call to a function says so (the holder tells an on-call call from a personal one).
  const from = tCall('incoming.from', { name: frame.callerName });
  const text = frame.functionName !== undefined ? `${from} — ${tCall('incoming.forFunction', { name: frame.functionName })}` : from;
  savedTitle ??= document.title;
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

/** Stops the ringtone and gives the tab its title back. */
export function stopRinging(): void {
  ringtone?.stop();
  ringtone = null;
  if (savedTitle !== null) document.title = savedTitle;
  savedTitle = null;
}
