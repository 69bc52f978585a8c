import type { ErrorName } from '../protocol/index.js';
import { ERROR_CODES, type SluiceErrorCode } from './codes.js';

export interface SluiceErrorOptions {
  /** How to fix it, for the person reading the error. */
  hint?: string;
  /** Where it went wrong (a position in a query, a config key); sent to HTTP clients as is. */
  details?: Readonly<Record<string, unknown>>;
  cause?: unknown;
  /** A Kafka error more precise than the code's own (UNKNOWN_TOPIC_OR_PARTITION for NOT_FOUND). */
  kafkaError?: ErrorName;
}

/**
 * Every error Sluice throws on purpose: a code from a closed set (which fixes the HTTP status and
 * the Kafka error), a message saying what was wrong, and optionally how to fix it. Components
 * subclass it with a fixed code where callers need `instanceof`.
 */
export class SluiceError extends Error {
  readonly code: SluiceErrorCode;
  readonly hint?: string;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly kafkaError: ErrorName;

  constructor(code: SluiceErrorCode, message: string, options: SluiceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    if (options.hint !== undefined) this.hint = options.hint;
    if (options.details !== undefined) this.details = options.details;
    this.kafkaError = options.kafkaError ?? ERROR_CODES[code].kafka;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }
}

export function isSluiceError(err: unknown, code?: SluiceErrorCode): err is SluiceError {
  return err instanceof SluiceError && (code === undefined || err.code === code);
}

/** What a client may be told about anything else: INTERNAL, with no message or stack of the original. */
export const INTERNAL_MESSAGE = 'internal error; the server log has the details';

/** Ours as they are; anything else becomes INTERNAL with a generic message, the original as cause. */
export function toSluiceError(err: unknown): SluiceError {
  if (err instanceof SluiceError) return err;
  return new SluiceError('INTERNAL', INTERNAL_MESSAGE, { cause: err });
}

/** The Kafka error name to answer with; `fallback` for errors that are not ours. */
export function kafkaErrorOf(err: unknown, fallback: ErrorName = 'UNKNOWN_SERVER_ERROR'): ErrorName {
  return err instanceof SluiceError ? err.kafkaError : fallback;
}

/** An error's message without its stack, for a log line. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
