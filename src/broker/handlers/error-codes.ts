import { kafkaErrorOf } from '../../errors/index.js';
import { ErrorCode, type ErrorName } from '../../protocol/index.js';

/**
 * The Kafka error code a client is answered with for `err`: a SluiceError's (the code table in
 * src/errors, or the finer error a StorageError names), else `fallback`. Storage reads and
 * appends fall back to KAFKA_STORAGE_ERROR, as Kafka answers any failure of a log.
 */
export function kafkaErrorCode(err: unknown, fallback: ErrorName = 'UNKNOWN_SERVER_ERROR'): number {
  return ErrorCode[kafkaErrorOf(err, fallback)];
}

/** A failed read or append of a partition's log. */
export function storageErrorCode(err: unknown): number {
  return kafkaErrorCode(err, 'KAFKA_STORAGE_ERROR');
}
