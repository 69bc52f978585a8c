import { ErrorCode } from '../../protocol/index.js';
import { StorageError } from '../../storage/index.js';

/** Maps a storage failure to the Kafka error code a client understands. */
export function storageErrorCode(err: unknown): number {
  return err instanceof StorageError ? ErrorCode[err.kafkaError] : ErrorCode.KAFKA_STORAGE_ERROR;
}
