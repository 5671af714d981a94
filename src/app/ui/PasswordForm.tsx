import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { LIMITS } from '../../shared/limits.ts';

interface Props {
  /** Test ids of the field, the error and the button: `<prefix>-password`, `-error`, `-submit`. */
  testIdPrefix: 'login' | 'lock';
  /** Test id of the whole screen, if it has one. */
  screenTestId?: string;
  passwordLabel: string;
  submitLabel: string;
  /** The button's label while the password is being checked (the submit label otherwise). */
  busyLabel?: string;
  autoFocus?: boolean;
  /** Checks the password; a rejection is shown with `describeError` and empties the field. */
  onSubmit(password: string): Promise<void>;
  describeError(error: unknown): string;
  /** What stands above the password: the title, and the sign-in screen's username. */
  children: ComponentChildren;
  /** What stands below it (the sign-in's verification code, once asked). */
  after?: ComponentChildren;
  /** True when this failure leaves the password in the field (it was right; something else is missing). */
  keepsPassword?(error: unknown): boolean;
  /** What stands below the submit button (the sign-in screen's "J'ai un code d'activation"). */
  footer?: ComponentChildren;
}

/**
 * The password screen shared by sign-in and unlock: one submission at a time, the failure said as a
 * sentence (never a raw message), the password field emptied after it.
 */
export function PasswordForm(props: Props) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (props.autoFocus) field.current?.focus();
  }, []);
  const { testIdPrefix } = props;

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (busy || password === '') return;
    setBusy(true);
    setError(null);
    try {
      await props.onSubmit(password);
    } catch (failure) {
      setError(props.describeError(failure));
      if (!props.keepsPassword?.(failure)) setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="center-screen" id="main" data-testid={props.screenTestId}>
      <form class="login" onSubmit={(event) => void submit(event)}>
        {props.children}
        <label class="field">
          <span>{props.passwordLabel}</span>
          <input
            ref={field}
            data-testid={`${testIdPrefix}-password`}
            name="password"
            type="password"
            autocomplete="current-password"
            required
            maxLength={LIMITS.PASSWORD_MAX}
            value={password}
            onInput={(event) => setPassword(event.currentTarget.value)}
          />
        </label>
        {props.after}
        {error && (
          <p class="error" role="alert" data-testid={`${testIdPrefix}-error`}>
            {error}
          </p>
        )}
        <button type="submit" class="button button--primary" data-testid={`${testIdPrefix}-submit`} disabled={busy}>
          {busy && props.busyLabel ? props.busyLabel : props.submitLabel}
        </button>
        {props.footer}
      </form>
    </main>
  );
}
