import { useState } from 'preact/hooks';
import { LIMITS } from '../../../shared/limits.ts';
import { t, tError } from '../../core/i18n/index.ts';
import { login } from '../../core/session.ts';
import { online } from '../../core/sync.ts';
import { LangSwitch } from '../../ui/LangSwitch.tsx';

/** Why sign-in failed, in words: offline gets its own sentence even when the SW said "unavailable". */
function loginErrorText(error: unknown): string {
  if (!online.peek()) return t('error.offline');
  return tError(error);
}

/** Username and password; errors come back as codes and are shown as sentences. */
export function LoginScreen({ expired, username: initialUsername }: { expired: boolean; username: string }) {
  const [username, setUsername] = useState(initialUsername);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), password);
    } catch (failure) {
      setError(loginErrorText(failure));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="center-screen" id="main">
      <form class="login" onSubmit={(event) => void onSubmit(event)}>
        <div class="login__top">
          <h1>{t('login.title')}</h1>
          <LangSwitch />
        </div>
        {expired && <p class="notice">{t('login.expired')}</p>}
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
        <label class="field">
          <span>{t('login.password')}</span>
          <input
            data-testid="login-password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
            maxLength={LIMITS.PASSWORD_MAX}
            value={password}
            onInput={(event) => setPassword(event.currentTarget.value)}
          />
        </label>
        {error && (
          <p class="error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button
          type="submit"
          class="button button--primary"
          data-testid="login-submit"
          disabled={busy}
        >
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
    </main>
  );
}
