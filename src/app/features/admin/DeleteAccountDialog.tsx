import { useEffect, useRef, useState } from 'preact/hooks';
import type { AdminAccount } from '../../../shared/admin-http.ts';
import { tError } from '../../core/i18n/index.ts';
import { deleteAccount } from './admin-api.ts';
import { tAdmin as t } from './admin-i18n.ts';

/** The in-app confirmation before an account is deleted for good (never the browser's confirm()). */
export function DeleteAccountDialog({ account, onCancel, onDeleted }: { account: AdminAccount; onCancel(): void; onDeleted(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);
  const confirm = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await deleteAccount(account.id);
      onDeleted();
    } catch (failure) {
      setError(tError(failure));
      setBusy(false);
    }
  };
  return (
    <dialog ref={dialog} class="dialog" role="alertdialog" data-testid="admin-delete-dialog" aria-labelledby="delete-title" aria-describedby="delete-explain" onClose={onCancel}>
      <div class="dialog__body">
        <h2 id="delete-title">{t('delete.title', { name: account.displayName })}</h2>
        <p id="delete-explain">{t('delete.explain')}</p>
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        <div class="dialog__actions admin-dialog__actions">
          <button type="button" class="button" onClick={() => dialog.current?.close()}>
            {t('delete.cancel')}
          </button>
          <button type="button" class="button button--danger" data-testid="admin-delete-confirm" disabled={busy} onClick={() => void confirm()}>
            {t('delete.confirm')}
          </button>
        </div>
      </div>
    </dialog>
  );
}
