// The storage layer's public API: durable partition logs and the topics that own them.

export type { StorageIo } from './file-io.js';
export { defaultIo } from './file-io.js';
export type { CleanupPolicy, LogConfig } from './log-config.js';
export {
  DEFAULT_LOG_CONFIG,
  INT32_MAX,
  MAX_TIMER_MS,
  MIN_SEGMENT_BYTES,
  validateLogConfig,
} from './log-config.js';
export type { LogManagerOptions, StartReport, TopicInfo } from './log-manager.js';
export { LogManager } from './log-manager.js';
export type { ReadResult } from './log-reader.js';
export type { AppendResult, LogOptions, OpenReport, SegmentInfo } from './partition-log.js';
export { PartitionLog } from './partition-log.js';
export type { ReadBuffers } from './read-buffers.js';
export { ReadBufferPool, ReadLease } from './read-buffers.js';
export type { StorageErrorReason } from './storage-error.js';
export { errorKind, isOutOfSpace, isStorageError, StorageError } from './storage-error.js';
export type { TopicConfigEntry, TopicConfigType } from './topic-config.js';
export {
  describeTopicConfigs,
  isKnownTopicConfig,
  logConfigFor,
  validateTopicConfigs,
} from './topic-config.js';
export { MAX_TOPIC_NAME_LENGTH, validateTopicName } from './topic-name.js';
export { newTopicId } from './topic-store.js';
