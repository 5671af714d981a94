import { signal } from '@preact/signals';
import { useState } from 'preact/hooks';
import { t, tCount, tError } from '../../core/i18n/index.ts';
import { navigate } from '../../core/route.ts';
import { logout } from '../../core/session.ts';
import { syncState } from '../../core/sync.ts';

/** Set by "Changer d'utilisateur": the sign-in form that follows puts the focus in its (empty) username field. */
export const switchingUser = signal(false);

/**
 * Sign out; when messages are still waiting to leave, ask first (signing out deletes them here).
 * `switchUser`: the shared tablet's "Changer d'utilisateur" — the same sign-out, then straight to an
 * empty sign-in form with the focus in it, for the next person.
 */
export function LogoutButton({ switchUser = false, onDone }: { switchUser?: boolean; onDone?: () => void }) {
  const [busy, setBusy] = useState(false);
  const onClick = async (): Promise<void> => {
    const pending = syncState.peek()?.pending ?? 0;
    if (pending > 0 && !window.confirm(tCount('logout.confirmPending', pending))) return;
    setBusy(true);
    try {
      switchingUser.value = switchUser;
      await logout();
      onDone?.();
      navigate('/', { replace: true });
    } catch (error) {
      switchingUser.value = false;
      window.alert(tError(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <button
      type="button"
      class="button button--ghost"
      data-testid={switchUser ? 'switch-user' : 'logout'}
      disabled={busy}
      onClick={() => void onClick()}
    >
      {t(switchUser ? 'header.switchUser' : 'header.logout')}
    </button>
  );
}
