import { effect, signal } from '@preact/signals';
import { navigate } from '../../core/route.ts';
import { logout, session } from '../../core/session.ts';

/** Set by "Changer d'utilisateur": the sign-in form that follows puts the focus in its (empty) username field. */
export const switchingUser = signal(false);

/**
 * The sign-out dialog to show, if any: a confirmation when messages still wait to leave (signing out
 * deletes them here), or the failure of a sign-out. Rendered once by the shell, outside the app bar's
 * menu (which folds away when an action is chosen, and a dialog inside it would not be drawn).
 */
export type LogoutPrompt =
  /** `pending`: the messages waiting (0 when only other changes wait). */
  | { kind: 'confirm'; switchUser: boolean; pending: number; opener: HTMLElement | null }
  | { kind: 'failed'; error: unknown; opener: HTMLElement | null };

export const logoutPrompt = signal<LogoutPrompt | null>(null);

// Signed out (this sign-out, possibly before its request answered, or any other way), expired or
// locked: the prompt goes, so it never shows over the sign-in or lock screen, nor to the next user.
effect(() => {
  const current = session.value;
  if (current && (!current.user || current.expired || current.locked) && logoutPrompt.peek() !== null) logoutPrompt.value = null;
});

/**
 * Signs out (the SW revokes the session and deletes this user's data) and goes to the sign-in screen;
 * `switchUser`: the shared tablet's "Changer d'utilisateur", the form then empty with the focus in it.
 */
export async function signOut(switchUser: boolean): Promise<void> {
  switchingUser.value = switchUser;
  try {
    await logout();
  } catch (error) {
    switchingUser.value = false;
    throw error;
  }
  navigate('/', { replace: true });
}
