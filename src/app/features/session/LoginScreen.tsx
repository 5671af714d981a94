import { useEffect, useRef, useState } from 'preact/hooks';
import { LIMITS } from '../../../shared/limits.ts';
import { t, tError } from '../../core/i18n/index.ts';
import { authMethods, inHostPage, login, ssoError } from '../../core/session.ts';
import { online } from '../../core/sync.ts';
import { LangSwitch } from '../../ui/LangSwitch.tsx';
import { PasswordForm } from '../../ui/PasswordForm.tsx';
import { SecondFactorField, asksCode } from '../../ui/SecondFactorField.tsx';
import { switchingUser } from './logout.ts';
import { lazyComponent } from '../../ui/lazy-component.ts';

const ActivationForm = lazyComponent(() => import('./ActivationForm.tsx').then((m) => m.ActivationForm));

/** Why sign-in failed, in words: offline gets its own sentence even when the SW said "unavailable". */
function loginErrorText(error: unknown): string {
  if (!online.peek()) return t('error.offline');
  return tError(error);
}

/**
 * In a clinic page's panel, the provider's sign-in opens in a window of its own (identity providers
 * refuse to be framed, as they should): the window closes itself once the SW adopted the session,
 * which every tab — this panel too — learns. A blocked popup falls back to the link itself.
 */
function signInWindow(event: MouseEvent): void {
  if (window.open('/api/auth/oidc/start?popup=1', 'relais-sso', 'popup,width=520,height=720')) event.preventDefault();
}

/**
 * Username and password; errors come back as codes and are shown as sentences. When the account
 * signs in with a second factor the server answers `otp_required` (to the right password only): a
 * verification code field appears, the password stays, and the form is sent again with the code.
 * `wiped`: this device was signed out from elsewhere and its store erased — said first, so the
 * person knows why.
 */
export function LoginScreen({ expired, wiped, username: initialUsername }: { expired: boolean; wiped?: string | undefined; username: string }) {
  // After "Changer d'utilisateur" the form is the next person's: empty, whatever the session said on the way
  // (a sign-out may pass through "session expired", which names the user).
  const [username, setUsername] = useState(switchingUser.peek() ? '' : initialUsername);
  // null: not asked; then the code typed.
  const [otp, setOtp] = useState<string | null>(null);
  // null: signing in; 'form': activating an account with a one-time code; 'done': activated.
  const [activation, setActivation] = useState<'form' | 'done' | null>(null);
  // After "Changer d'utilisateur" the next person types their name at once.
  const usernameField = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (!switchingUser.peek()) return;
    switchingUser.value = false;
    usernameField.current?.focus();
  }, []);
  const closeActivation = (activated: string | null): void => {
    if (activated) setUsername(activated);
    setActivation(activated ? 'done' : null);
  };
  if (activation === 'form') return <ActivationForm username={username} onClose={closeActivation} langSwitch={<LangSwitch />} />;
  const methods = authMethods.value;
  const top = (
    <>
      <div class="login__top">
        <h1>{t('login.title')}</h1>
        <LangSwitch />
      </div>
      {ssoError.value !== null && (
        <p class="notice" role="alert" data-testid="login-sso-error">
          {tError(ssoError.value)}
        </p>
      )}
      {methods?.sso && (
        // A plain link: the gateway sends the browser on to the provider (and the SW lets /api navigations through).
        <a class="button button--primary" href="/api/auth/oidc/start" data-testid="login-sso" onClick={inHostPage ? signInWindow : undefined}>
          {t('login.sso', { name: methods.sso.name })}
        </a>
      )}
      {methods?.sso && inHostPage && (
        <p class="hint" data-testid="login-sso-window">
          {t('login.ssoWindow')}
        </p>
      )}
    </>
  );
  if (methods?.password === false) {
    return (
      <main class="center-screen" id="main">
        <div class="login">{top}</div>
      </main>
    );
  }
  return (
    <PasswordForm
      testIdPrefix="login"
      passwordLabel={t('login.password')}
      submitLabel={t('login.submit')}
      busyLabel={t('login.submitting')}
      onSubmit={(password) => login(username.trim(), password, otp?.trim() || undefined)}
      describeError={loginErrorText}
      keepsPassword={(error) => {
        const asked = asksCode(error);
        if (asked) setOtp('');
        return asked;
      }}
      after={otp !== null && <SecondFactorField testIdPrefix="login" code={otp} onCode={setOtp} />}
      footer={
        <button type="button" class="button button--ghost" data-testid="login-activate" onClick={() => setActivation('form')}>
          {t('login.activate')}
        </button>
      }
    >
      {top}
      {expired && <p class="notice">{t('login.expired')}</p>}
      {wiped && (
        <p class="notice" role="alert" data-testid="login-wiped">
          {tError(wiped)}
        </p>
      )}
      {activation === 'done' && <p class="notice" role="status">{t('login.activated')}</p>}
      <label class="field">
        <span>{t('login.username')}</span>
        <input
          ref={usernameField}
          data-testid="login-username"
          name="username"
          autocomplete="username"
          autocapitalize="none"
          spellcheck={false}
          required
          maxLength={LIMITS.USERNAME_MAX}
          value={username}
          onInput={(event) => {
            setUsername(event.currentTarget.value);
            setOtp(null);
          }}
        />
      </label>
    </PasswordForm>
  );
}
