import { useState } from 'preact/hooks';
import { t, tCount, tError } from '../i18n/index.ts';
import { navigate } from '../state/route.ts';
import { logout } from '../state/session.ts';
import { syncState } from '../state/sync.ts';

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
