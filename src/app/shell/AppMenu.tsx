import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../core/i18n/index.ts';

/**
 * The app bar's secondary actions (status, language, settings, change user, sign-out). From 1024 px
 * they sit in the bar and the "Menu" button is hidden (CSS); below, that button discloses them in a
 * panel under the bar. A disclosure: `aria-expanded` on the button; Escape closes and gives the focus
 * back; a tap outside, or on an action, closes it.
 */
export function AppMenu({ children }: { children: ComponentChildren }) {
  const [open, setOpen] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent): void => {
      const target = event.target as Node;
      if (!panel.current?.contains(target) && !toggle.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    // Widened past the breakpoint (a tablet turned), the actions move into the bar: the panel closes,
    // or its colours (for a panel on white) would stay on them over the bar's.
    const widened = new ResizeObserver(() => {
      if (toggle.current?.offsetParent === null) setOpen(false);
    });
    if (toggle.current) widened.observe(toggle.current);
    return () => {
      document.removeEventListener('pointerdown', onPointerDown);
      widened.disconnect();
    };
  }, [open]);
  const close = (): void => {
    setOpen(false);
    toggle.current?.focus();
  };
  return (
    <>
      <button
        ref={toggle}
        type="button"
        class="button button--ghost app-menu__toggle"
        data-testid="open-menu"
        aria-expanded={open}
        aria-controls="app-menu"
        onClick={() => setOpen(!open)}
      >
        <svg aria-hidden="true" viewBox="0 0 24 24" width="24" height="24">
          <path fill="currentColor" d="M3 6h18v2H3zm0 5h18v2H3zm0 5h18v2H3z" />
        </svg>
        <span class="app-menu__label">{t('header.menu')}</span>
      </button>
      <div
        ref={panel}
        id="app-menu"
        class={`app-header__more${open ? ' app-header__more--open' : ''}`}
        data-testid="app-menu"
        onKeyDown={(event) => {
          if (open && event.key === 'Escape') close();
        }}
        onClick={(event) => {
          // An action was chosen: the panel folds away (its dialog, if any, takes the focus).
          if (open && (event.target as Element).closest('button')) setOpen(false);
        }}
      >
        {children}
      </div>
    </>
  );
}
