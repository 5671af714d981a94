import { useEffect, useState } from 'preact/hooks';
import { LIMITS } from '../../../shared/limits.ts';
import { MeReply, RecoveryCodesReply, TwoFactorSetupReply } from '../../../shared/http.ts';
import { api } from '../../core/http.ts';
import { tError } from '../../core/i18n/index.ts';
import { authMethods } from '../../core/session.ts';
import { passwordless } from './AccountSection.tsx';
import { tDevice as t } from './device-i18n.ts';

/**
 * "Validation en deux étapes" in the settings: turn it on (the server's QR code and the secret as
 * text, then a code from the app confirms it, then the 10 recovery codes, shown once), or off (the
 * password and a code). All of it needs the server: offline, the failure says so.
 *
 *   off ──Activer──▶ scanning (QR, secret, code) ──code accepted──▶ codes shown ──J'ai noté──▶ on
 *    ▲                                                                                       │
 *    └──────────────────────────────── Désactiver (password + code) ────────────────────────┘
 */
type Step = { kind: 'idle' } | { kind: 'scanning'; setup: TwoFactorSetupReply } | { kind: 'codes'; codes: string[] };

export function TwoFactorSection() {
  const [state, setState] = useState<MeReply['twoFactor'] | null>(null);
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const load = (): void => {
    api.read('GET', '/api/me', MeReply).then(
      (reply) => {
        passwordless.value = reply.password === false;
        setState(reply.twoFactor);
      },
      (error: unknown) => setStatus(tError(error)),
    );
  };
  useEffect(load, []);

  /** Runs one request at a time; its failure is said in words. */
  const run = async (action: () => Promise<void>): Promise<void> => {
    if (busy) return;
    setBusy(true);
    setStatus(null);
    try {
      await action();
    } catch (error) {
      setStatus(tError(error));
    } finally {
      setBusy(false);
    }
  };

  const begin = (): Promise<void> =>
    run(async () => {
      setStep({ kind: 'scanning', setup: await api.read('POST', '/api/me/2fa/setup', TwoFactorSetupReply) });
    });
  const confirm = (code: string): Promise<void> =>
    run(async () => {
      const reply = await api.read('POST', '/api/me/2fa/enable', RecoveryCodesReply, { code });
      setStep({ kind: 'codes', codes: reply.recoveryCodes });
    });
  const disable = (password: string, code: string): Promise<void> =>
    run(async () => {
      await api.read('POST', '/api/me/2fa/disable', null, { password, code });
      setStatus(t('twoFactor.disabled'));
      load();
    });

  if (passwordless.value) {
    // Signed in through the clinic's identity provider only: it keeps the password and the second factor.
    return (
      <section class="two-factor" data-testid="two-factor-section" aria-labelledby="two-factor-title">
        <h3 id="two-factor-title">{t('twoFactor.title')}</h3>
        <p data-testid="sso-only">{t('account.ssoOnly', { provider: authMethods.value?.sso?.name ?? t('account.provider') })}</p>
      </section>
    );
  }
  return (
    <section class="two-factor" data-testid="two-factor-section" aria-labelledby="two-factor-title">
      <h3 id="two-factor-title">{t('twoFactor.title')}</h3>
      {state && step.kind === 'idle' && (
        <p data-testid="two-factor-state">
          {t(state.enabled ? 'twoFactor.on' : 'twoFactor.off')} {state.required && !state.enabled && <strong>{t('twoFactor.requiredForAdmins')}</strong>}
        </p>
      )}
      {state && !state.enabled && step.kind === 'idle' && (
        <button type="button" class="button button--primary" data-testid="two-factor-enable" disabled={busy} onClick={() => void begin()}>
          {t('twoFactor.enable')}
        </button>
      )}
      {step.kind === 'scanning' && <Enrolment setup={step.setup} busy={busy} onCode={(code) => void confirm(code)} onCancel={() => setStep({ kind: 'idle' })} />}
      {step.kind === 'codes' && (
        <RecoveryCodes
          codes={step.codes}
          onDone={() => {
            setStep({ kind: 'idle' });
            load();
          }}
        />
      )}
      {state?.enabled && step.kind === 'idle' && <DisableForm busy={busy} onDisable={(password, code) => void disable(password, code)} />}
      {status && (
        <p role="status" data-testid="two-factor-status">
          {status}
        </p>
      )}
    </section>
  );
}

