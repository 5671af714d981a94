/**
 * Geometry of a windowed list (the open conversation's messages): row heights, measured once a row
 * has been shown and estimated until then, and which rows cover a band of the scroll area. Pure, so
 * the unit tests hold it; `use-virtual-rows.ts` applies it to the DOM.
 *
 *   scroll area ┌──────────────┐ ─┐
 *               │ header rows  │  │ always rendered ("Messages précédents")
 *               ├──────────────┤ ─┤ y = 0 in row coordinates
 *               │ spacer       │  │ offsets[start] px: rows above, not in the DOM
 *               ├──────────────┤  │
 *   viewport ─▶ │ rows start…  │  │ rendered, measured
 *               │   …end - 1   │  │
 *               ├──────────────┤  │
 *               │ spacer       │  │ offsets[n] - offsets[end] px: rows below
 *               └──────────────┘ ─┘
 */

/** Height given to a row never shown, until the first rows of a list are measured. */
export const DEFAULT_ROW_PX = 72;

/**
 * Heights of rows by key (message id): measured ones, and one estimate for the others. The offsets
 * of one list of keys are kept between calls and patched when a row at a known index is measured:
 * reading 10,000 heights out of a map costs milliseconds on a slow tablet, adding floats does not.
 */
export class RowMetrics {
  readonly #measured = new Map<string, number>();
  #estimate = DEFAULT_ROW_PX;
  #estimated = false;
  /** The list the arrays below describe (null: rebuild on the next `offsets()`). */
  #keys: readonly string[] | null = null;
  /** Measured heights of `#keys`, NaN where the estimate applies (so a new estimate costs no lookup). */
  #heights = new Float64Array(0);
  #offsets = new Float64Array(1);
  /** Offsets from this index on must be summed again. */
  #dirtyFrom = 0;

  /** The height of row `key`: measured, or the estimate. */
  height(key: string): number {
    return this.#measured.get(key) ?? this.#estimate;
  }

  /** True when `key` was measured since the last `clear()`. */
  has(key: string): boolean {
    return this.#measured.has(key);
  }

  /**
   * Records a measured height; true when it differs (by half a pixel or more) from what was assumed.
   * `index`: where the row is in the list last given to `offsets()`, when known.
   */
  set(key: string, px: number, index?: number): boolean {
    const before = this.height(key);
    this.#measured.set(key, px);
    if (Math.abs(before - px) < 0.5) return false;
    if (index !== undefined && this.#keys?.[index] === key) {
      this.#heights[index] = px;
      this.#dirtyFrom = Math.min(this.#dirtyFrom, index + 1);
    } else {
      this.#keys = null;
    }
    return true;
  }

  /**
   * Fixes the estimate from the first rows measured (their mean), once per list: an estimate that
   * moved with every measurement would resize the spacers, and move the scroll position, at each one.
   */
  settleEstimate(): void {
    if (this.#estimated || this.#measured.size === 0) return;
    let sum = 0;
    for (const px of this.#measured.values()) sum += px;
    this.#estimate = sum / this.#measured.size;
    this.#estimated = true;
    this.#dirtyFrom = 0;
  }

  /** Forgets the measured heights (another list, or another width: text wraps differently). */
  clear(options: { keepEstimate: boolean }): void {
    this.#measured.clear();
    this.#keys = null;
    this.#dirtyFrom = 0;
    if (!options.keepEstimate) {
      this.#estimate = DEFAULT_ROW_PX;
      this.#estimated = false;
    }
  }

  /**
   * `offsets[i]`: the top of row i; `offsets[keys.length]`: the height of all the rows. The array is
   * the metrics' own and changes with later measurements: read it, do not keep it.
   */
  offsets(keys: readonly string[]): Float64Array {
    if (keys !== this.#keys) {
      this.#keys = keys;
      this.#heights = new Float64Array(keys.length);
      this.#offsets = new Float64Array(keys.length + 1);
      for (let i = 0; i < keys.length; i++) this.#heights[i] = this.#measured.get(keys[i] as string) ?? Number.NaN;
      this.#dirtyFrom = 0;
    }
    const heights = this.#heights;
    const offsets = this.#offsets;
    const estimate = this.#estimate;
    const at = (i: number): number => {
      const px = heights[i] as number;
      return Number.isNaN(px) ? estimate : px;
    };
    if (this.#dirtyFrom <= keys.length) {
      let y = this.#dirtyFrom === 0 ? 0 : (offsets[this.#dirtyFrom - 1] as number) + at(this.#dirtyFrom - 1);
      for (let i = this.#dirtyFrom; i < keys.length; i++) {
        offsets[i] = y;
        y += at(i);
      }
      offsets[keys.length] = y;
      this.#dirtyFrom = keys.length + 1;
    }
    return offsets;
  }
}

/** The index of the row at `y` (row coordinates), clamped to the rows there are; 0 for an empty list. */
export function rowAt(offsets: Float64Array, y: number): number {
  const count = offsets.length - 1;
  if (count <= 0) return 0;
  let low = 0;
  let high = count - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((offsets[mid] as number) <= y) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** Rows `[start, end)` that cover the band `[top, bottom)` (row coordinates), at least one when any. */
export function rowsCovering(offsets: Float64Array, top: number, bottom: number): { start: number; end: number } {
  const count = offsets.length - 1;
  if (count <= 0) return { start: 0, end: 0 };
  const start = rowAt(offsets, Math.max(0, top));
  const last = rowAt(offsets, Math.max(0, bottom - 0.01));
  return { start, end: Math.max(start, last) + 1 };
}
