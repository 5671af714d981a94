import { useEffect, useRef, useState } from 'preact/hooks';
import type { AdminAccount } from '../../../shared/admin-http.ts';
import type { Device } from '../../../shared/http.ts';
import { LIMITS } from '../../../shared/limits.ts';
import type { Role } from '../../../shared/model.ts';
import { tError } from '../../core/i18n/index.ts';
import { CareTeamEditor } from '../care-team/CareTeamEditor.tsx';
import { CodeBlock, type IssuedCode } from './CodeBlock.tsx';
import { RoleSelect } from './CreateAccountForm.tsx';
import { SsoLinkSection } from './SsoLinkSection.tsx';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { AdminRefusal, changeAccount, deleteAccount, devicesOf, resetPassword, setDisabled, signOutDevice } from './admin-api.ts';
import { tAdmin as t } from './admin-i18n.ts';

interface Props {
  account: AdminAccount;
  onClose(): void;
  /** The account changed on the server: the list reloads. */
  onChanged(): void;
  onDeleted(): void;
}

/** One account, in a modal dialog: edit, disable or enable, reset the password, its devices, delete. */
export function AccountPanel({ account, onClose, onChanged, onDeleted }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [displayName, setDisplayName] = useState(account.displayName);
  const [role, setRole] = useState<Role>(account.role);
  const [service, setService] = useState(account.service ?? '');
  const [jobTitle, setJobTitle] = useState(account.jobTitle ?? '');
  const [ins, setIns] = useState(account.ins ?? '');
  const [devices, setDevices] = useState<Device[] | null>(null);
  const [issued, setIssued] = useState<IssuedCode | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const element = dialog.current;
    // showModal() traps focus and turns Escape into a `cancel` event.
    if (element && !element.open) element.showModal();
  }, []);
  const loadDevices = (): void => {
    devicesOf(account.id).then(setDevices, (error: unknown) => setStatus(tError(error)));
  };
  useEffect(loadDevices, [account.id]);

  /** Runs one action; its failure is said in the status line. */
  const act = async (action: () => Promise<string | null>): Promise<void> => {
    if (busy) return;
    setBusy(true);
    setStatus(null);
    try {
      setStatus(await action());
    } catch (error) {
      setStatus(error instanceof AdminRefusal ? t(`error.${error.code}`) : tError(error));
    } finally {
      setBusy(false);
    }
  };

  const save = (event: Event): void => {
    event.preventDefault();
    void act(async () => {
      // A patient's INS (unique: `ins_taken` when another account carries it); sent only when changed.
      const insChange = role === 'patient' && ins.trim() !== (account.ins ?? '') ? { ins: ins.trim() } : {};
      await changeAccount(account.id, { displayName: displayName.trim(), role, service: service.trim(), jobTitle: jobTitle.trim(), ...insChange });
      onChanged();
      return t('edit.saved');
    });
  };

  const text = (label: string, value: string, set: (v: string) => void, name: string, max: number, required = false) => (
    <label class="field">
      <span>{label}</span>
      <input name={name} required={required} maxLength={max} value={value} onInput={(e) => set(e.currentTarget.value)} />
    </label>
  );

  return (
    <dialog ref={dialog} class="dialog admin-dialog" data-testid="admin-account-panel" aria-labelledby="account-title" onClose={onClose}>
      <div class="dialog__body">
        <h2 id="account-title">{t('edit.title', { name: account.displayName })}</h2>
        <p class="hint">{account.username}</p>
        {issued && <CodeBlock issued={issued} onDone={() => setIssued(null)} />}
        <form class="admin-form" onSubmit={save}>
          <div class="admin-form__grid">
            {text(t('users.name'), displayName, setDisplayName, 'displayName', LIMITS.DISPLAY_NAME_MAX, true)}
            <RoleSelect value={role} onChange={setRole} />
            {text(t('users.service'), service, setService, 'service', LIMITS.PROFILE_FIELD_MAX)}
            {text(t('users.jobTitle'), jobTitle, setJobTitle, 'jobTitle', LIMITS.PROFILE_FIELD_MAX)}
            {role === 'patient' && text(t('edit.ins'), ins, setIns, 'ins', 32)}
          </div>
          {role === 'patient' && <p class="hint">{t('edit.insHint')}</p>}
          <p class="hint">{t('edit.clearHint')}</p>
          <div class="admin-form__actions">
            <button type="submit" class="button button--primary" data-testid="admin-account-save" disabled={busy}>
              {t('edit.save')}
            </button>
          </div>
        </form>
        {status && (
          <p role="status" data-testid="admin-account-status">
            {status}
          </p>
        )}
        <h3>{t('actions.title')}</h3>
        <div class="admin-actions">
          <button
            type="button"
            class="button"
            data-testid={account.disabled ? 'admin-account-enable' : 'admin-account-disable'}
            disabled={busy}
            onClick={() =>
              void act(async () => {
                await setDisabled(account.id, !account.disabled);
                onChanged();
                loadDevices();
                return account.disabled ? t('actions.enabled') : t('actions.disabled');
              })
            }
          >
            {account.disabled ? t('actions.enable') : t('actions.disable')}
          </button>
          <button
            type="button"
            class="button"
            data-testid="admin-account-reset"
            disabled={busy}
            onClick={() =>
              void act(async () => {
                const reply = await resetPassword(account.id);
                setIssued({ name: account.displayName, username: account.username, ...reply });
                loadDevices();
                return null;
              })
            }
          >
            {t('actions.reset')}
          </button>
          <button type="button" class="button button--danger" data-testid="admin-account-delete" disabled={busy} onClick={() => setConfirmDelete(true)}>
            {t('actions.delete')}
          </button>
        </div>
        {account.role === 'patient' && <CareTeamEditor patientId={account.id} />}
        {account.role !== 'patient' && <SsoLinkSection userId={account.id} />}
        <h3>{t('devices.title')}</h3>
        {devices && devices.length === 0 && <p>{t('devices.none')}</p>}
        {devices && devices.length > 0 && (
          <ul class="dialog__list device-list">
            {devices.map((device) => (
              <li key={device.id} class="device-row" data-testid="admin-device-row">
                <span>
                  {device.label}
                  <br />
                  <small>{t('devices.since', { date: new Date(device.signedInAt).toLocaleString() })}</small>
                </span>
                <button
                  type="button"
                  class="button"
                  data-testid="admin-device-sign-out"
                  disabled={busy}
                  onClick={() =>
                    void act(async () => {
                      await signOutDevice(device.id);
                      loadDevices();
                      return t('devices.signedOut');
                    })
                  }
                >
                  {t('devices.signOut')}
                </button>
              </li>
            ))}
          </ul>
        )}
        <div class="dialog__actions">
          <button type="button" class="button" data-testid="admin-account-close" onClick={() => dialog.current?.close()}>
            {t('edit.close')}
          </button>
        </div>
      </div>
      {confirmDelete && (
        // Deleting is for good: the in-app confirmation, never the browser's confirm().
        <ConfirmDialog
          title={t('delete.title', { name: account.displayName })}
          message={t('delete.explain')}
          confirmLabel={t('delete.confirm')}
          cancelLabel={t('delete.cancel')}
          danger
          errorText={tError}
          onConfirm={async () => {
            await deleteAccount(account.id);
            onDeleted();
          }}
          onClose={() => setConfirmDelete(false)}
          testId="admin-delete-dialog"
        />
      )}
    </dialog>
  );
}
