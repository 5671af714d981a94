import { describe, expect, it } from 'vitest';
import { DEFAULT_ROW_PX, RowMetrics, rowAt, rowsCovering } from '../../../../../../src/app/features/chat/message-list/virtual-rows.ts';

const keys = (count: number, from = 0): string[] => Array.from({ length: count }, (_, i) => `m${from + i}`);

describe('RowMetrics', () => {
  it('places rows never shown at the default height, measured ones at theirs', () => {
    const metrics = new RowMetrics();
    expect(metrics.set('m1', 120)).toBe(true);
    expect(metrics.set('m1', 120.2)).toBe(false);
    const offsets = metrics.offsets(keys(3));
    expect([...offsets]).toEqual([0, DEFAULT_ROW_PX, DEFAULT_ROW_PX + 120.2, 2 * DEFAULT_ROW_PX + 120.2]);
  });

  it('settles the estimate once, from the first rows measured', () => {
    const metrics = new RowMetrics();
    metrics.set('m0', 40);
    metrics.set('m1', 60);
    metrics.settleEstimate();
    expect(metrics.height('m9')).toBe(50);
    metrics.set('m2', 500);
    metrics.settleEstimate();
    expect(metrics.height('m9')).toBe(50);
  });

  it('forgets measurements on clear, keeping the estimate when asked (a new width)', () => {
    const metrics = new RowMetrics();
    metrics.set('m0', 40);
    metrics.settleEstimate();
    metrics.set('m1', 90);
    metrics.clear({ keepEstimate: true });
    expect(metrics.has('m1')).toBe(false);
    expect(metrics.height('m1')).toBe(40);
    metrics.clear({ keepEstimate: false });
    expect(metrics.height('m1')).toBe(DEFAULT_ROW_PX);
  });

  it('patches the offsets of the same list when a row at a known index is measured', () => {
    const metrics = new RowMetrics();
    const list = keys(1_000);
    metrics.offsets(list);
    expect(metrics.set('m500', DEFAULT_ROW_PX + 40, 500)).toBe(true);
    expect(metrics.set('m10', DEFAULT_ROW_PX - 12, 10)).toBe(true);
    const patched = [...metrics.offsets(list)];
    const rebuilt = [...new RowMetrics().offsets(list)].map((y, i) => y + (i > 500 ? 40 : 0) - (i > 10 ? 12 : 0));
    expect(patched).toEqual(rebuilt);
    // Measured at an index that does not hold that key (the list changed): rebuilt from the map.
    metrics.set('m20', 10, 999);
    expect(metrics.offsets(list)[21]).toBe((patched[21] as number) - DEFAULT_ROW_PX + 10);
  });

  it('keeps the offsets of rows already there when older rows are prepended', () => {
    const metrics = new RowMetrics();
    for (const key of keys(5, 100)) metrics.set(key, 30);
    const before = metrics.offsets(keys(5, 100));
    const after = metrics.offsets([...keys(50, 50), ...keys(5, 100)]);
    // Row m102 moved down by the 50 rows added above it, and nothing else changed.
    expect((after[52] as number) - (before[2] as number)).toBe(50 * DEFAULT_ROW_PX);
    expect((after[55] as number) - (after[52] as number)).toBe((before[5] as number) - (before[2] as number));
  });
});

describe('rowAt() and rowsCovering()', () => {
  const metrics = new RowMetrics();
  const ten = keys(10);
  ten.forEach((key, i) => metrics.set(key, 10 + i)); // heights 10, 11, …, 19
  const offsets = metrics.offsets(ten);

  it('finds the row under a point, clamped to the list', () => {
    expect(rowAt(offsets, 0)).toBe(0);
    expect(rowAt(offsets, 9.9)).toBe(0);
    expect(rowAt(offsets, 10)).toBe(1);
    expect(rowAt(offsets, -50)).toBe(0);
    expect(rowAt(offsets, 10_000)).toBe(9);
    expect(rowAt(new Float64Array(1), 5)).toBe(0);
  });

  it('gives the rows that cover a band, and only those', () => {
    // Rows 2 (21–33) to 4 (46–60): the band 25–50.
    expect(rowsCovering(offsets, 25, 50)).toEqual({ start: 2, end: 5 });
    expect(rowsCovering(offsets, -100, 5)).toEqual({ start: 0, end: 1 });
    expect(rowsCovering(offsets, 140, 10_000)).toEqual({ start: 9, end: 10 });
    expect(rowsCovering(new Float64Array(1), 0, 100)).toEqual({ start: 0, end: 0 });
  });

  it('renders a bounded window of a 10,000-row list, at its bottom', () => {
    const many = keys(10_000);
    const big = new RowMetrics().offsets(many);
    const total = big[10_000] as number;
    const viewport = 600;
    const { start, end } = rowsCovering(big, total - 2 * viewport, total + viewport);
    expect(end).toBe(10_000);
    expect(end - start).toBeLessThanOrEqual(Math.ceil((2 * viewport) / DEFAULT_ROW_PX) + 1);
  });
});
