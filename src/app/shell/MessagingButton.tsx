import { badgeText } from '../ui/display.ts';
import { t, tCount } from '../core/i18n/index.ts';
import { totalUnread } from '../features/conversations/conversations.ts';
import { missedCalls } from '../features/notifications/notifications.ts';
import { navigate } from '../core/route.ts';

/** Header button back to the conversation list; its badge counts unread messages and missed calls. */
export function MessagingButton() {
  const unread = totalUnread.value + missedCalls.value;
  return (
    <button
      type="button"
      class="button button--ghost messaging-button"
      data-testid="messaging-button"
      aria-label={unread > 0 ? tCount('messaging.labelUnread', unread) : t('messaging.label')}
      onClick={() => navigate('/')}
    >
      <svg aria-hidden="true" viewBox="0 0 24 24" width="24" height="24">
        <path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z" />
      </svg>
      {unread > 0 && (
        <span class="badge" data-testid="messaging-badge" aria-hidden="true">
          {badgeText(unread)}
        </span>
      )}
    </button>
  );
}
