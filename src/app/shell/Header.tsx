import { t } from '../core/i18n/index.ts';
import { settingsOpen } from '../features/device/device.ts';
import { LangSwitch } from '../ui/LangSwitch.tsx';
import { LogoutButton } from '../features/session/LogoutButton.tsx';
import { NotificationsButton } from '../features/notifications/NotificationsButton.tsx';
import { MessagingButton } from './MessagingButton.tsx';
import { StatusButton } from '../features/presence/StatusButton.tsx';
import { AppMenu } from './AppMenu.tsx';
import { Identity } from './Identity.tsx';

/**
 * The app bar, one row at every width: the name, who is signed in (name, role), the messaging
 * shortcut with the unread total, notifications, then my availability status (staff), language,
 * settings, "Changer d'utilisateur" and sign-out — in the bar from 1024 px, behind "Menu" below.
 */
export function Header() {
  return (
    <header class="app-header">
      <span class="app-title">{t('app.name')}</span>
      <Identity />
      <MessagingButton />
      <NotificationsButton />
      <AppMenu>
        <StatusButton />
        <LangSwitch />
        <button type="button" class="button button--ghost" data-testid="open-settings" onClick={() => (settingsOpen.value = true)}>
          {t('header.settings')}
        </button>
        <LogoutButton switchUser />
        <LogoutButton />
      </AppMenu>
    </header>
  );
}
