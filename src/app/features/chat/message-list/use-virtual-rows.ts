/*
 * Why this list is windowed by hand rather than by `virtua` or `@tanstack/virtual-core` (the libraries
 * DESIGN.md names), measured for this chunk (esbuild --minify, gzip -9, Preact external as in the
 * app; see the commit that added this note):
 *
 *                                               minified     gzip   what it covers
 *   this code (virtual-rows.ts, this file,        6.2 KB   2.5 KB   everything below
 *     virtual-rows-dom.ts)
 *   @tanstack/virtual-core 3.19.11               33.2 KB   9.9 KB   geometry and measuring only
 *   virtua 0.54.2 VList + preact/compat          19.0 KB   8.5 KB   geometry, measuring, prepend (`shift`)
 *
 * Either library adds 6–7 KB gzip to the conversation chunk (~10 KB today, loaded when a conversation
 * opens, whose first paint the bench holds under 100 ms on a throttled tablet), and neither covers what
 * the e2e test tests/e2e/long-conversation.test.ts asks: virtua renders each item absolutely
 * positioned in its own wrapper, so rows are no longer `<li>` children of the `<ol>` (list semantics
 * and `aria-posinset` break), and its `shift` must be switched by hand between prepends (older pages)
 * and appends (new messages); TanStack is headless but keeps no row in place when rows are prepended,
 * so the anchoring, follow-the-bottom, Home/End and focus code (virtual-rows-dom.ts and most of this
 * file) would stay, and only the geometry (virtual-rows.ts, ~140 lines) would go. Revisit if a library
 * gains in-place prepend anchoring over plain list markup.
 */

import type { RefObject } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { RowMetrics, rowsCovering } from './virtual-rows.ts';
import { captureAnchor, domCovers, indexOfKey, observeRendered, position, resizeSpacers, rowsOf, spacersStale, viewportTop, whenIdle, type WindowState } from './virtual-rows-dom.ts';

/** Rows kept in the DOM beyond the viewport, above and below, in viewport heights. */
const OVERSCAN = 1;
/** Re-renders asked by layout in a row (measurements settling) before waiting for the next scroll. */
const SETTLE_MAX = 4;

export interface VirtualRowsOptions {
  /** The rows' keys (message ids), in display order. */
  keys: readonly string[];
  /** Another value (another conversation) starts over: measurements forgotten, at the bottom. */
  resetKey: string | null;
  /** A row to bring to the middle of the viewport (a search hit); `onCentered` once it is there. */
  centerKey: string | null;
  onCentered(key: string): void;
  /** True when the last row is one the user just sent: the list goes back to the bottom for it. */
  followLast: boolean;
}

export interface VirtualRows {
  /** Rows `[start, end)` are rendered, between spacers of `before` and `after` pixels. */
  start: number;
  end: number;
  before: number;
  after: number;
  /** Spread on the scrolling list (an `<ol>` whose row children carry `data-message-id`). */
  listProps: {
    ref: RefObject<HTMLOListElement | null>;
    onScroll(): void;
    onKeyDown(event: KeyboardEvent): void;
  };
}

/**
 * Windowed rendering of a long list that starts at its bottom (a conversation): only the rows in
 * view and one viewport above and below are in the DOM, between two spacers standing for the
 * others (a conversation's first frame holds the rows in view only, the others come once the page
 * is idle after it). Row heights are measured once shown (and followed by a ResizeObserver: images
 * load, the width changes), estimated before. The viewport follows the bottom while the user is there; else a
 * row in view keeps its place whatever is added above (older pages) or below (new messages).
 */
