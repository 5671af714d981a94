import { effect, signal } from '@preact/signals';
import { createIdleTimer } from './idle-timer.ts';
import { request } from '../../core/sw-client.ts';
import { lockWarning } from './device.ts';
import { openUserId, session } from '../../core/session.ts';

/**
 * Device features of a signed-in tablet (a lazy chunk, see device.ts): auto-lock after inactivity —
 * every tab hides its content behind the password — persistent storage, TTL clean-up at app open,
 * and the user's settings.
 */

/** The warning shows this long before the lock. */
export const LOCK_WARNING_MS = 30_000;
/** Minutes of inactivity before the lock (the user's setting, 10 by default). */
export const lockMinutes = signal(10);

const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;

/** Locks now: locally at once (even if the SW is slow), then in every tab through the SW. */
export function lockNow(): void {
  const current = session.peek();
  if (!current?.user) return;
  session.value = { ...current, locked: true };
  request('auth.lock').catch(() => undefined);
}

/** Unlocks with the password (the SW checks it with the server, or offline against its salted hash). */
export async function unlock(password: string, otp?: string): Promise<void> {
  session.value = await request('auth.unlock', { password, otp });
}

/**
 * Ask the browser not to evict Relais' storage (an outbox lives there). Chromium grants it to
 * installed apps and sites with engagement; refusal is fine, the settings panel shows it.
 */
function requestPersistence(): void {
  const storage = navigator.storage as StorageManager | undefined;
  storage?.persist?.().catch(() => undefined);
}

function startAutoLock(): void {
  const timer = createIdleTimer({
    warnMs: LOCK_WARNING_MS,
    onWarn: () => {
      lockWarning.value = true;
    },
    onActive: () => {
      lockWarning.value = false;
    },
    onLock: () => {
      lockWarning.value = false;
      lockNow();
    },
  });
  for (const type of ACTIVITY_EVENTS) window.addEventListener(type, () => timer.activity(), { passive: true, capture: true });
  effect(() => {
    const current = session.value;
    const open = Boolean(current?.user) && !current?.expired && !current?.locked;
    if (open) timer.start(lockMinutes.value * 60_000);
    else {
      timer.stop();
      lockWarning.value = false;
    }
  });
}

/** Starts auto-lock, and on each sign-in or unlock: persistence, clean-up at app open, the user's settings. */
export function startDeviceFeatures(): void {
  startAutoLock();
  effect(() => {
    if (openUserId.value === null) return;
    requestPersistence();
    request('storage.cleanup').catch(() => undefined);
    request('settings.get').then(
      (settings) => {
        lockMinutes.value = settings.lockMinutes;
      },
      () => undefined,
    );
  });
}
