import { t } from '../../core/i18n/index.ts';
import { badgeText } from '../../ui/display.ts';
import { notificationCenterOpen, unreadNotifications } from './notifications.ts';

/** Header button opening the notification history (NotificationCenter), with the unread count. */
export function NotificationsButton() {
  const unread = unreadNotifications.value;
  return (
    <button
      type="button"
      class="button button--ghost messaging-button"
      data-testid="notifications-button"
      aria-label={t('notifications.open')}
      onClick={() => (notificationCenterOpen.value = true)}
    >
      <svg aria-hidden="true" viewBox="0 0 24 24" width="24" height="24">
        <path fill="currentColor" d="M12 22a2 2 0 0 0 2-2h-4a2 2 0 0 0 2 2zm6-6V11a6 6 0 0 0-5-5.9V4a1 1 0 0 0-2 0v1.1A6 6 0 0 0 6 11v5l-2 2v1h16v-1z" />
      </svg>
      {unread > 0 && (
        <span class="badge" data-testid="notifications-badge" aria-hidden="true">
          {badgeText(unread)}
        </span>
      )}
    </button>
  );
}
