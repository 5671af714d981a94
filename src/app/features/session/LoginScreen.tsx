import { useState } from 'preact/hooks';
import { LIMITS } from '../../../shared/limits.ts';
import { t, tError } from '../../core/i18n/index.ts';
import { login } from '../../core/session.ts';
import { online } from '../../core/sync.ts';
import { LangSwitch } from '../../ui/LangSwitch.tsx';
import { PasswordForm } from '../../ui/PasswordForm.tsx';

/** Why sign-in failed, in words: offline gets its own sentence even when the SW said "unavailable". */
function loginErrorText(error: unknown): string {
  if (!online.peek()) return t('error.offline');
  return tError(error);
}

/**
 * Username and password; errors come back as codes and are shown as sentences. `wiped`: this device
 * was signed out from elsewhere and its store erased — said first, so the person knows why.
 */
export function LoginScreen({ expired, wiped, username: initialUsername }: { expired: boolean; wiped?: string | undefined; username: string }) {
  const [username, setUsername] = useState(initialUsername);
  return (
    <PasswordForm
      testIdPrefix="login"
      passwordLabel={t('login.password')}
      submitLabel={t('login.submit')}
      busyLabel={t('login.submitting')}
      onSubmit={(password) => login(username.trim(), password)}
      describeError={loginErrorText}
    >
      <div class="login__top">
        <h1>{t('login.title')}</h1>
        <LangSwitch />
      </div>
      {expired && <p class="notice">{t('login.expired')}</p>}
      {wiped && (
        <p class="notice" role="alert" data-testid="login-wiped">
          {tError(wiped)}
        </p>
      )}
      <label class="field">
        <span>{t('login.username')}</span>
        <input
          data-testid="login-username"
          name="username"
          autocomplete="username"
          autocapitalize="none"
          spellcheck={false}
          required
          maxLength={LIMITS.USERNAME_MAX}
          value={username}
          onInput={(event) => setUsername(event.currentTarget.value)}
        />
      </label>
    </PasswordForm>
  );
}
