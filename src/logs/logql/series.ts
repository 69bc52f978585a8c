/** Values on the evaluation grid: one sample slot per step, NaN where a series has no sample. */

export interface Grid {
  startNs: bigint;
  stepNs: bigint;
  /** Number of steps (1 for an instant query). */
  count: number;
}

export interface Series {
  labels: Record<string, string>;
  values: Float64Array;
}

/** What a metric expression evaluates to: a plain number, or series keyed by their label set. */
export type Value = { kind: 'scalar'; value: number } | { kind: 'series'; series: Map<string, Series> };

export function emptyValues(grid: Grid): Float64Array {
  return new Float64Array(grid.count).fill(Number.NaN);
}

export function stepTimeNs(grid: Grid, k: number): bigint {
  return grid.startNs + grid.stepNs * BigInt(k);
}
