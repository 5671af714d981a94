import { useEffect, useState } from 'preact/hooks';
import type { AuditReply } from '../../../shared/admin-http.ts';
import type { AuditQuery } from '../../../shared/http.ts';
import { tError } from '../../core/i18n/index.ts';
import { auditQueryString, listAccounts, searchAudit } from './admin-api.ts';
import { tAdmin as t } from './admin-i18n.ts';

/** A `datetime-local` value as ms since the epoch (text, as the query carries it); empty when unset. */
function millis(value: string): string {
  const time = value ? new Date(value).getTime() : NaN;
  return Number.isFinite(time) ? String(time) : '';
}

/**
 * "Journal d'audit": filters (actor, action, target, since, until), the matching entries, and
 * "Exporter en CSV", a link to the same query with `format=csv` (the export is itself recorded).
 */
export function AuditSection() {
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const [target, setTarget] = useState('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const [result, setResult] = useState<AuditReply | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Ids are what the log keeps; the admins' list names them (a deleted account stays an id).
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  useEffect(() => {
    listAccounts().then(
      (accounts) => setNames(new Map(accounts.map((a) => [a.id, `${a.displayName} (${a.username})`]))),
      () => undefined, // the ids alone still read
    );
  }, []);
  const who = (id: string | null | undefined): string => (id ? (names.get(id) ?? id) : '—');

  const query: AuditQuery = { actor: actor.trim(), action: action.trim(), target: target.trim(), since: millis(since), until: millis(until) };
  const search = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setResult(await searchAudit(query));
    } catch (failure) {
      setError(tError(failure));
    } finally {
      setBusy(false);
    }
  };

  const field = (label: string, value: string, set: (v: string) => void, name: string, when = false) => (
    <label class="field">
      <span>{label}</span>
      {when ? (
        <input type="datetime-local" name={name} value={value} onInput={(e) => set(e.currentTarget.value)} />
      ) : (
        <input name={name} maxLength={64} list={name === 'action' ? undefined : 'audit-accounts'} value={value} onInput={(e) => set(e.currentTarget.value)} />
      )}
    </label>
  );

  return (
    <section class="admin-section" aria-labelledby="audit-title">
      <h1 id="audit-title">{t('admin.audit')}</h1>
      <form class="admin-form" data-testid="audit-filters" onSubmit={(event) => void search(event)}>
        <div class="admin-form__grid">
          {field(t('audit.actor'), actor, setActor, 'actor')}
          {field(t('audit.action'), action, setAction, 'action')}
          {field(t('audit.target'), target, setTarget, 'target')}
          {field(t('audit.since'), since, setSince, 'since', true /* a time */)}
          {field(t('audit.until'), until, setUntil, 'until', true /* a time */)}
        </div>
        <datalist id="audit-accounts">
          {[...names].map(([id, name]) => (
            <option key={id} value={id} label={name} />
          ))}
        </datalist>
        <div class="admin-form__actions">
          <a class="button" data-testid="audit-export" href={`/api/admin/audit${auditQueryString({ ...query, format: 'csv' })}`} download="relais-audit.csv">
            {t('audit.export')}
          </a>
          <button type="submit" class="button button--primary" data-testid="audit-search" disabled={busy}>
            {t('audit.search')}
          </button>
        </div>
      </form>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {result && (
        <>
          <p class="hint" role="status">
            {t.count('audit.count', result.entries.length)}
          </p>
          {result.truncated && <p class="notice">{t('audit.truncated')}</p>}
          {result.entries.length === 0 ? (
            <p>{t('audit.none')}</p>
          ) : (
            <table class="audit-table" data-testid="audit-results">
              <thead>
                <tr>
                  <th scope="col">{t('audit.at')}</th>
                  <th scope="col">{t('audit.action')}</th>
                  <th scope="col">{t('audit.actor')}</th>
                  <th scope="col">{t('audit.target')}</th>
                </tr>
              </thead>
              <tbody>
                {result.entries.map((entry) => (
                  <tr key={entry.id}>
                    <td data-label={t('audit.at')}>{new Date(entry.at).toLocaleString()}</td>
                    <td data-label={t('audit.action')}>
                      <code>{entry.action}</code>
                      {entry.detail && <small> ({entry.detail})</small>}
                    </td>
                    <td data-label={t('audit.actor')}>{who(entry.actor)}</td>
                    <td data-label={t('audit.target')}>{who(entry.target ?? entry.conversationId)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
