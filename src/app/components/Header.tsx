import { t } from '../i18n/index.ts';
import { LangSwitch } from './LangSwitch.tsx';
import { LogoutButton } from './LogoutButton.tsx';
import { MessagingButton } from './MessagingButton.tsx';

/** The top bar: name, messaging shortcut with the unread total, language, sign-out. */
export function Header() {
  return (
    <header class="app-header">
      <span class="app-title">{t('app.name')}</span>
      <div class="app-header__actions">
        <MessagingButton />
        <LangSwitch />
        <LogoutButton />
      </div>
    </header>
  );
}
