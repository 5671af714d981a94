import { useState } from 'preact/hooks';
import { RelaisError } from '../../shared/errors.ts';
import { t } from '../core/i18n/index.ts';

/** The server's answers that mean the password was right and a second factor is missing or wrong. */
export const asksCode = (error: unknown): boolean => error instanceof RelaisError && (error.code === 'otp_required' || error.code === 'otp_invalid');

/**
 * The verification code asked after a right password (sign-in, and the lock screen once the session
 * behind it has ended): a code from the authenticator app, or one of the recovery codes.
 */
export function SecondFactorField({ testIdPrefix, code, onCode }: { testIdPrefix: 'login' | 'lock'; code: string; onCode(code: string): void }) {
  const [recovery, setRecovery] = useState(false);
  return (
    <>
      <label class="field">
        <span>{t(recovery ? 'login.recoveryCode' : 'login.otp')}</span>
        <input
          data-testid={`${testIdPrefix}-otp`}
          name="otp"
          autocomplete="one-time-code"
          inputMode={recovery ? 'text' : 'numeric'}
          autocapitalize="characters"
          spellcheck={false}
          required
          autoFocus
          maxLength={32}
          value={code}
          onInput={(event) => onCode(event.currentTarget.value)}
        />
      </label>
      <button type="button" class="button button--ghost" data-testid={`${testIdPrefix}-otp-kind`} onClick={() => setRecovery(!recovery)}>
        {t(recovery ? 'login.useOtp' : 'login.useRecovery')}
      </button>
    </>
  );
}
