import { RepeatThrottle } from './repeat-throttle.js';
import { errorText } from './sluice-error.js';

/** The two pino levels errors are logged at; a pino Logger is one. */
export interface ErrorLogSink {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/**
 * Logs errors that repeat per request or per retry (a full disk rejects every produce, a broker
 * that is down fails every read): the first of each key, then at most one per interval, and that
 * one says how many were held back since (`suppressed`). One line, the error's message, no
 * stack trace: the first occurrence is enough to find the bug, 2,000 copies only fill the disk.
 */
export class RateLimitedLog {
  readonly #throttle: RepeatThrottle;

  constructor(
    private readonly sink: ErrorLogSink,
    readonly intervalMs = 10_000,
    now: () => number = Date.now,
  ) {
    this.#throttle = new RepeatThrottle(intervalMs, now);
  }

  /** Logs `message` with `err`'s text unless `key` was logged less than an interval ago; true if logged. */
  warn(key: string, err: unknown, message: string, fields: Record<string, unknown> = {}): boolean {
    return this.#log('warn', key, err, message, fields);
  }

  error(key: string, err: unknown, message: string, fields: Record<string, unknown> = {}): boolean {
    return this.#log('error', key, err, message, fields);
  }

  #log(
    level: 'warn' | 'error',
    key: string,
    err: unknown,
    message: string,
    fields: Record<string, unknown>,
  ): boolean {
    const suppressed = this.#throttle.admit(key);
    if (suppressed === undefined) return false;
    this.sink[level]({ ...fields, error: errorText(err), suppressed }, message);
    return true;
  }
}
