import { useEffect, useRef } from 'preact/hooks';
import { statusDialogOpen } from './availability.ts';
import { tStatus as t } from './status-i18n.ts';
import { StatusForm } from './StatusForm.tsx';

/** The status picker opened from the app bar (loaded on demand). */
export function StatusDialog() {
  const dialog = useRef<HTMLDialogElement>(null);
  const close = (): void => {
    statusDialogOpen.value = false;
  };
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);
  return (
    <dialog
      ref={dialog}
      class="dialog"
      aria-label={t('status.title')}
      data-testid="status-dialog"
      onCancel={(event) => {
        event.preventDefault();
        close();
      }}
    >
      <div class="dialog__body">
        <StatusForm />
        <div class="dialog__actions">
          <button type="button" class="button button--ghost" data-testid="status-close" onClick={close}>
            {t('status.cancel')}
          </button>
        </div>
      </div>
    </dialog>
  );
}