export function useVirtualRows(options: VirtualRowsOptions): VirtualRows {
  const listRef = useRef<HTMLOListElement>(null);
  const [, setVersion] = useState(0);
  const shared = useRef<WindowState | null>(null);
  shared.current ??= {
    resetKey: undefined,
    metrics: new RowMetrics(),
    pinned: true,
    anchor: null,
    centerKey: null,
    lastKey: undefined,
    viewport: 0,
    width: 0,
    keys: [],
    start: 0,
    end: 0,
    settling: 0,
    spacerTimer: undefined,
    lean: true,
    cancelIdle: undefined,
    refocus: false,
    observer: null,
    observed: new Set(),
    observedList: null,
  };
  const state = shared.current;
  const rerender = (): void => setVersion((version) => version + 1);
  const onCentered = useRef(options.onCentered);
  onCentered.current = options.onCentered;

  if (state.resetKey !== options.resetKey) {
    state.resetKey = options.resetKey;
    state.metrics.clear({ keepEstimate: false });
    state.pinned = true;
    state.anchor = null;
    state.lastKey = undefined;
    // Another conversation: its first frame holds the rows in view only (see `lean`).
    state.cancelIdle?.();
    state.cancelIdle = undefined;
    state.lean = true;
  }
  const { keys } = options;
  state.keys = keys;
  const lastKey = keys[keys.length - 1];
  if (lastKey !== state.lastKey) {
    if (options.followLast && state.lastKey !== undefined) state.pinned = true;
    state.lastKey = lastKey;
  }
  if (options.centerKey !== null && indexOfKey(keys, options.centerKey) >= 0) state.centerKey = options.centerKey;

  const offsets = state.metrics.offsets(keys);
  const viewport = state.viewport || (typeof innerHeight === 'number' ? innerHeight : 800);
  const top = viewportTop(state, offsets, viewport);
  const overscan = state.lean ? 0 : OVERSCAN;
  const { start, end } = rowsCovering(offsets, top - viewport * overscan, top + viewport * (1 + overscan));
  // A focused row about to leave the DOM would drop focus on <body>: the list takes it instead.
  const focused = typeof document === 'undefined' ? null : (document.activeElement?.closest?.('[data-message-id]') as HTMLElement | null);
  if (focused && listRef.current?.contains(focused)) {
    const focusedAt = indexOfKey(keys, focused.dataset.messageId);
    if (focusedAt < start || focusedAt >= end) state.refocus = true;
  }
  state.start = start;
  state.end = end;

  useLayoutEffect(() => {
    const list = listRef.current;
    if (!list) return;
    state.viewport = list.clientHeight;
    for (const [i, row] of rowsOf(list).entries()) {
      state.metrics.set(row.dataset.messageId as string, row.getBoundingClientRect().height, state.start + i);
    }
    observeRendered(state, list);
    state.metrics.settleEstimate();
    if (state.refocus) {
      state.refocus = false;
      if (!list.contains(document.activeElement)) list.focus({ preventScroll: true });
    }
    position(state, list, onCentered.current);
    // Measurements may call for other rows: render again before the next paint (Preact renders state
    // updates in a microtask) until they settle. Spacers off by what the estimate changed only move
    // the scrollbar: they are resized after this paint, on the DOM (rendering the rows again for
    // two heights cost a slow tablet ~20 ms after the conversation's first paint).
    if (!domCovers(state, list)) {
      if (state.settling < SETTLE_MAX) {
        state.settling += 1;
        rerender();
      }
      return;
    }
    state.settling = 0;
    // The conversation's first frame is painted with the rows in view only; the rows above and below
    // (and spacers from the measured heights) are rendered once the page is idle after it: on a slow
    // tablet they cost the first paint about as much as the rows in view.
    if (state.lean) {
      if (state.keys.length > 0 && state.cancelIdle === undefined) {
        state.cancelIdle = whenIdle(() => {
          state.cancelIdle = undefined;
          state.lean = false;
          rerender();
        });
      }
      return;
    }
    if (state.spacerTimer === undefined && spacersStale(state, list)) {
      state.spacerTimer = setTimeout(() => {
        state.spacerTimer = undefined;
        const current = listRef.current;
        if (!current) return;
        resizeSpacers(state, current);
        position(state, current, onCentered.current);
        if (!domCovers(state, current)) rerender();
      }, 0);
    }
  });

  useEffect(() => {
    if (typeof ResizeObserver !== 'function') return;
    const observer = new ResizeObserver((entries) => {
      const list = listRef.current;
      if (!list) return;
      let changed = false;
      for (const entry of entries) {
        const element = entry.target as HTMLElement;
        if (element === list) {
          const width = entry.contentRect.width;
          if (state.width !== 0 && Math.abs(width - state.width) >= 1) {
            // Text wraps differently: heights measured at the old width no longer hold.
            state.metrics.clear({ keepEstimate: true });
            changed = true;
          }
          state.width = width;
          state.viewport = list.clientHeight;
          continue;
        }
        const key = element.dataset.messageId;
        if (!key || !element.isConnected) continue;
        const at = state.keys.indexOf(key, state.start);
        changed = state.metrics.set(key, entry.borderBoxSize?.[0]?.blockSize ?? element.getBoundingClientRect().height, at < 0 ? undefined : at) || changed;
      }
      position(state, list, onCentered.current);
      if (changed || !domCovers(state, list)) rerender();
    });
    state.observer = observer;
    if (listRef.current) observeRendered(state, listRef.current);
    return () => {
      clearTimeout(state.spacerTimer);
      state.cancelIdle?.();
      state.cancelIdle = undefined;
      observer.disconnect();
      state.observer = null;
      state.observed.clear();
      state.observedList = null;
    };
  }, []);

  return {
    start,
    end,
    before: offsets[start] as number,
    after: (offsets[keys.length] as number) - (offsets[end] as number),
    listProps: {
      ref: listRef,
      onScroll: () => {
        const list = listRef.current;
        if (!list) return;
        state.settling = 0;
        captureAnchor(state, list);
        if (!domCovers(state, list)) rerender();
      },
      onKeyDown: (event) => {
        // End and Home scroll smoothly towards an end that moves as the rows on the way are measured,
        // and may stop short of it: go to that end (the bottom is then followed) once rendered there.
        if ((event.key !== 'End' && event.key !== 'Home') || event.altKey || event.shiftKey) return;
        const target = event.target as HTMLElement | null;
        if (target?.isContentEditable || target?.tagName === 'INPUT' || target?.tagName === 'TEXTAREA') return;
        event.preventDefault();
        const home = event.key === 'Home';
        state.pinned = !home;
        state.anchor = home && state.keys.length > 0 ? { key: state.keys[0] as string, offset: 0 } : null;
        state.settling = 0;
        if (home && listRef.current) listRef.current.scrollTop = 0;
        rerender();
      },
    },
  };
}
