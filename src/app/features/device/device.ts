import { effect, signal } from '@preact/signals';
import { currentUserId } from '../../core/session.ts';

/**
 * The shell's side of the device features (auto-lock, storage, settings): two signals the App reads
 * and a loader. The code itself (auto-lock.ts) is a lazy chunk, fetched once a user is signed in.
 */

/** The settings panel is open. */
export const settingsOpen = signal(false);
/** True while "the screen locks in 30 seconds" shows. */
export const lockWarning = signal(false);

/** Loads and starts the device features the first time a user is signed in. */
export function startDevice(): void {
  let started = false;
  effect(() => {
    if (currentUserId.value === null || started) return;
    started = true;
    import('./auto-lock.ts').then(
      (module) => module.startDeviceFeatures(),
      () => {
        started = false; // chunk not reachable: the next sign-in tries again
      },
    );
  });
}
