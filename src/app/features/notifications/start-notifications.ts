import { onFirstSignIn } from '../../core/session.ts';

/** Loads and starts the notification features (a lazy chunk) at the first sign-in. */
export function startNotifications(): void {
  onFirstSignIn(() => import('./notification-features.ts').then((module) => module.startNotificationFeatures()));
}
