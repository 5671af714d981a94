import { rowAt, type RowMetrics } from './virtual-rows.ts';

/**
 * The DOM side of windowed rendering (`use-virtual-rows.ts`): which row is where in the scrolling
 * list, putting the viewport back where the user had it, and whether the rendered rows still cover
 * it. The list's row children carry `data-message-id`; two spacers `data-spacer="before|after"`.
 */

/** The window is re-rendered when the viewport comes this close (in viewport heights) to its edge: half the overscan. */
const MARGIN = 0.5;
/** Within this many pixels of the bottom, the list is "at the bottom" and follows new messages. */
const PIN_PX = 32;
/** The rendered rows: direct children of the list carrying their key. */
const ROW_SELECTOR = ':scope > li[data-message-id]';

/** A row and where its top was, in pixels from the top of the viewport: what must not move. */
export interface Anchor {
  key: string;
  offset: number;
}

/** What survives renders: measurements, the scroll intent, the last window rendered. */
export interface WindowState {
  resetKey: string | null | undefined;
  metrics: RowMetrics;
  /** Following the bottom (a conversation just opened, or the user scrolled down to the end). */
  pinned: boolean;
  anchor: Anchor | null;
  centerKey: string | null;
  lastKey: string | undefined;
  viewport: number;
  width: number;
  keys: readonly string[];
  start: number;
  end: number;
  settling: number;
  spacerTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * Rendering the rows in view only, without the viewport of rows above and below (a conversation's
   * first frame), until `cancelIdle`'s task renders them once the page is idle.
   */
  lean: boolean;
  cancelIdle: (() => void) | undefined;
  /** Focus was in a row that the new window leaves out: give it to the list. */
  refocus: boolean;
  observer: ResizeObserver | null;
  observed: Set<Element>;
  observedList: Element | null;
}

/**
 * Where `key` is, or -1. A scan from the end, where the rows looked for usually are: cheaper than
 * building a map of 10,000 keys on every new list (a list is replaced on each change).
 */
export function indexOfKey(keys: readonly string[], key: string | null | undefined): number {
  return key == null ? -1 : keys.lastIndexOf(key);
}

/** Where the viewport's top should be, in row coordinates: the middle row, the bottom, or the anchor. */
export function viewportTop(state: WindowState, offsets: Float64Array, viewport: number): number {
  const total = offsets[offsets.length - 1] as number;
  const centered = indexOfKey(state.keys, state.centerKey);
  if (centered >= 0) return (offsets[centered] as number) - viewport / 2;
  if (state.pinned) return total - viewport;
  const anchored = indexOfKey(state.keys, state.anchor?.key);
  if (anchored >= 0 && state.anchor) return (offsets[anchored] as number) - state.anchor.offset;
  return total - viewport;
}

/** Top of `element` in pixels from the top of the list's viewport. */
const topIn = (list: HTMLElement, element: Element): number => element.getBoundingClientRect().top - list.getBoundingClientRect().top;

/** The rows rendered now, in order. */
export function rowsOf(list: HTMLElement): HTMLElement[] {
  return [...list.querySelectorAll<HTMLElement>(ROW_SELECTOR)];
}

/** Notes which row is at the top of the viewport (and where), and whether the list is at its bottom. */
export function captureAnchor(state: WindowState, list: HTMLElement): void {
  state.pinned = list.scrollHeight - list.scrollTop - list.clientHeight <= PIN_PX;
  const listTop = list.getBoundingClientRect().top;
  for (const row of rowsOf(list)) {
    const rect = row.getBoundingClientRect();
    if (rect.bottom <= listTop) continue;
    // The first row reaching into the viewport; one starting below it means the viewport is over the spacer above.
    if (rect.top - listTop >= list.clientHeight) break;
    state.anchor = { key: row.dataset.messageId as string, offset: rect.top - listTop };
    return;
  }
  // The viewport is over a spacer (the scrollbar was dragged far): place it with the estimates.
  const spacer = list.querySelector<HTMLElement>(':scope > [data-spacer="before"]');
  const after = list.querySelector<HTMLElement>(':scope > [data-spacer="after"]');
  if (!spacer || !after || state.keys.length === 0) return;
  const offsets = state.metrics.offsets(state.keys);
  const spacerTop = topIn(list, spacer);
  const y = spacerTop + spacer.offsetHeight > 0 ? -spacerTop : (offsets[state.end] as number) - topIn(list, after);
  const row = rowAt(offsets, y);
  state.anchor = { key: state.keys[row] as string, offset: (offsets[row] as number) - y };
}

