import { useState } from 'preact/hooks';
import { t } from '../../core/i18n/index.ts';
import { syncState } from '../../core/sync.ts';
import { logoutPrompt, signOut } from './logout.ts';

/**
 * Sign out; when messages are still waiting to leave, ask first in the page (signing out deletes them
 * here). `switchUser`: the shared tablet's "Changer d'utilisateur" — the same sign-out, then straight
 * to an empty sign-in form with the focus in it, for the next person.
 */
export function LogoutButton({ switchUser = false }: { switchUser?: boolean }) {
  const [busy, setBusy] = useState(false);
  const onClick = async (opener: HTMLElement): Promise<void> => {
    const pending = syncState.peek()?.pending ?? 0;
    if (pending > 0) {
      logoutPrompt.value = { kind: 'confirm', switchUser, pending, opener };
      return;
    }
    setBusy(true);
    try {
      await signOut(switchUser);
    } catch (error) {
      logoutPrompt.value = { kind: 'failed', error, opener };
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
      onClick={(event) => void onClick(event.currentTarget)}
    >
      {t(switchUser ? 'header.switchUser' : 'header.logout')}
    </button>
  );
}
