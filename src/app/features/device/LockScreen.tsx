import { tError } from '../../core/i18n/index.ts';
import { tDevice as t } from './device-i18n.ts';
import { LOCK_WARNING_MS, unlock } from './auto-lock.ts';
import { session } from '../../core/session.ts';
import { PasswordForm } from '../../ui/PasswordForm.tsx';

/**
 * The lock screen of a shared tablet: nothing of the conversations is rendered behind it. The
 * password is checked by the server, or offline by the SW against its salted hash.
 */
export function LockScreen() {
  const name = session.value?.user?.displayName ?? '';
  return (
    <PasswordForm
      testIdPrefix="lock"
      screenTestId="lock-screen"
      passwordLabel={t('lock.password')}
      submitLabel={t('lock.submit')}
      autoFocus
      onSubmit={unlock}
      describeError={tError}
    >
      <h1>{t('lock.title')}</h1>
      <p>{t('lock.explain', { name })}</p>
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
