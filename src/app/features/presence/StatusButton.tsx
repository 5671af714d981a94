import { useEffect } from 'preact/hooks';
import { currentUserId, userCan } from '../../core/session.ts';
import { currentStatus, statusDialogOpen } from './availability.ts';
import { loadPresence } from './presence.ts';
import { t } from '../../core/i18n/index.ts';

/** In the app bar, for staff: their own status in words ("En consultation"), which opens the picker. */
export function StatusButton() {
  const myId = currentUserId.value;
  // The user's own status comes with their presence (the gateway answers it to themself).
  useEffect(() => loadPresence(myId ? [myId] : []), [myId]);
  if (!myId || !userCan('status.set')) return null;
  const mine = currentStatus(myId);
  const label = mine ? t(`status.${mine.state}`) : t('status.mine');
  return (
    <button
      type="button"
      class={`button button--ghost status-button${mine ? ` status-button--${mine.state}` : ''}`}
      data-testid="open-status"
      onClick={() => (statusDialogOpen.value = true)}
    >
      {mine && <span class="visually-hidden">{t('status.mine')} : </span>}
      {label}
    </button>
  );
}
