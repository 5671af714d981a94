import { useEffect, useState } from 'preact/hooks';
import type { AdminAccount } from '../../../shared/admin-http.ts';
import { ROTA_LIMITS, type FunctionEntry, type StaffRole } from '../../../shared/oncall.ts';
import { listAccounts } from './admin-api.ts';
import { FunctionEditor } from './FunctionEditor.tsx';
import { createFunction, listFunctions } from './oncall-api.ts';
import { holderLine, tRotaError } from './oncall-format.ts';
import { tOncall as t } from './oncall-i18n.ts';
import { FunctionFields } from './RoleToggles.tsx';
import './oncall.css';

/**
 * "Gardes et fonctions": every function role with who holds it now and until when, a new
 * function's form, and each function's editor (name, weekly rota, overrides, deletion).
 */
export function OncallSection() {
  const [functions, setFunctions] = useState<FunctionEntry[] | null>(null);
  const [staff, setStaff] = useState<AdminAccount[]>([]);
  const [creating, setCreating] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const reload = (): void => {
    listFunctions().then(setFunctions, (error: unknown) => setStatus(tRotaError(error)));
  };
  useEffect(() => {
    reload();
    listAccounts().then(setStaff, (error: unknown) => setStatus(tRotaError(error)));
  }, []);

  if (openId !== null) {
    return (
      <FunctionEditor
        functionId={openId}
        staff={staff}
        onBack={() => {
          setOpenId(null);
          setStatus(null);
          reload();
        }}
        onDeleted={() => {
          setOpenId(null);
          setStatus(t('oncall.deleted'));
          reload();
        }}
      />
    );
  }

  return (
    <section class="admin-section" aria-labelledby="oncall-title" data-testid="oncall-section">
      <div class="admin-section__top">
        <h1 id="oncall-title">{t('oncall.tab')}</h1>
        {!creating && (
          <button type="button" class="button button--primary" data-testid="oncall-new" onClick={() => setCreating(true)}>
            {t('oncall.new')}
          </button>
        )}
      </div>
      <p class="hint">{t('oncall.intro')}</p>
      {creating && (
        <NewFunctionForm
          full={(functions?.length ?? 0) >= ROTA_LIMITS.FUNCTIONS_MAX}
          onCancel={() => setCreating(false)}
          onCreated={(id) => {
            setCreating(false);
            setOpenId(id);
          }}
        />
      )}
      {status && (
        <p role="status" data-testid="oncall-status">
          {status}
        </p>
      )}
      {functions && functions.length === 0 && <p>{t('oncall.none')}</p>}
      <ul class="account-cards">
        {(functions ?? []).map((entry) => (
          <li key={entry.id} class="account-card" data-testid="oncall-row" data-name={entry.name}>
            <div class="account-card__text">
              <strong>{entry.name}</strong>
              <span class="account-card__meta">
                {[entry.service, entry.eligibleRoles.map((role) => t(`oncall.role.${role}`)).join(', ')].filter(Boolean).join(' · ')}
              </span>
              <span class={entry.holder ? 'oncall-holder' : 'oncall-holder oncall-holder--vacant'} data-testid="oncall-holder">
                {holderLine(entry)}
              </span>
            </div>
            <button type="button" class="button" data-testid="oncall-open" onClick={() => setOpenId(entry.id)}>
              {t('oncall.manage')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function NewFunctionForm({ full, onCancel, onCreated }: { full: boolean; onCancel(): void; onCreated(id: string): void }) {
  const [name, setName] = useState('');
  const [service, setService] = useState('');
  const [roles, setRoles] = useState<StaffRole[]>(['doctor']);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (busy || roles.length === 0) return;
    setBusy(true);
    setFailure(null);
    try {
      const created = await createFunction({ name, ...(service.trim() ? { service } : {}), eligibleRoles: roles });
      onCreated(created.function.id);
    } catch (error) {
      setFailure(tRotaError(error));
      setBusy(false);
    }
  };

  return (
    <form class="admin-form" data-testid="oncall-create-form" onSubmit={(event) => void submit(event)}>
      <FunctionFields name={name} service={service} roles={roles} onName={setName} onService={setService} onRoles={setRoles} nameHint={t('oncall.nameHint')} />
      {failure && <p role="alert">{failure}</p>}
      <div class="admin-form__actions">
        <button type="button" class="button" onClick={onCancel}>
          {t('oncall.cancel')}
        </button>
        <button type="submit" class="button button--primary" data-testid="oncall-create-submit" disabled={busy || full || roles.length === 0}>
          {t('oncall.create')}
        </button>
      </div>
    </form>
  );
}
