import type { ErrorName } from '../protocol/errors.js';

/** The closed set of reasons a storage operation can fail. */
export type StorageErrorCode =
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

/** The Kafka error a handler should answer with for each storage failure. */
const KAFKA_ERRORS: Record<StorageErrorCode, ErrorName> = {
  CORRUPT: 'CORRUPT_MESSAGE',
  OFFSET_OUT_OF_RANGE: 'OFFSET_OUT_OF_RANGE',
  CLOSED: 'NOT_LEADER_OR_FOLLOWER',
  IO: 'KAFKA_STORAGE_ERROR',
  INVALID_ARGUMENT: 'INVALID_REQUEST',
  BATCH_TOO_LARGE: 'RECORD_LIST_TOO_LARGE',
  INVALID_CONFIG: 'INVALID_CONFIG',
  INVALID_TOPIC: 'INVALID_TOPIC_EXCEPTION',
  TOPIC_EXISTS: 'TOPIC_ALREADY_EXISTS',
  UNKNOWN_TOPIC: 'UNKNOWN_TOPIC_OR_PARTITION',
  INVALID_PARTITIONS: 'INVALID_PARTITIONS',
};

export class StorageError extends Error {
  override readonly name = 'StorageError';
  readonly code: StorageErrorCode;

  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** Name of the Kafka protocol error this failure maps to. */
  get kafkaError(): ErrorName {
    return KAFKA_ERRORS[this.code];
  }
}

export function isStorageError(err: unknown, code?: StorageErrorCode): err is StorageError {
  return err instanceof StorageError && (code === undefined || err.code === code);
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

/** The errno code behind a storage failure ("ENOSPC", "EIO"), or the storage code ("CORRUPT"). */
export function errorKind(err: unknown): string {
  for (let e = err; e instanceof Error; e = e.cause) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
  }
  return err instanceof StorageError ? err.code : 'UNKNOWN';
}
