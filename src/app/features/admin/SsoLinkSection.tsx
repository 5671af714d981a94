import { useEffect, useState } from 'preact/hooks';
import { SsoLinkReply } from '../../../shared/admin-http.ts';
import { tError } from '../../core/i18n/index.ts';
import { api } from '../../core/http.ts';
import { authMethods } from '../../core/session.ts';
import { tAdmin as t } from './admin-i18n.ts';

/** What sign-in reads of the provider's identifier claim (shared/admin-http.ts `SsoIdentifier`). */
const IDENTIFIER_MAX = 128;

/**
 * The account's link to the identity provider (single sign-on), in the account panel: the
 * identifier it is linked to (Pro Santé Connect: "8" + RPPS), "Lier" and "Délier"
 * (`PUT/DELETE /api/admin/users/:id/sso-link`, audited by the gateway). In `link-only` provisioning
 * only a linked account signs in through the provider. Shown where the deployment has a provider,
 * or where the account still has a link to undo.
 */
export function SsoLinkSection({ userId }: { userId: string }) {
  // undefined: not read yet.
  const [linked, setLinked] = useState<string | null | undefined>(undefined);
  const [typed, setTyped] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const provider = authMethods.value?.sso?.name ?? null;

  useEffect(() => {
    let active = true;
    api.read('GET', `/api/admin/users/${userId}/sso-link`, SsoLinkReply).then(
      ({ identifier }) => active && setLinked(identifier),
      (error: unknown) => active && setStatus(tError(error)),
    );
    return () => {
      active = false;
    };
  }, [userId]);

  /** Links (`identifier`) or unlinks (null); the outcome is said in the status line. */
  const change = async (identifier: string | null): Promise<void> => {
    if (busy) return;
    setBusy(true);
    setStatus(null);
    try {
      const reply =
        identifier === null
          ? await api.read('DELETE', `/api/admin/users/${userId}/sso-link`, SsoLinkReply)
          : await api.read('PUT', `/api/admin/users/${userId}/sso-link`, SsoLinkReply, { identifier });
      setLinked(reply.identifier);
      setTyped('');
      setStatus(reply.identifier === null ? t('sso.unlinked') : t('sso.linked'));
    } catch (error) {
      setStatus(tError(error));
    } finally {
      setBusy(false);
    }
  };

  if (linked === undefined && status === null) return null;
  if (provider === null && !linked) return null;
  const submit = (event: Event): void => {
    event.preventDefault();
    const identifier = typed.trim();
    if (identifier !== '') void change(identifier);
  };
  return (
    <form class="admin-form sso-link" data-testid="admin-sso-section" aria-labelledby={`sso-link-${userId}`} onSubmit={submit}>
      <h3 id={`sso-link-${userId}`}>{t('sso.title')}</h3>
      <p data-testid="admin-sso-current">
        {linked ? (
          <>
            {t('sso.current')} <strong class="sso-link__identifier">{linked}</strong>
          </>
        ) : (
          t('sso.none')
        )}
      </p>
      <label class="field">
        <span>{t('sso.field')}</span>
        <input
          name="ssoIdentifier"
          data-testid="admin-sso-identifier"
          autocomplete="off"
          spellcheck={false}
          inputMode="text"
          maxLength={IDENTIFIER_MAX}
          value={typed}
          onInput={(event) => setTyped(event.currentTarget.value)}
        />
      </label>
      <p class="hint">{t('sso.hint')}</p>
      {status && (
        <p role="status" data-testid="admin-sso-status">
          {status}
        </p>
      )}
      <div class="admin-actions">
        <button type="submit" class="button button--primary" data-testid="admin-sso-link" disabled={busy || typed.trim() === ''}>
          {t('sso.link')}
        </button>
        {linked && (
          <button type="button" class="button" data-testid="admin-sso-unlink" disabled={busy} onClick={() => void change(null)}>
            {t('sso.unlink')}
          </button>
        )}
      </div>
    </form>
  );
}
