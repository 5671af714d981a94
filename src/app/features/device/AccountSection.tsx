import { signal } from '@preact/signals';
import { useEffect, useState } from 'preact/hooks';
import { DevicesReply, type Device } from '../../../shared/http.ts';
import { LIMITS } from '../../../shared/limits.ts';
import { api } from '../../core/http.ts';
import { tError } from '../../core/i18n/index.ts';
import { currentUser } from '../../core/session.ts';
import { request } from '../../core/sw-client.ts';
import { tDevice as t } from './device-i18n.ts';

/**
 * True once `GET /api/me` said the account has no password of its own (made by single sign-on):
 * no password to change, no second factor to manage here — the provider keeps both.
 */
export const passwordless = signal(false);

/**
 * "Mon compte" in the settings: where I am signed in (sign out one device, or all the others) and
 * my password. Both need the server: offline, the failure says so.
 */
export function AccountSection() {
  const [devices, setDevices] = useState<Device[] | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const load = (): void => {
    api.read('GET', '/api/me/devices', DevicesReply).then(
      (reply) => setDevices(reply.devices),
      (error: unknown) => setStatus(tError(error)),
    );
  };
  useEffect(load, []);

  const signOut = async (path: string): Promise<void> => {
    try {
      await api.read('DELETE', path, null);
      setStatus(t('account.signedOut'));
      load();
    } catch (error) {
      setStatus(tError(error));
    }
  };

  return (
    <section class="account-section" data-testid="account-section">
      <h3>{t('account.devices')}</h3>
      {devices && (
        <ul class="dialog__list device-list">
          {devices.map((device) => (
            <li key={device.id} class="device-row" data-testid="device-row">
              <span>
                {device.label} {device.current && <strong>({t('account.thisDevice')})</strong>}
                <br />
                <small>{t('account.since', { date: new Date(device.signedInAt).toLocaleString() })}</small>
              </span>
              {!device.current && (
                <button type="button" class="button button--ghost" data-testid="device-sign-out" onClick={() => void signOut(`/api/me/devices/${device.id}`)}>
                  {t('account.signOut')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {devices && devices.length > 1 && (
        <button type="button" class="button" data-testid="devices-sign-out-others" onClick={() => void signOut('/api/me/devices')}>
          {t('account.signOutOthers')}
        </button>
      )}
      {status && (
        <p role="status" data-testid="account-status">
          {status}
        </p>
      )}
      {!passwordless.value && <PasswordChange />}
    </section>
  );
}

/** Change my password: the current one, the new one twice. Every other device is signed out. */
function PasswordChange() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<string | null>(null);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (busy) return;
    if (next !== again) return setStatus(t('account.mismatch'));
    setBusy(true);
    setStatus(null);
    try {
      await api.read('POST', '/api/me/password', null, { current, password: next });
      // Signed in again through the service worker: its offline unlock now takes the new password.
      const username = currentUser.value?.username;
      if (username) await request('auth.login', { username, password: next });
      setCurrent('');
      setNext('');
      setAgain('');
      setStatus(t('account.passwordChanged'));
    } catch (error) {
      setStatus(tError(error));
    } finally {
      setBusy(false);
    }
  };

  const field = (label: string, value: string, set: (v: string) => void, testId: string, autoComplete: string, min = 1) => (
    <label class="field">
      <span>{label}</span>
      <input type="password" required minLength={min} maxLength={LIMITS.PASSWORD_MAX} autocomplete={autoComplete} data-testid={testId} value={value} onInput={(e) => set(e.currentTarget.value)} />
    </label>
  );

  return (
    <form class="password-change" onSubmit={(event) => void submit(event)}>
      <h3>{t('account.password')}</h3>
      {field(t('account.current'), current, setCurrent, 'password-current', 'current-password')}
      {field(t('account.new'), next, setNext, 'password-new', 'new-password', LIMITS.PASSWORD_MIN)}
      {field(t('account.again'), again, setAgain, 'password-again', 'new-password', LIMITS.PASSWORD_MIN)}
      <p class="hint">{t('account.passwordHint')}</p>
      {status && (
        <p role="status" data-testid="password-status">
          {status}
        </p>
      )}
      <button type="submit" class="button button--primary" data-testid="password-submit" disabled={busy}>
        {t('account.change')}
      </button>
    </form>
  );
}
