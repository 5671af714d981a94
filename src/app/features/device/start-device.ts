import { onFirstSignIn } from '../../core/session.ts';

/** Loads and starts the device features (auto-lock, storage, settings: a lazy chunk) at the first sign-in. */
export function startDevice(): void {
  onFirstSignIn(() => import('./auto-lock.ts').then((module) => module.startDeviceFeatures()));
}
