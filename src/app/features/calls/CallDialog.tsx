import type { ComponentChildren, RefObject } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

interface Props {
  class: string;
  testId: string;
  /** `alertdialog` for a prompt that needs an answer (the ringing call). */
  role?: 'alertdialog';
  labelledBy?: string;
  /** Ids of what describes the surface (read after its name: who calls, and for what). */
  describedBy?: string;
  label?: string;
  /** What Escape does; without it Escape does nothing (a ringing call is never dismissed silently). */
  onEscape?: () => void;
  /** What takes the focus when the surface appears (the dialog itself if absent or not rendered). */
  focus?: RefObject<HTMLElement | null>;
  data?: Record<`data-${string}`, string>;
  children: ComponentChildren;
}

/** How many call surfaces are open, and what had the focus before the first of them opened. */
let openSurfaces = 0;
let focusBefore: HTMLElement | null = null;

function surfaceOpened(): void {
  if (openSurfaces === 0) focusBefore = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null;
  openSurfaces += 1;
}

/**
 * The last call surface gone: the focus goes back where it was (in the dialog under the call, say).
 * Done by hand, not left to `close()`: Preact 11 runs unmount cleanups after the `<dialog>` has left
 * the DOM — the browser has dropped the focus to `<body>` by then and restores nothing — and a
 * surface's cleanup may come before or after the next surface opens (ringing → call window → end card).
 */
function surfaceClosed(): void {
  openSurfaces -= 1;
  if (openSurfaces > 0) return;
  const target = focusBefore;
  focusBefore = null;
  const active = document.activeElement;
  if (target?.isConnected && (active === null || active === document.body)) target.focus();
}

/**
 * A call surface (ringing prompt, call window, end card) in the browser's top layer.
 *
 * Relais's dialogs (settings, new conversation, notification centre, status, group) are native
 * `<dialog>`s opened with `showModal()`: they sit in the top layer, above any z-index, and make
 * everything outside the topmost modal dialog inert — a fixed panel with a high z-index is hidden
 * under them, and a popover shown over them is drawn but inert too (Chromium 156: taps go nowhere).
 * So each call surface is itself a modal `<dialog>`, opened with `showModal()` when it mounts, hence
 * after — above — any dialog already open; it takes the focus, and when the last one goes the
 * dialog under it is live again with its focus back (surfaceClosed).
 *
 * Escape is taken at `keydown` (cancelling it means no close request at all) and does `onEscape` or
 * nothing. Were it left to `cancel`: Chromium lets a page refuse `cancel` only once without a user
 * activation (its close-watcher abuse rule), and a dialog opened without one (a call rings from a
 * WebSocket frame) is grouped with the dialog under it, so the next Escape would close both — the
 * settings under a ringing call lost. Other close requests (Android's back button) still reach
 * `cancel`: a surface still mounted is then opened again at once.
 */
export function CallDialog(props: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const onEscape = useRef(props.onEscape);
  onEscape.current = props.onEscape;
  const focus = useRef(props.focus);
  focus.current = props.focus;

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    let mounted = true;
    const open = (): void => {
      if (!element.open) element.showModal();
      (focus.current?.current ?? element).focus();
    };
    const reopen = (): void => {
      if (mounted && element.isConnected) open();
    };
    surfaceOpened();
    open();
    element.addEventListener('close', reopen);
    return () => {
      mounted = false;
      element.removeEventListener('close', reopen);
      if (element.open) element.close();
      surfaceClosed();
    };
  }, []);

  return (
    <dialog
      ref={dialog}
      class={`call-dialog ${props.class}`}
      role={props.role}
      aria-labelledby={props.labelledBy}
      aria-describedby={props.describedBy}
      aria-label={props.label}
      data-testid={props.testId}
      tabIndex={-1}
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        event.preventDefault();
        onEscape.current?.();
      }}
      onCancel={(event) => {
        event.preventDefault();
        onEscape.current?.();
      }}
      {...props.data}
    >
      {props.children}
    </dialog>
  );
}