/** Puts the viewport where the intent says: the middle row, the bottom, or the anchor where it was. */
export function position(state: WindowState, list: HTMLElement, onCentered: (key: string) => void): void {
  if (state.centerKey !== null) {
    const target = list.querySelector(`:scope > [data-message-id="${CSS.escape(state.centerKey)}"]`);
    if (!target) return;
    target.scrollIntoView({ block: 'center' });
    const key = state.centerKey;
    state.centerKey = null;
    captureAnchor(state, list);
    state.pinned = false;
    onCentered(key);
    return;
  }
  if (state.pinned) {
    list.scrollTop = list.scrollHeight;
    return;
  }
  if (!state.anchor) return;
  const row = list.querySelector(`:scope > [data-message-id="${CSS.escape(state.anchor.key)}"]`);
  if (!row) return;
  const drift = topIn(list, row) - state.anchor.offset;
  if (Math.abs(drift) >= 1) list.scrollTop += drift;
}

/**
 * True when the rendered rows reach past the viewport by the margin on both sides (or reach the
 * list's ends); lean (a first frame), when they cover the viewport itself.
 */
export function domCovers(state: WindowState, list: HTMLElement): boolean {
  const rows = rowsOf(list);
  if (rows.length === 0) return state.keys.length === 0;
  const margin = state.lean ? 0 : list.clientHeight * MARGIN;
  const first = rows[0] as HTMLElement;
  const last = rows[rows.length - 1] as HTMLElement;
  const topOk = state.start === 0 || topIn(list, first) <= -margin;
  const bottomOk = state.end >= state.keys.length || topIn(list, last) + last.offsetHeight >= list.clientHeight + margin;
  return topOk && bottomOk;
}

/** The spacers' heights for the rows rendered now, from the measurements as they are (whole pixels). */
function spacerHeights(state: WindowState): { before: number; after: number } {
  const offsets = state.metrics.offsets(state.keys);
  const total = offsets[offsets.length - 1] as number;
  return { before: Math.round(offsets[state.start] as number), after: Math.round(total - (offsets[state.end] as number)) };
}

const spacerOf = (list: HTMLElement, which: 'before' | 'after'): HTMLElement | null => list.querySelector<HTMLElement>(`:scope > [data-spacer="${which}"]`);

/** True when the spacers rendered differ from what the measurements now give. */
export function spacersStale(state: WindowState, list: HTMLElement): boolean {
  const px = spacerHeights(state);
  return Math.abs((spacerOf(list, 'before')?.offsetHeight ?? 0) - px.before) > 1 || Math.abs((spacerOf(list, 'after')?.offsetHeight ?? 0) - px.after) > 1;
}

/**
 * Gives the spacers the heights the measurements now give, on the DOM itself: the rows rendered stay
 * as they are, so nothing is rendered again (the next render writes the same heights).
 */
export function resizeSpacers(state: WindowState, list: HTMLElement): void {
  const px = spacerHeights(state);
  const before = spacerOf(list, 'before');
  const after = spacerOf(list, 'after');
  if (before) before.style.height = `${px.before}px`;
  if (after) after.style.height = `${px.after}px`;
}

/** Follows the sizes of the list and of the rows rendered now; forgets the rows gone. */
export function observeRendered(state: WindowState, list: HTMLElement): void {
  const observer = state.observer;
  if (!observer) return;
  if (state.observedList !== list) {
    if (state.observedList) observer.unobserve(state.observedList);
    observer.observe(list);
    state.observedList = list;
  }
  for (const row of rowsOf(list)) {
    if (state.observed.has(row)) continue;
    observer.observe(row);
    state.observed.add(row);
  }
  for (const row of state.observed) {
    if (row.isConnected) continue;
    observer.unobserve(row);
    state.observed.delete(row);
  }
}

/** Past this, a task waiting for the page to be idle runs anyway (a page kept busy). */
const IDLE_TIMEOUT_MS = 300;

/**
 * Runs `task` once the page is idle after the frame under way; answers its cancellation. Safari has
 * no `requestIdleCallback` (TODO: use it there too once Safari ships it, https://webkit.org/b/164193):
 * a timer after the next frame.
 */
export function whenIdle(task: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback(task, { timeout: IDLE_TIMEOUT_MS });
    return () => cancelIdleCallback(handle);
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const frame = requestAnimationFrame(() => {
    timer = setTimeout(task, 0);
  });
  return () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
}
