/**
 * The first screen a person waits for at start — the conversation list, or the sign-in or lock
 * screen — painted before the work that can wait: the conversation pane's chunk, auto-lock's and the
 * notifications' features, prompts. On a slow tablet that work, begun at once, held the list's first
 * paint back (docs/PERFORMANCE.md, "cold start offline").
 */

/** Longest wait: past it, the deferred work starts whatever the screen (a stalled service worker). */
export const FIRST_SCREEN_MAX_MS = 2_000;

let done: () => void = () => undefined;
/** Resolves once the first screen was painted (or FIRST_SCREEN_MAX_MS after the page started). */
export const firstScreen = new Promise<void>((resolve) => {
  done = resolve;
});
if (typeof setTimeout === 'function') setTimeout(() => done(), FIRST_SCREEN_MAX_MS);

/** The first screen is rendered: the deferred work starts after the frame that shows it. */
export function firstScreenRendered(): void {
  if (typeof requestAnimationFrame !== 'function') {
    done();
    return;
  }
  // The frame's callbacks run before it is produced; the timer after it.
  requestAnimationFrame(() => setTimeout(() => done(), 0));
}
