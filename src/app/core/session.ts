import { computed, effect, signal } from '@preact/signals';
import { RelaisError } from '../../shared/errors.ts';
import type { SessionState } from '../../shared/local-model.ts';
import type { AuthMethods, EndSessionReply } from '../../shared/http.ts';
import { can, isStaff, type Capability } from '../../shared/policy.ts';
import { firstScreen } from './first-screen.ts';
import { onTopic, request } from './sw-client.ts';

/** The session as the SW knows it; null until the first answer. */
export const session = signal<SessionState | null>(null);
/** Error code when the SW could not be reached at start. */
export const sessionError = signal<string | null>(null);

/** The signed-in user, only while the session is valid. */
export const currentUser = computed(() => {
  const current = session.value;
  return current && !current.expired ? current.user : null;
});

/** True when the signed-in user's role may do this (the gateway's own table): what is not allowed is not offered. */
export function userCan(capability: Capability): boolean {
  return can(currentUser.value?.role, capability);
}

/** True when the signed-in user is staff and a patient takes part: staff see it on every such conversation. */
export function withPatient(participants: readonly { id: string; role: string }[]): boolean {
  const me = currentUser.value;
  return isStaff(me?.role) && participants.some((p) => p.id !== me?.id && p.role === 'patient');
}

/** The signed-in user's id: effects keyed on it do not re-run when the session object is refreshed. */
export const currentUserId = computed(() => currentUser.value?.id ?? null);

/**
 * The signed-in user's id while the device is not locked: what reads of the user's data wait for
 * (the SW answers `locked` to them meanwhile), so they run again once the password was given.
 */
export const openUserId = computed(() => (session.value?.locked ? null : currentUserId.value));

// Read when the page loads, before main.tsx gives the address bar its clean path.
const RETURN_FROM_SSO = new URLSearchParams(globalThis.location?.search);

/** Framed by a clinic page (`/?embed=1`, docs/EMBEDDING.md): the provider's pages open in a window of their own. */
export const inHostPage = (globalThis.parent as unknown) !== globalThis && RETURN_FROM_SSO.has('embed');

/** How this deployment signs people in (`GET /api/auth/methods`); null until known (or offline). */
export const authMethods = signal<AuthMethods | null>(null);
/** Why the single sign-on the browser came back from failed (a code), shown on the sign-in screen. */
export const ssoError = signal<unknown>(null);

/**
 * Ask the SW for the session, and follow its `auth` events from then on. Back from the identity
 * provider (`/?sso=1`), the SW adopts the session the gateway opened; `/?sso_error=<code>` says why not.
 */
export async function loadSession(): Promise<void> {
  onTopic('auth', (data) => {
    session.value = data;
  });
  void fetch('/api/auth/methods')
    .then((reply) => reply.json())
    .then((methods: AuthMethods) => (authMethods.value = methods), () => undefined);
  const back = RETURN_FROM_SSO;
  ssoError.value = back.get('sso_error');
  try {
    session.value = await request('session.get');
    sessionError.value = null;
    if (back.has('sso')) {
      session.value = await request('auth.sso');
      // The sign-in window a clinic page's panel opened: the panel has the session now (the SW told
      // every tab), this window's work is done. (Its opener is gone by now: Relais's pages are
      // Cross-Origin-Opener-Policy: same-origin, and the host page is another origin.)
      if (back.has('popup')) close();
    }
  } catch (error) {
    if (session.value) ssoError.value = error;
    else sessionError.value = error instanceof RelaisError ? error.code : 'sw_unavailable';
  }
}

/** Sign in through the SW (it sets the cookie and opens this user's local store). */
export async function login(username: string, password: string, otp?: string): Promise<void> {
  session.value = await request('auth.login', { username, password, otp });
}

/** Sign out: the SW revokes the session and deletes this user's local data. */
export async function logout(): Promise<void> {
  // Signed in through the provider: its end-session URL is asked while the session still lives.
  const endSession = authMethods.peek()?.sso
    ? await fetch('/api/auth/oidc/end-session').then((reply) => (reply.ok ? (reply.json() as Promise<EndSessionReply>) : null), () => null)
    : null;
  await request('auth.logout');
  session.value = { user: null, expired: false };
  // RP-initiated logout: the provider signs the person out too, so the next one on this tablet is asked who they are.
  if (endSession?.url) location.assign(endSession.url);
}

/**
 * Runs `start` the first time someone is signed in on this page, once the first screen is painted:
 * the features a signed-out tab never needs load then. A start that failed (its chunk not reachable) runs again at the next sign-in.
 */
export function onFirstSignIn(start: () => Promise<unknown>): void {
  let started = false;
  effect(() => {
    if (currentUserId.value === null || started) return;
    started = true;
    // After the first screen is painted: nothing of these features is needed to show the list.
    firstScreen.then(start).catch(() => {
      started = false;
    });
  });
}
