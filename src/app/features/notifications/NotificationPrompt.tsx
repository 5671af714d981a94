import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { RelaisError } from '../../../shared/errors.ts';
import { subscribePush } from './push-api.ts';
import { tNotify as t } from './notify.ts';
import './notifications.css';

/**
 * Notification permission: asked only from a button press (browsers ignore or penalise prompts
 * without a user gesture), after saying what it is for; then a clear state — on, blocked by the
 * browser, or push unavailable (headless or private browsers have no push service).
 */

type PermissionState = 'unsupported' | 'default' | 'denied' | 'granted' | 'unavailable';

const DISMISSED_KEY = 'relais.notificationPrompt';
const state = signal<PermissionState>(initialState());
const dismissed = signal(readDismissed());

function initialState(): PermissionState {
  if (typeof Notification === 'undefined' || !('serviceWorker' in navigator)) return 'unsupported';
  return Notification.permission;
}

function readDismissed(): boolean {
  try {
    return globalThis.localStorage?.getItem(DISMISSED_KEY) === '1';
  } catch {
    return false;
  }
}

/** Subscribes this device once permission is granted; records why when it cannot. */
async function subscribeDevice(): Promise<void> {
  try {
    await subscribePush();
    state.value = 'granted';
  } catch (error) {
    state.value = error instanceof RelaisError && error.code === 'permission_denied' ? 'denied' : 'unavailable';
  }
}

/** Asks the browser (call from a click handler only). */
export async function askPermission(): Promise<void> {
  if (typeof Notification === 'undefined') return;
  const answer = await Notification.requestPermission();
  state.value = answer;
  if (answer === 'granted') await subscribeDevice();
}

/** The current permission state, as a sentence (settings). */
export function NotificationPermissionState() {
  useEffect(() => {
    if (state.peek() === 'granted') void subscribeDevice();
  }, []);
  const current = state.value;
  return (
    <div data-testid="notification-permission" data-state={current}>
      <p role="status">{t(`state.${current}`)}</p>
      {current === 'default' && (
        <button type="button" class="button button--primary" data-testid="notification-enable" onClick={() => void askPermission()}>
          {t('prompt.enable')}
        </button>
      )}
    </div>
  );
}

/** The banner offering notifications, until the user answers or puts it off. */
export function NotificationPrompt() {
  if (state.value !== 'default' || dismissed.value) {
    return state.value === 'unavailable' && !dismissed.value ? (
      <div class="notification-prompt" role="status" data-testid="notification-prompt-unavailable">
        <p>{t('state.unavailable')}</p>
        <button type="button" class="button button--ghost" onClick={() => dismiss()}>
          {t('center.close')}
        </button>
      </div>
    ) : null;
  }
  return (
    <section class="notification-prompt" aria-labelledby="notification-prompt-title" data-testid="notification-prompt">
      <p>
        <strong id="notification-prompt-title">{t('prompt.title')}</strong> <span class="notification-prompt__text">{t('prompt.text')}</span>
      </p>
      <button type="button" class="button button--primary" data-testid="notification-prompt-enable" onClick={() => void askPermission()}>
        {t('prompt.enableShort')}
        <span class="notification-prompt__more"> {t('prompt.enableMore')}</span>
      </button>
      <button type="button" class="button button--ghost" onClick={() => dismiss()}>
        {t('prompt.later')}
      </button>
    </section>
  );
}

function dismiss(): void {
  dismissed.value = true;
  try {
    globalThis.localStorage?.setItem(DISMISSED_KEY, '1');
  } catch {
    // not remembered: the banner comes back next time
  }
}
