import { useEffect, useState } from 'preact/hooks';
import { OFFLINE_UNLOCK_MAX } from '../../../shared/limits.ts';
import { tError } from '../../core/i18n/index.ts';
import { tDevice as t } from './device-i18n.ts';
import { LOCK_WARNING_MS, unlock } from './auto-lock.ts';
import { authMethods, session, ssoError } from '../../core/session.ts';
import { PasswordForm } from '../../ui/PasswordForm.tsx';
import { SecondFactorField, asksCode } from '../../ui/SecondFactorField.tsx';

/** Whole seconds until `at` (ms since epoch), rendered again every second while some remain. */
function useSecondsUntil(at: number): number {
  const [, setTicks] = useState(0);
  const left = Math.max(0, Math.ceil((at - Date.now()) / 1_000));
  useEffect(() => {
    if (left === 0) return undefined;
    const timer = setTimeout(() => setTicks((n) => n + 1), 1_000);
    return () => clearTimeout(timer);
  });
  return left;
}

/**
 * After failed offline attempts, what the SW allows next: the wait before it checks another
 * password without the network, or (after OFFLINE_UNLOCK_MAX failures) that only the server can.
 */
function OfflineAttempts() {
  const attempts = session.value?.unlock;
  const seconds = useSecondsUntil(attempts?.retryAt ?? 0);
  if (attempts && attempts.failures >= OFFLINE_UNLOCK_MAX) {
    return (
      <p class="notice" role="status" data-testid="lock-server-only">
        {t('lock.serverOnly')}
      </p>
    );
  }
  if (seconds === 0) return null;
  return (
    <p class="notice" role="status" data-testid="lock-wait">
      {t('lock.wait', { seconds })}
    </p>
  );
}

/**
 * The lock screen of a shared tablet: nothing of the conversations is rendered behind it (and the
 * service worker answers `locked` to any request for them). The password is checked by the server,
 * or offline by the SW against its salted hash, with growing waits between failures.
 */
export function LockScreen() {
  const name = session.value?.user?.displayName ?? '';
  // The session behind the lock ended while it was locked: signing in again asks the second factor.
  const [otp, setOtp] = useState<string | null>(null);
  const methods = authMethods.value;
  // Single sign-on: the person signs in at the provider again (`prompt=login`: whoever holds the
  // tablet proves who they are). Online only: an SSO account has no password for the SW to check.
  const sso = methods?.sso && (
    <>
      {ssoError.value !== null && (
        <p class="notice" role="alert">
          {tError(ssoError.value)}
        </p>
      )}
      <a class="button button--primary" href="/api/auth/oidc/start?reauth=1" data-testid="lock-sso">
        {t('lock.sso', { name: methods.sso.name })}
      </a>
    </>
  );
  // No password to check here (signed in through single sign-on), or none accepted at all: the
  // provider only, and why the network is needed.
  if (methods?.password === false || session.value?.unlock?.password === false) {
    return (
      <main class="center-screen" id="main" data-testid="lock-screen">
        <div class="login">
          <h1>{t('lock.title')}</h1>
          <p>{t('lock.ssoExplain', { name })}</p>
          {sso}
        </div>
      </main>
    );
  }
  return (
    <PasswordForm
      testIdPrefix="lock"
      screenTestId="lock-screen"
      passwordLabel={t('lock.password')}
      submitLabel={t('lock.submit')}
      autoFocus
      onSubmit={(password) => unlock(password, otp?.trim() || undefined)}
      describeError={tError}
      keepsPassword={(error) => {
        const asked = asksCode(error);
        if (asked) setOtp((typed) => typed ?? '');
        return asked;
      }}
      after={otp !== null && <SecondFactorField testIdPrefix="lock" code={otp} onCode={setOtp} />}
    >
      <h1>{t('lock.title')}</h1>
      <p>{t('lock.explain', { name })}</p>
      <OfflineAttempts />
      {sso}
    </PasswordForm>
  );
}

/** "The screen locks in 30 seconds" with one button that extends (WCAG 2.2.1). */
export function LockWarning() {
  return (
    <div class="notice lock-warning" role="alertdialog" aria-live="assertive" aria-labelledby="lock-warning-text" data-testid="lock-warning">
      <span id="lock-warning-text">{t('lock.warning', { seconds: LOCK_WARNING_MS / 1000 })}</span>
      {/* Any tap counts as activity and puts the lock off; this button is the obvious one. */}
      <button type="button" class="button button--primary" data-testid="lock-extend">
        {t('lock.extend')}
      </button>
    </div>
  );
}
