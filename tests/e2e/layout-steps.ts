import type { Page } from 'playwright-core';

/** What the layout assertions measure on the current screen, shared by the e2e files. */

/** An interactive element smaller than a finger (44×44 CSS px), or out of reach. */
export interface TargetProblem {
  /** Its test id, accessible name or text, and tag: enough to find it. */
  label: string;
  width: number;
  height: number;
}

export interface LayoutReport {
  /** How far the page scrolls sideways (CSS px; ≤ 0 when nothing overflows). */
  overflow: number;
  /** Visible targets under 44×44 CSS px. */
  small: TargetProblem[];
  /** Visible targets whose box leaves the viewport sideways (a control that cannot be reached). */
  outside: TargetProblem[];
}

/** The interactive elements a finger aims at (a checkbox or radio is aimed at through its label). */
const TARGETS = 'button, a[href], input:not([type="hidden"]), select, textarea, [role="button"], summary, label:has(input[type="checkbox"], input[type="radio"])';

/**
 * Measures every visible interactive element of the screen (WCAG 2.5.5: 44×44 CSS px) and the page's
 * horizontal overflow. A checkbox or radio inside a label counts by the label's box (the label is the
 * target); links inside a message's text are inline (exempt by 2.5.5). `exclude`: selectors whose
 * elements are left out (another part's screen, measured by its own tests). With a modal dialog open,
 * only its content is measured (the page under it is inert).
 */
export async function measureLayout(page: Page, options: { exclude?: string[]; min?: number } = {}): Promise<LayoutReport> {
  return page.evaluate(
    ({ targets, exclude, min }) => {
      const width = window.innerWidth;
      const seen = new Set<Element>();
      const small: TargetProblem[] = [];
      const outside: TargetProblem[] = [];
      const describe = (element: Element, box: DOMRect): TargetProblem => ({
        label: [
          element.getAttribute('data-testid') ?? '',
          element.getAttribute('aria-label') ?? (element.textContent ?? '').trim().slice(0, 40),
          element.tagName.toLowerCase(),
        ]
          .filter(Boolean)
          .join(' | '),
        width: Math.round(box.width),
        height: Math.round(box.height),
      });
      // An open modal dialog makes the rest of the page inert: its content is the screen then.
      const modals = document.querySelectorAll('dialog:modal');
      const screen: ParentNode = modals.length > 0 ? modals[modals.length - 1]! : document;
      for (const found of screen.querySelectorAll(targets)) {
        const isChoice = found instanceof HTMLInputElement && (found.type === 'checkbox' || found.type === 'radio');
        const element = isChoice ? (found.closest('label') ?? found) : found;
        if (seen.has(element)) continue;
        seen.add(element);
        if (exclude.some((selector) => element.closest(selector) !== null)) continue;
        if (element.closest('.message__body')) continue;
        if (!element.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
        const box = element.getBoundingClientRect();
        // Visually hidden (1 px, a file input behind its label) or parked off-screen until focused (the skip link).
        if (box.width <= 1 || box.height <= 1 || box.right <= 0) continue;
        if (box.width < min - 0.5 || box.height < min - 0.5) small.push(describe(element, box));
        if (box.left < -0.5 || box.right > width + 0.5) outside.push(describe(element, box));
      }
      return { overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth, small, outside };
    },
    { targets: TARGETS, exclude: options.exclude ?? [], min: options.min ?? 44 },
  );
}
