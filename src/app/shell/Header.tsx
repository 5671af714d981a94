import { t } from '../core/i18n/index.ts';
import { settingsOpen } from '../features/device/device.ts';
import { LangSwitch } from '../ui/LangSwitch.tsx';
import { LogoutButton } from '../features/session/LogoutButton.tsx';
import { NotificationsButton } from '../features/notifications/NotificationsButton.tsx';
import { MessagingButton } from './MessagingButton.tsx';
import { StatusButton } from '../features/presence/StatusButton.tsx';

/** The top bar: name, my availability status (staff), messaging shortcut with the unread total, language, settings, sign-out. */
export function Header() {
  return (
    <header class="app-header">
      <span class="app-title">{t('app.name')}</span>
      <div class="app-header__actions">
        <StatusButton />
        <MessagingButton />
        <NotificationsButton />
        <LangSwitch />
        <button type="button" class="button button--ghost" data-testid="open-settings" onClick={() => (settingsOpen.value = true)}>
          {t('header.settings')}
        </button>
        <LogoutButton />
      </div>
    </header>
  );
}
