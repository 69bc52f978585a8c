// The figure of a side over its rounds: the median, with half the range between rounds as its
// spread, so one noisy round on a shared machine shows instead of hiding in an average.

export interface Median {
  value: number;
  /** Half the range between rounds, relative to the median. */
  spread: number;
  rounds: number;
}

export function median(values: readonly number[]): Median | undefined {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const mid = Math.floor(v.length / 2);
  const value = v.length % 2 === 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  const spread = value === 0 ? 0 : (v[v.length - 1] - v[0]) / 2 / Math.abs(value);
  return { value, spread, rounds: v.length };
}

/** `12,345 ±3%` (the spread only over more than one round); `—` when not measured. */
export function formatMedian(m: Median | undefined, digits: number): string {
  if (m === undefined) return '—';
  const value = m.value.toLocaleString('en-US', {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
  return m.rounds > 1 ? `${value} ±${Math.round(m.spread * 100)}%` : value;
}
