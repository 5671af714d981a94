import { t } from '../core/i18n/index.ts';
import { currentUser } from '../core/session.ts';
import { currentStatus } from '../features/presence/availability.ts';

/**
 * Who is signed in, always in the app bar (a ward's tablet is shared): the name, the role, and — where
 * the status button is in the menu (below 1024 px) — the availability status in words.
 */
export function Identity() {
  const me = currentUser.value;
  if (!me) return null;
  const mine = currentStatus(me.id);
  return (
    <p class="identity" data-testid="identity">
      <span class="visually-hidden">{t('header.signedIn')} </span>
      <span class="identity__name" data-testid="identity-name">
        {me.displayName}
      </span>
      <span class="identity__role" data-testid="identity-role">
        {t(`identity.role.${me.role}`)}
        {mine && <span class="identity__status"> · {t(`status.${mine.state}`)}</span>}
      </span>
    </p>
  );
}
