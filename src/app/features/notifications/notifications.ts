import { effect, signal } from '@preact/signals';
import { currentUserId } from '../../core/session.ts';

/**
 * The shell's side of notifications: the counts the header shows and a loader. The rest (sounds,
 * app badge, preferences, click routing) is a lazy chunk fetched once a user is signed in.
 */

/** Unread entries of the notification queue. */
export const unreadNotifications = signal(0);
/** Missed calls not seen yet (the MessagingButton badge adds them to unread messages). */
export const missedCalls = signal(0);
/** The NotificationCenter (history panel) is open. */
export const notificationCenterOpen = signal(false);

/** Loads the notification features the first time a user is signed in. */
export function startNotifications(): void {
  let started = false;
  effect(() => {
    if (currentUserId.value === null || started) return;
    started = true;
    import('./notification-features.ts').then(
      (module) => module.startNotificationFeatures(),
      () => {
        started = false; // chunk not reachable: the next sign-in tries again
      },
    );
  });
}
