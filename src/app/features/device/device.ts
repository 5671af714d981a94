import { signal } from '@preact/signals';

/**
 * The shell's side of the device features (auto-lock, storage, settings): two signals the App reads.
 * The code itself (auto-lock.ts) is a lazy chunk, fetched once a user is signed in (start-device.ts).
 */

/** The settings panel is open. */
export const settingsOpen = signal(false);
/** True while "the screen locks in 30 seconds" shows. */
export const lockWarning = signal(false);
