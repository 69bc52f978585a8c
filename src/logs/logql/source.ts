import type { LogEntry } from '../model.js';
import type { Matcher } from './ast.js';

export type Direction = 'forward' | 'backward';

/** What the evaluator asks a store for: the streams a selector names, within a time range. */
export interface SelectRequest {
  /** The stream selector; a store narrows by its label index and may return extra entries. */
  matchers: readonly Matcher[];
  /** Inclusive, Unix nanoseconds. */
  startNs: bigint;
  /** Exclusive, Unix nanoseconds. */
  endNs: bigint;
  direction: Direction;
  /** Aborted when the query stops early (cancelled, out of time): a store stops reading. */
  signal?: AbortSignal;
}

/**
 * Where log entries come from (the store over the logs topic, or an array in tests). The
 * evaluator re-checks matchers and times, so a store may skip coarsely (by partition, segment,
 * label index) and return a superset.
 */
export interface LogSource {
  select(req: SelectRequest): AsyncIterable<LogEntry>;
  /**
   * True when `select` yields entries in the requested direction's time order; log queries then
   * stop reading once `limit` entries are found. Unordered sources are read to the end.
   */
  readonly ordered?: boolean;
}

/** A source over an in-memory list: for tests, and a model of the contract. */
export function arraySource(entries: readonly LogEntry[]): LogSource {
  const sorted = [...entries].sort((a, b) =>
    a.timestampNs < b.timestampNs ? -1 : a.timestampNs > b.timestampNs ? 1 : 0,
  );
  return {
    ordered: true,
    async *select(req) {
      const list = req.direction === 'forward' ? sorted : [...sorted].reverse();
      for (const e of list) if (e.timestampNs >= req.startNs && e.timestampNs < req.endNs) yield e;
    },
  };
}
