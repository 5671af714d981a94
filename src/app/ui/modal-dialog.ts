import type { RefObject } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/**
 * Where the focus goes back when a dialog closes: its opener if it can still take it; when the opener
 * was folded away with the panel that held it (the app bar's "Menu" on a phone), the button that
 * discloses that panel (`aria-controls`); else nowhere.
 */
export function focusReturnTarget(opener: HTMLElement | null): HTMLElement | null {
  if (!opener?.isConnected) return null;
  if (opener.checkVisibility()) return opener;
  for (let node = opener.parentElement; node; node = node.parentElement) {
    if (!node.id) continue;
    const toggle = document.querySelector<HTMLElement>(`[aria-controls="${CSS.escape(node.id)}"]`);
    if (toggle?.checkVisibility()) return toggle;
  }
  return null;
}

export interface ModalDialogOptions {
  /** Escape (or Android's back button): the dialog asks its owner to go. */
  onCancel: () => void;
  /** What takes the focus once open (the browser's choice, the first focusable element, otherwise). */
  initialFocus?: RefObject<HTMLElement | null>;
  /** Who opened the dialog, when it is not what has the focus as it mounts (a lazily loaded dialog). */
  opener?: HTMLElement | null;
}

/**
 * A native `<dialog>` opened with `showModal()` as it mounts: the browser's top layer (above any
 * z-index, everything else inert; a call surface opened later still goes above it), focus kept
 * inside, Escape turned into `onCancel`. When it unmounts, the focus goes back to its opener — by
 * hand: Preact runs the cleanup after the `<dialog>` has left the DOM, when the browser has already
 * dropped the focus to `<body>` and restores nothing (see calls/CallDialog.tsx).
 */
export function useModalDialog(dialog: RefObject<HTMLDialogElement | null>, options: ModalDialogOptions): void {
  const current = useRef(options);
  current.current = options;
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    const active = document.activeElement;
    const opener = current.current.opener ?? (active instanceof HTMLElement && active !== document.body ? active : null);
    const onCancel = (event: Event): void => {
      event.preventDefault();
      current.current.onCancel();
    };
    element.addEventListener('cancel', onCancel);
    if (!element.open) element.showModal();
    current.current.initialFocus?.current?.focus();
    return () => {
      element.removeEventListener('cancel', onCancel);
      if (element.open) element.close();
      const focused = document.activeElement;
      if (focused === null || focused === document.body || !focused.isConnected) focusReturnTarget(opener)?.focus();
    };
  }, []);
}
