import { useEffect, useState } from 'preact/hooks';
import type { AdminAccount } from '../../../shared/admin-http.ts';
import { tError } from '../../core/i18n/index.ts';
import { AccountPanel } from './AccountPanel.tsx';
import { CreateAccountForm } from './CreateAccountForm.tsx';
import { CodeBlock, type IssuedCode } from './CodeBlock.tsx';
import { listAccounts } from './admin-api.ts';
import { tAdmin as t } from './admin-i18n.ts';

/** Lowercase, accents removed (as the server compares names). */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * "Utilisateurs": every account (search by name, username or service), a new account's form, the
 * one-time code once issued, and each account's panel (edit, disable, reset, devices, delete).
 */
export function UsersSection() {
  const [accounts, setAccounts] = useState<AdminAccount[] | null>(null);
  const [query, setQuery] = useState('');
  const [creating, setCreating] = useState(false);
  const [issued, setIssued] = useState<IssuedCode | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const reload = (): void => {
    listAccounts().then(setAccounts, (error: unknown) => setStatus(tError(error)));
  };
  useEffect(reload, []);

  const needle = fold(query.trim());
  const shown = (accounts ?? []).filter((a) => needle === '' || [a.displayName, a.username, a.service ?? ''].some((text) => fold(text).includes(needle)));
  const open = accounts?.find((a) => a.id === openId) ?? null;

  return (
    <section class="admin-section" aria-labelledby="users-title">
      <div class="admin-section__top">
        <h1 id="users-title">{t('admin.users')}</h1>
        {!creating && (
          <button type="button" class="button button--primary" data-testid="admin-new-account" onClick={() => setCreating(true)}>
            {t('users.new')}
          </button>
        )}
      </div>
      {issued && <CodeBlock issued={issued} onDone={() => setIssued(null)} />}
      {creating && (
        <CreateAccountForm
          onCancel={() => setCreating(false)}
          onCreated={(code) => {
            setCreating(false);
            setIssued(code);
            reload();
          }}
        />
      )}
      <label class="field admin-search">
        <span>{t('users.search')}</span>
        <input type="search" data-testid="admin-user-search" placeholder={t('users.searchHint')} value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
      </label>
      {status && <p role="alert">{status}</p>}
      {accounts && <p class="hint">{t.count('users.count', shown.length)}</p>}
      {accounts && shown.length === 0 && <p>{t('users.none')}</p>}
      <ul class="account-cards">
        {shown.map((account) => (
          <li key={account.id} class="account-card" data-testid="admin-user-row" data-username={account.username}>
            <div class="account-card__text">
              <strong>{account.displayName}</strong>
              <span class="account-card__meta">
                {account.username} · {t(`role.${account.role}`)}
                {account.service && ` · ${account.service}`}
              </span>
              {account.jobTitle && <span class="account-card__meta">{account.jobTitle}</span>}
              <span class={account.disabled ? 'account-card__state account-card__state--off' : 'account-card__state'}>
                {account.disabled ? t('users.disabled') : t('users.active')}
              </span>
            </div>
            <button type="button" class="button" data-testid="admin-user-open" onClick={() => setOpenId(account.id)}>
              {t('users.open')}
            </button>
          </li>
        ))}
      </ul>
      {open && (
        <AccountPanel
          account={open}
          onClose={() => setOpenId(null)}
          onChanged={reload}
          onDeleted={() => {
            setOpenId(null);
            setStatus(t('delete.done'));
            reload();
          }}
        />
      )}
    </section>
  );
}
