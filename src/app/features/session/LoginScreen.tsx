import { useState } from 'preact/hooks';
import { LIMITS } from '../../../shared/limits.ts';
import { t, tError } from '../../core/i18n/index.ts';
import { login } from '../../core/session.ts';
import { online } from '../../core/sync.ts';
import { LangSwitch } from '../../ui/LangSwitch.tsx';
import { PasswordForm } from '../../ui/PasswordForm.tsx';
import { lazyComponent } from '../../ui/lazy-component.ts';

const ActivationForm = lazyComponent(() => import('./ActivationForm.tsx').then((m) => m.ActivationForm));

/** Why sign-in failed, in words: offline gets its own sentence even when the SW said "unavailable". */
function loginErrorText(error: unknown): string {
  if (!online.peek()) return t('error.offline');
  return tError(error);
}

/** Username and password; errors come back as codes and are shown as sentences. */
export function LoginScreen({ expired, username: initialUsername }: { expired: boolean; username: string }) {
  const [username, setUsername] = useState(initialUsername);
  // null: signing in; 'form': activating an account with a one-time code; 'done': activated.
  const [activation, setActivation] = useState<'form' | 'done' | null>(null);
  const closeActivation = (activated: string | null): void => {
    if (activated) setUsername(activated);
    setActivation(activated ? 'done' : null);
  };
  if (activation === 'form') return <ActivationForm username={username} onClose={closeActivation} langSwitch={<LangSwitch />} />;
  return (
    <PasswordForm
      testIdPrefix="login"
      passwordLabel={t('login.password')}
      submitLabel={t('login.submit')}
      busyLabel={t('login.submitting')}
      onSubmit={(password) => login(username.trim(), password)}
      describeError={loginErrorText}
      footer={
        <button type="button" class="button button--ghost" data-testid="login-activate" onClick={() => setActivation('form')}>
          {t('login.activate')}
        </button>
      }
    >
      <div class="login__top">
        <h1>{t('login.title')}</h1>
        <LangSwitch />
      </div>
      {expired && <p class="notice">{t('login.expired')}</p>}
      {activation === 'done' && <p class="notice" role="status">{t('login.activated')}</p>}
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
