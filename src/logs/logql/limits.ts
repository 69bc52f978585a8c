import { SluiceError } from '../../errors/index.js';
import { LogQLEvalError } from './errors.js';

/** What one query may use; the defaults are Loki's (`limits_config`). */
export interface QueryLimits {
  /** Wall-clock time a query may take (Loki `query_timeout`, 1m). */
  timeoutMs: number;
  /** Largest `limit` of a log query (Loki `max_entries_limit_per_query`, 5000). */
  maxEntries: number;
  /** Most series a metric query may hold (Loki `max_query_series`, 500). */
  maxSeries: number;
  /** Bytes of lines a query may read; 0 for no limit (Loki `max_query_bytes_read`, off by default). */
  maxBytesRead: number;
  /** Bytes of lines a log query may hold for its answer (ours: Loki has no such bound). */
  maxBytesHeld: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  timeoutMs: 60_000,
  maxEntries: 5000,
  maxSeries: 500,
  maxBytesRead: 0,
  maxBytesHeld: 64 * 1024 * 1024,
};

/** A query that ran out of time: HTTP 504 with Loki's text. */
export class LogQLTimeoutError extends SluiceError {
  constructor() {
    super(
      'TIMEOUT',
      'request timed out, decrease the duration of the request or add more label matchers ' +
        '(prefer exact match over regex match) to reduce the amount of data processed',
    );
  }
}

/** A query whose client went away (HTTP 499 in Loki); nobody reads the answer. */
export class LogQLCanceledError extends SluiceError {
  constructor() {
    super('CANCELED', 'the request was cancelled by the client');
  }
}

/** The event loop is given back after this much work, so health checks and pushes stay answered. */
const SLICE_MS = 10;
/** The clock is read once per this many entries. */
const CHECK_EVERY = 64;

export interface QueryContextOptions {
  /** Aborted when the client goes away (or a tail closes): the query stops at its next check. */
  signal?: AbortSignal;
  /** Milliseconds, monotonic; tests inject one. */
  now?: () => number;
}

function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)}${units[i]}`;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * One query's budget: its deadline, cancellation, and the bytes it reads and holds. Evaluators
 * call `read` per entry; every ~10 ms of work it yields to the event loop, so a long scan shares
 * the process with everything else.
 */
export class QueryContext {
  readonly limits: QueryLimits;
  readonly signal?: AbortSignal;
  private readonly now: () => number;
  private readonly deadline: number;
  private sliceStart: number;
  private sinceCheck = 0;
  private bytesRead = 0;

  constructor(limits: QueryLimits = DEFAULT_QUERY_LIMITS, options: QueryContextOptions = {}) {
    this.limits = limits;
    this.signal = options.signal;
    this.now = options.now ?? (() => performance.now());
    this.sliceStart = this.now();
    this.deadline = this.sliceStart + limits.timeoutMs;
  }

  /** Throws when the query is cancelled or out of time. */
  check(): void {
    if (this.signal?.aborted) throw new LogQLCanceledError();
    if (this.now() >= this.deadline) throw new LogQLTimeoutError();
  }

  /** Milliseconds left before the deadline. */
  remainingMs(): number {
    return Math.max(0, this.deadline - this.now());
  }

  /**
   * Counts an entry of `bytes` read. Returns a promise (to await) when it is time to yield to the
   * event loop, else undefined, so the common case costs no await.
   */
  read(bytes: number): Promise<void> | undefined {
    this.bytesRead += bytes;
    const max = this.limits.maxBytesRead;
    if (max > 0 && this.bytesRead > max) {
      throw new LogQLEvalError(
        `the query would read too many bytes (query: ${formatBytes(this.bytesRead)}+, limit: ${formatBytes(max)}); ` +
          'consider adding more specific stream selectors or reduce the time range of the query',
      );
    }
    if (++this.sinceCheck < CHECK_EVERY) return undefined;
    this.sinceCheck = 0;
    this.check();
    if (this.now() - this.sliceStart < SLICE_MS) return undefined;
    return this.pause();
  }

  private async pause(): Promise<void> {
    await yieldToLoop();
    this.sliceStart = this.now();
    this.check();
  }

  /** A log query's `limit` within `max_entries_limit_per_query`. */
  checkEntriesLimit(limit: number): void {
    if (limit > this.limits.maxEntries) {
      throw new LogQLEvalError(
        `max entries limit per query exceeded, limit > max_entries_limit_per_query (${limit} > ${this.limits.maxEntries})`,
      );
    }
  }

  /** Called as a metric query adds its n-th series. */
  checkSeries(count: number): void {
    if (count > this.limits.maxSeries) {
      throw new LogQLEvalError(
        `maximum number of series (${this.limits.maxSeries}) reached for a single query; consider reducing query ` +
          'cardinality by adding more specific stream selectors, reducing the time range, or aggregating results ' +
          'with functions like sum(), count() or topk()',
      );
    }
  }

  /** Called as a log query's kept lines grow to `bytes`. */
  checkHeld(bytes: number): void {
    if (bytes > this.limits.maxBytesHeld) {
      throw new LogQLEvalError(
        `the query would return too many bytes of lines (more than ${formatBytes(this.limits.maxBytesHeld)}); ` +
          'lower the limit, add line filters or reduce the time range of the query',
      );
    }
  }
}
