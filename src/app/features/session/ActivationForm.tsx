import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { errorCodeOf } from '../../../shared/api-client.ts';
import { LIMITS } from '../../../shared/limits.ts';
import { api } from '../../core/http.ts';
import { t, tError } from '../../core/i18n/index.ts';
import { online } from '../../core/sync.ts';
import { tActivation } from './activation-i18n.ts';

/**
 * "J'ai un code d'activation": the person an admin created (or reset) chooses their password with
 * the one-time code (`POST /api/auth/activate`, sent from the page: it opens no session and stores
 * nothing on the device). `onClose(username)` goes back to sign-in, the username filled in once activated.
 * `langSwitch` is the sign-in screen's (handed in: a chunk importing shell components splits the shell).
 */
export function ActivationForm({ username: initial, onClose, langSwitch }: { username: string; onClose(activated: string | null): void; langSwitch: ComponentChildren }) {
  const [username, setUsername] = useState(initial);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (busy) return;
    if (password !== again) return setError(tActivation('activate.mismatch'));
    setBusy(true);
    setError(null);
    const reply = await api.call('POST', '/api/auth/activate', { username: username.trim(), code: code.trim(), password });
    setBusy(false);
    if (reply.status === 204) return onClose(username.trim());
    const failure = errorCodeOf(reply);
    setPassword('');
    setAgain('');
    if (!online.peek()) setError(t('error.offline'));
    else setError(failure === 'invalid_credentials' ? tActivation('activate.refused') : tError(failure));
  };

  const field = (label: string, value: string, set: (v: string) => void, props: Record<string, unknown>) => (
    <label class="field">
      <span>{label}</span>
      <input {...props} required value={value} onInput={(e) => set(e.currentTarget.value)} />
    </label>
  );

  return (
    <main class="center-screen" id="main" data-testid="activation-screen">
      <form class="login" onSubmit={(event) => void submit(event)}>
        <div class="login__top">
          <h1>{tActivation('activate.title')}</h1>
          {langSwitch}
        </div>
        <p class="hint">{tActivation('activate.explain')}</p>
        {field(tActivation('activate.username'), username, setUsername, {
          name: 'username', autocomplete: 'username', autocapitalize: 'none', spellcheck: false, maxLength: LIMITS.USERNAME_MAX, 'data-testid': 'activate-username',
        })}
        {field(tActivation('activate.code'), code, setCode, {
          name: 'code', autocomplete: 'one-time-code', autocapitalize: 'characters', spellcheck: false, maxLength: 64, class: 'activation-code-input', 'data-testid': 'activate-code',
        })}
        {field(tActivation('activate.password'), password, setPassword, {
          type: 'password', autocomplete: 'new-password', minLength: LIMITS.PASSWORD_MIN, maxLength: LIMITS.PASSWORD_MAX, 'data-testid': 'activate-password',
        })}
        {field(tActivation('activate.again'), again, setAgain, {
          type: 'password', autocomplete: 'new-password', minLength: LIMITS.PASSWORD_MIN, maxLength: LIMITS.PASSWORD_MAX, 'data-testid': 'activate-again',
        })}
        <p class="hint">{tActivation('activate.hint')}</p>
        {error && (
          <p role="alert" class="error" data-testid="activate-error">
            {error}
          </p>
        )}
        <button type="submit" class="button button--primary" data-testid="activate-submit" disabled={busy}>
          {tActivation('activate.submit')}
        </button>
        <button type="button" class="button button--ghost" onClick={() => onClose(null)}>
          {tActivation('activate.back')}
        </button>
      </form>
    </main>
  );
}
