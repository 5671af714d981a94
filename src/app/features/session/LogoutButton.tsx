import { useState } from 'preact/hooks';
import { t } from '../../core/i18n/index.ts';
import { request } from '../../core/sw-client.ts';
import { syncState } from '../../core/sync.ts';
import { logoutPrompt, signOut } from './logout.ts';

/**
 * Sign out; when messages or other changes are still waiting to leave, ask first in the page
 * (signing out deletes them here). `switchUser`: the shared tablet's "Changer d'utilisateur" — the
 * same sign-out, then straight to an empty sign-in form with the focus in it, for the next person.
 */
export function LogoutButton({ switchUser = false }: { switchUser?: boolean }) {
  const [busy, setBusy] = useState(false);
  const onClick = async (opener: HTMLElement): Promise<void> => {
    setBusy(true);
    try {
      // What waits may just be leaving (an opening being recorded, a message a second old): one sync
      // first, and the question only for what is still here after it.
      const state = syncState.peek()?.changes ? await request('sync.now', { reason: 'manual' }).catch(() => syncState.peek()) : null;
      if (state?.changes) {
        logoutPrompt.value = { kind: 'confirm', switchUser, pending: state.pending, opener };
        return;
      }
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
