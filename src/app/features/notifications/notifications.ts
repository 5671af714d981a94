import { signal } from '@preact/signals';

/**
 * The shell's side of notifications: the counts the header shows (start-notifications.ts loads the rest). The rest (sounds,
 * app badge, preferences, click routing) is a lazy chunk fetched once a user is signed in.
 */

/** Unread entries of the notification queue. */
export const unreadNotifications = signal(0);
/** Missed calls not seen yet (the MessagingButton badge adds them to unread messages). */
export const missedCalls = signal(0);
/** The NotificationCenter (history panel) is open. */
export const notificationCenterOpen = signal(false);
