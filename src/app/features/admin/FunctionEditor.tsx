import { useEffect, useRef, useState } from 'preact/hooks';
import type { AdminAccount } from '../../../shared/admin-http.ts';
import type { FunctionDetailReply, StaffRole } from '../../../shared/oncall.ts';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { LadderEditor } from './LadderEditor.tsx';
import { OverridesEditor } from './OverridesEditor.tsx';
import { PatternEditor } from './PatternEditor.tsx';
import { changeFunction, deleteFunction, functionDetail } from './oncall-api.ts';
import { holderLine, tRotaError } from './oncall-format.ts';
import { tOncall as t } from './oncall-i18n.ts';
import { FunctionFields } from './RoleToggles.tsx';

interface Props {
  functionId: string;
  /** Every account (the admins' list): the eligible ones are offered as holders. */
  staff: readonly AdminAccount[];
  onBack(): void;
  onDeleted(): void;
}

/** One function: who holds it now, its name, service and roles, its weekly rota, its escalation ladder, its overrides, its deletion. */
export function FunctionEditor({ functionId, staff, onBack, onDeleted }: Props) {
  const [detail, setDetail] = useState<FunctionDetailReply | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    functionDetail(functionId).then(
      (loaded) => {
        setDetail(loaded);
        heading.current?.focus();
      },
      (error: unknown) => setStatus(tRotaError(error)),
    );
  }, [functionId]);

  const definition = detail?.function;
  const eligible = definition ? staff.filter((account) => !account.disabled && (definition.eligibleRoles as readonly string[]).includes(account.role)) : [];
  /** Shows the server's answer and says so, or says why it was refused. */
  const apply = async (change: Promise<FunctionDetailReply>, done: string): Promise<boolean> => {
    setStatus(null);
    try {
      setDetail(await change);
      setStatus(done);
      return true;
    } catch (error) {
      setStatus(tRotaError(error));
      return false;
    }
  };

  return (
    <section class="admin-section" aria-labelledby="oncall-editor-title" data-testid="oncall-editor">
      <div class="admin-section__top">
        <h1 id="oncall-editor-title" tabIndex={-1} ref={heading}>
          {definition?.name ?? t('oncall.tab')}
        </h1>
        <button type="button" class="button" data-testid="oncall-back" onClick={onBack}>
          {t('oncall.back')}
        </button>
      </div>
      {definition && (
        <p class="oncall-holder oncall-holder--large" data-testid="oncall-editor-holder">
          {holderLine(definition)}
        </p>
      )}
      {status && (
        <p role="status" data-testid="oncall-editor-status">
          {status}
        </p>
      )}
      {detail && definition && (
        <>
          <DefinitionForm
            key={definition.id}
            name={definition.name}
            service={definition.service ?? ''}
            roles={definition.eligibleRoles}
            onSave={(change) => apply(changeFunction(definition.id, change), t('oncall.saved'))}
          />
          <PatternEditor key={`${definition.id}:${JSON.stringify(detail.slots)}`} functionId={definition.id} slots={detail.slots} eligible={eligible} onSave={apply} />
          <LadderEditor key={`${definition.id}:${JSON.stringify(detail.ladder ?? [])}`} functionId={definition.id} steps={detail.ladder ?? []} staff={staff} onSave={apply} />
          <OverridesEditor detail={detail} staff={staff} eligible={eligible} onChange={apply} onRemoved={(message) => setStatus(message)} onReload={() => functionDetail(functionId).then(setDetail, () => undefined)} />
          <div class="admin-actions">
            <button type="button" class="button oncall-danger" data-testid="oncall-delete" onClick={() => setConfirmDelete(true)}>
              {t('oncall.delete')}
            </button>
          </div>
        </>
      )}
      {confirmDelete && definition && (
        <ConfirmDialog
          title={t('oncall.deleteTitle', { name: definition.name })}
          message={t('oncall.deleteExplain')}
          confirmLabel={t('oncall.deleteConfirm')}
          cancelLabel={t('oncall.cancel')}
          danger
          errorText={tRotaError}
          onConfirm={async () => {
            await deleteFunction(definition.id);
            onDeleted();
          }}
          onClose={() => setConfirmDelete(false)}
          testId="oncall-delete-dialog"
        />
      )}
    </section>
  );
}

function DefinitionForm(props: { name: string; service: string; roles: readonly StaffRole[]; onSave(change: { name: string; service: string; eligibleRoles: StaffRole[] }): Promise<boolean> }) {
  const [name, setName] = useState(props.name);
  const [service, setService] = useState(props.service);
  const [roles, setRoles] = useState<StaffRole[]>([...props.roles]);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (busy || roles.length === 0) return;
    setBusy(true);
    await props.onSave({ name, service, eligibleRoles: roles });
    setBusy(false);
  };
  return (
    <form class="admin-form" aria-labelledby="oncall-rename-title" data-testid="oncall-rename-form" onSubmit={(event) => void submit(event)}>
      <h2 id="oncall-rename-title" class="oncall-subtitle">
        {t('oncall.rename')}
      </h2>
      <FunctionFields name={name} service={service} roles={roles} onName={setName} onService={setService} onRoles={setRoles} />
      <div class="admin-form__actions">
        <button type="submit" class="button button--primary" data-testid="oncall-rename-save" disabled={busy || roles.length === 0}>
          {t('oncall.save')}
        </button>
      </div>
    </form>
  );
}
