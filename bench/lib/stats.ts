/** Median of numbers (0 for none). */
export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** "median (min–max)" of repeated measurements, rounded for a table. */
export function spread(values: number[], digits = 0): string {
  if (values.length === 0) return '—';
  const f = (v: number) => v.toFixed(digits);
  if (values.length === 1) return f(values[0] as number);
  return `${f(median(values))} (${f(Math.min(...values))}–${f(Math.max(...values))})`;
}
