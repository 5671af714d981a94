import { useState } from 'preact/hooks';
import { t, tCount, tError } from '../../core/i18n/index.ts';
import { navigate } from '../../core/route.ts';
import { logout } from '../../core/session.ts';
import { syncState } from '../../core/sync.ts';

/** Sign out; when messages are still waiting to leave, ask first (signing out deletes them here). */
export function LogoutButton() {
  const [busy, setBusy] = useState(false);
  const onClick = async (): Promise<void> => {
    const pending = syncState.peek()?.pending ?? 0;
    if (pending > 0 && !window.confirm(tCount('logout.confirmPending', pending))) return;
    setBusy(true);
    try {
      await logout();
      navigate('/', { replace: true });
    } catch (error) {
      window.alert(tError(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" class="button button--ghost" data-testid="logout" disabled={busy} onClick={() => void onClick()}>
      {t('header.logout')}
    </button>
  );
}
