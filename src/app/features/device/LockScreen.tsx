import { useEffect, useRef, useState } from 'preact/hooks';
import { LIMITS } from '../../../shared/limits.ts';
import { tError } from '../../core/i18n/index.ts';
import { tDevice as t } from './device-i18n.ts';
import { LOCK_WARNING_MS, unlock } from './auto-lock.ts';
import { session } from '../../core/session.ts';

/**
 * The lock screen of a shared tablet: nothing of the conversations is rendered behind it. The
 * password is checked by the server, or offline by the SW against its salted hash.
 */
export function LockScreen() {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => field.current?.focus(), []);
  const name = session.value?.user?.displayName ?? '';

  const onSubmit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (busy || password === '') return;
    setBusy(true);
    setError(null);
    try {
      await unlock(password);
    } catch (failure) {
      setError(tError(failure));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="center-screen" id="main" data-testid="lock-screen">
      <form class="login" onSubmit={(event) => void onSubmit(event)}>
        <h1>{t('lock.title')}</h1>
        <p>{t('lock.explain', { name })}</p>
        <label class="field">
          <span>{t('lock.password')}</span>
          <input
            ref={field}
            data-testid="lock-password"
            type="password"
            autocomplete="current-password"
            required
            maxLength={LIMITS.PASSWORD_MAX}
            value={password}
            onInput={(event) => setPassword(event.currentTarget.value)}
          />
        </label>
        {error && (
          <p class="error" role="alert" data-testid="lock-error">
            {error}
          </p>
        )}
        <button type="submit" class="button button--primary" data-testid="lock-submit" disabled={busy}>
          {t('lock.submit')}
        </button>
      </form>
    </main>
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
