import { useId, useRef, useState } from 'preact/hooks';
import { useModalDialog } from './modal-dialog.ts';

export interface ConfirmDialogProps {
  title: string;
  /** What will happen (the dialog's description). */
  message: string;
  /** The action's button; without it the dialog only informs (one button, `cancelLabel`). */
  confirmLabel?: string;
  /** The safe button: it has the focus when the dialog opens. */
  cancelLabel: string;
  /** A destructive action: its button in the danger colour. */
  danger?: boolean;
  /**
   * Runs the action. The dialog waits for it (its button disabled), then closes; a failure stays in the
   * dialog, said by `errorText`.
   */
  onConfirm?: () => Promise<void> | void;
  /** The dialog goes: cancelled (button, Escape) or the action done. */
  onClose: () => void;
  /** The sentence for a failure of `onConfirm` (the caller's catalogue: this component has none). */
  errorText?: (error: unknown) => string;
  /** Who opened it, when the focus is no longer there as it mounts (a lazily loaded dialog). */
  opener?: HTMLElement | null;
  testId?: string;
}

/**
 * The in-app confirmation (never the browser's `confirm()` or `alert()`): a modal `alertdialog` named
 * by its title and described by its message, the focus on the safe button, Escape cancels, the focus
 * goes back to the opener. Its words come from the caller, so any chunk may use it without bringing a
 * catalogue along.
 */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const id = useId();
  useModalDialog(dialog, { onCancel: () => !busy && props.onClose(), initialFocus: cancel, opener: props.opener ?? null });
  const confirm = async (): Promise<void> => {
    setBusy(true);
    setFailure(null);
    try {
      await props.onConfirm?.();
      props.onClose();
    } catch (error) {
      setFailure(props.errorText ? props.errorText(error) : String(error));
      setBusy(false);
    }
  };
  return (
    <dialog
      ref={dialog}
      class="dialog confirm-dialog"
      role="alertdialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-message`}
      data-testid={props.testId ?? 'confirm-dialog'}
    >
      <div class="dialog__body">
        <h2 id={`${id}-title`} class="dialog__title">
          {props.title}
        </h2>
        <p id={`${id}-message`}>{props.message}</p>
        {failure !== null && (
          <p role="alert" class="error" data-testid="confirm-error">
            {failure}
          </p>
        )}
        <div class="dialog__actions confirm-dialog__actions">
          <button ref={cancel} type="button" class="button" data-testid="confirm-cancel" disabled={busy} onClick={props.onClose}>
            {props.cancelLabel}
          </button>
          {props.confirmLabel !== undefined && (
            <button
              type="button"
              class={props.danger ? 'button button--danger-solid' : 'button button--primary'}
              data-testid="confirm-accept"
              disabled={busy}
              onClick={() => void confirm()}
            >
              {props.confirmLabel}
            </button>
          )}
        </div>
      </div>
    </dialog>
  );
}
