import { useState } from 'preact/hooks';
import { LIMITS } from '../../../shared/limits.ts';
import { Role } from '../../../shared/model.ts';
import { tError } from '../../core/i18n/index.ts';
import type { IssuedCode } from './CodeBlock.tsx';
import { createAccount } from './admin-api.ts';
import { tAdmin as t } from './admin-i18n.ts';

/** A new account: name, username, role, service, job title; answers the one-time code to hand over. */
export function CreateAccountForm({ onCancel, onCreated }: { onCancel(): void; onCreated(code: IssuedCode): void }) {
  const [displayName, setDisplayName] = useState('');
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<Role>('nurse');
  const [service, setService] = useState('');
  const [jobTitle, setJobTitle] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const profile = { ...(service.trim() ? { service: service.trim() } : {}), ...(jobTitle.trim() ? { jobTitle: jobTitle.trim() } : {}) };
      const created = await createAccount({ username: username.trim(), displayName: displayName.trim(), role, ...profile });
      onCreated({ name: created.user.displayName, username: created.user.username, code: created.code, expiresAt: created.expiresAt });
    } catch (failure) {
      setError(tError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="admin-form" data-testid="admin-create-form" aria-labelledby="create-title" onSubmit={(event) => void submit(event)}>
      <h2 id="create-title">{t('create.title')}</h2>
      <div class="admin-form__grid">
        <label class="field">
          <span>{t('users.name')}</span>
          <input name="displayName" required maxLength={LIMITS.DISPLAY_NAME_MAX} value={displayName} onInput={(e) => setDisplayName(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>{t('users.username')}</span>
          <input
            name="username"
            required
            autocapitalize="none"
            spellcheck={false}
            pattern="[A-Za-z0-9._\-]+"
            maxLength={LIMITS.USERNAME_MAX}
            title={t('create.usernameHint')}
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
        </label>
        <RoleSelect value={role} onChange={setRole} />
        <label class="field">
          <span>{t('users.service')}</span>
          <input name="service" maxLength={LIMITS.PROFILE_FIELD_MAX} value={service} onInput={(e) => setService(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>{t('users.jobTitle')}</span>
          <input name="jobTitle" maxLength={LIMITS.PROFILE_FIELD_MAX} value={jobTitle} onInput={(e) => setJobTitle(e.currentTarget.value)} />
        </label>
      </div>
      <p class="hint">{t('create.usernameHint')}</p>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <div class="admin-form__actions">
        <button type="button" class="button" onClick={onCancel}>
          {t('create.cancel')}
        </button>
        <button type="submit" class="button button--primary" data-testid="admin-create-submit" disabled={busy}>
          {t('create.submit')}
        </button>
      </div>
    </form>
  );
}

/** The role picker (every role of the contract). */
export function RoleSelect({ value, onChange }: { value: Role; onChange(role: Role): void }) {
  return (
    <label class="field">
      <span>{t('users.role')}</span>
      <select name="role" value={value} onChange={(e) => onChange(e.currentTarget.value as Role)}>
        {Role.options.map((role) => (
          <option key={role} value={role}>
            {t(`role.${role}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