/** One code field: 6 digits from the app (or, where said, a recovery code). */
function CodeField(props: { label: string; value: string; onValue(value: string): void; testId: string; numeric: boolean }) {
  return (
    <label class="field">
      <span>{props.label}</span>
      <input
        data-testid={props.testId}
        autocomplete="one-time-code"
        inputMode={props.numeric ? 'numeric' : 'text'}
        autocapitalize="characters"
        spellcheck={false}
        required
        maxLength={32}
        value={props.value}
        onInput={(event) => props.onValue(event.currentTarget.value)}
      />
    </label>
  );
}

/** The QR code to scan (an SVG the server drew), the secret to type instead, and the first code. */
function Enrolment(props: { setup: TwoFactorSetupReply; busy: boolean; onCode(code: string): void; onCancel(): void }) {
  const [code, setCode] = useState('');
  // Grouped by four, as authenticator apps show and accept it.
  const spaced = props.setup.secret.replace(/(.{4})/g, '$1 ').trim();
  return (
    <form
      class="two-factor__step"
      onSubmit={(event) => {
        event.preventDefault();
        props.onCode(code.trim());
      }}
    >
      <p>{t('twoFactor.scan')}</p>
      {/* The server's own SVG (qrcode, from the otpauth URL): no script, no outside reference. */}
      <div class="two-factor__qr" role="img" aria-label={t('twoFactor.qrLabel')} data-testid="two-factor-qr" dangerouslySetInnerHTML={{ __html: props.setup.qrSvg }} />
      <p>{t('twoFactor.manual')}</p>
      <code class="two-factor__secret" data-testid="two-factor-secret">
        {spaced}
      </code>
      <CodeField label={t('twoFactor.code')} value={code} onValue={setCode} testId="two-factor-code" numeric />
      <div class="dialog__actions">
        <button type="button" class="button button--ghost" onClick={props.onCancel}>
          {t('twoFactor.cancel')}
        </button>
        <button type="submit" class="button button--primary" data-testid="two-factor-confirm" disabled={props.busy}>
          {t('twoFactor.confirm')}
        </button>
      </div>
    </form>
  );
}

/** The recovery codes, shown this once: print them or copy them, then say they are kept. */
function RecoveryCodes(props: { codes: string[]; onDone(): void }) {
  const [copied, setCopied] = useState(false);
  const copy = (): void => {
    navigator.clipboard.writeText(props.codes.join('\n')).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };
  return (
    <div class="two-factor__step">
      <p class="notice" role="alert">
        {t('twoFactor.codesWarning')}
      </p>
      <ol class="recovery-codes" data-testid="recovery-codes">
        {props.codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <div class="dialog__actions">
        <button type="button" class="button" data-testid="recovery-print" onClick={() => window.print()}>
          {t('twoFactor.print')}
        </button>
        <button type="button" class="button" data-testid="recovery-copy" onClick={copy}>
          {t(copied ? 'twoFactor.copied' : 'twoFactor.copy')}
        </button>
        <button type="button" class="button button--primary" data-testid="recovery-done" onClick={props.onDone}>
          {t('twoFactor.done')}
        </button>
      </div>
    </div>
  );
}

/** Turning it off: the password and a current code (or a recovery code). */
function DisableForm(props: { busy: boolean; onDisable(password: string, code: string): void }) {
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  return (
    <form
      class="two-factor__step"
      onSubmit={(event) => {
        event.preventDefault();
        props.onDisable(password, code.trim());
        setPassword('');
        setCode('');
      }}
    >
      <label class="field">
        <span>{t('account.current')}</span>
        <input type="password" required maxLength={LIMITS.PASSWORD_MAX} autocomplete="current-password" data-testid="two-factor-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
      </label>
      <CodeField label={t('twoFactor.codeOrRecovery')} value={code} onValue={setCode} testId="two-factor-disable-code" numeric={false} />
      <button type="submit" class="button" data-testid="two-factor-disable" disabled={props.busy}>
        {t('twoFactor.disable')}
      </button>
    </form>
  );
}
