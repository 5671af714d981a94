import type { LogoutMessageKey } from './logout-fr.ts';

/** The sign-out confirmation's sentences in English (same keys as `logout-fr.ts`). */
export const logoutEn: Record<LogoutMessageKey, string> = {
  'logout.title': 'Sign out?',
  'logout.switchTitle': 'Change user?',
  'logout.confirmPending.one': 'One message has not been sent yet. Signing out will delete it from this device.',
  'logout.confirmPending.other': 'Some messages have not been sent yet ({count}). Signing out will delete them from this device.',
  'logout.confirmChanges': 'Changes made here have not been sent yet (reads, conversations). Signing out will delete them from this device.',
  'logout.confirm': 'Sign out anyway',
  'logout.switchConfirm': 'Change user anyway',
  'logout.cancel': 'Cancel',
  'logout.failedTitle': 'Sign-out failed',
  'logout.close': 'Close',
};
