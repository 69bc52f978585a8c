import { SluiceError, type SluiceErrorCode } from '../errors/index.js';
import type { ErrorName } from '../protocol/errors.js';

/** The closed set of reasons a storage operation can fail. */
export type StorageErrorReason =
  | 'CORRUPT'
  | 'OFFSET_OUT_OF_RANGE'
  | 'CLOSED'
  | 'IO'
  | 'INVALID_ARGUMENT'
  | 'BATCH_TOO_LARGE'
  | 'INVALID_CONFIG'
  | 'INVALID_TOPIC'
  | 'TOPIC_EXISTS'
  | 'UNKNOWN_TOPIC'
  | 'INVALID_PARTITIONS';

/**
 * Each reason's Sluice code and the Kafka error a handler answers with. Storage is the broker's
 * main source of errors, so its reasons name Kafka errors finer than the codes' own.
 */
const REASONS: Record<StorageErrorReason, [SluiceErrorCode, ErrorName]> = {
  CORRUPT: ['CORRUPT_DATA', 'CORRUPT_MESSAGE'],
  OFFSET_OUT_OF_RANGE: ['NOT_FOUND', 'OFFSET_OUT_OF_RANGE'],
  CLOSED: ['UNAVAILABLE', 'NOT_LEADER_OR_FOLLOWER'],
  IO: ['STORAGE', 'KAFKA_STORAGE_ERROR'],
  INVALID_ARGUMENT: ['INVALID_ARGUMENT', 'INVALID_REQUEST'],
  BATCH_TOO_LARGE: ['PAYLOAD_TOO_LARGE', 'RECORD_LIST_TOO_LARGE'],
  INVALID_CONFIG: ['INVALID_CONFIG', 'INVALID_CONFIG'],
  INVALID_TOPIC: ['INVALID_ARGUMENT', 'INVALID_TOPIC_EXCEPTION'],
  TOPIC_EXISTS: ['CONFLICT', 'TOPIC_ALREADY_EXISTS'],
  UNKNOWN_TOPIC: ['NOT_FOUND', 'UNKNOWN_TOPIC_OR_PARTITION'],
  INVALID_PARTITIONS: ['INVALID_ARGUMENT', 'INVALID_PARTITIONS'],
};

export class StorageError extends SluiceError {
  /** Why storage failed; `code` is the Sluice code it falls under. */
  readonly reason: StorageErrorReason;

  constructor(reason: StorageErrorReason, message: string, options?: { cause?: unknown }) {
    const [code, kafkaError] = REASONS[reason];
    super(code, message, { cause: options?.cause, kafkaError });
    this.reason = reason;
  }
}

export function isStorageError(err: unknown, reason?: StorageErrorReason): err is StorageError {
  return err instanceof StorageError && (reason === undefined || err.reason === reason);
}

/** Wraps a failed fs call so callers see one error type, with the original as cause. */
export function ioError(what: string, cause: unknown): StorageError {
  if (cause instanceof StorageError) return cause;
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new StorageError('IO', `${what}: ${detail}`, { cause });
}

const NO_SPACE = new Set(['ENOSPC', 'EDQUOT']);

/** True when `err` (or an error it wraps) says the filesystem is full or over quota. */
export function isOutOfSpace(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) {
    if (NO_SPACE.has((e as NodeJS.ErrnoException).code ?? '')) return true;
  }
  return false;
}

/** The errno code behind a storage failure ("ENOSPC", "EIO"), or the storage reason ("CORRUPT"). */
export function errorKind(err: unknown): string {
  for (let e = err; e instanceof Error; e = e.cause) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
  }
  return err instanceof StorageError ? err.reason : 'UNKNOWN';
}
