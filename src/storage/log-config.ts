import { StorageError } from './storage-error.js';

export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';

/** How one partition log rolls, retains and flushes. Kafka topic configs map onto it (topic-config.ts). */
export interface LogConfig {
  segmentBytes: number;
  segmentMs: number;
  /** -1 keeps data forever. */
  retentionMs: number;
  /** -1 means unlimited. */
  retentionBytes: number;
  indexIntervalBytes: number;
  /**
   * Periodic fsync. Unset (or beyond the timer range) never flushes on a timer: acks=all callers
   * flush explicitly. 0 requests a group-committed flush after every append.
   */
  flushIntervalMs?: number;
  /** Roll when a segment's offset or time index would exceed this many bytes (Kafka's segment.index.bytes). */
  segmentIndexBytes?: number;
  /** Largest batch the broker should accept; stored here so handlers read one config. */
  maxMessageBytes?: number;
  /** How far in the future a record's timestamp may be (message.timestamp.after.max.ms); default 1 h. */
  timestampAfterMaxMs?: number;
  /** Stored and reported; only 'delete' is enforced today (compaction is future work). */
  cleanupPolicy?: CleanupPolicy;
}

/** Apache Kafka's broker defaults. */
export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  retentionBytes: -1,
  indexIntervalBytes: 4096,
  segmentIndexBytes: 10 * 1024 * 1024,
  maxMessageBytes: 1024 * 1024 + 12,
  cleanupPolicy: 'delete',
});

export const INT32_MAX = 0x7fff_ffff;
/** Smallest segment.bytes Kafka accepts (the legacy record overhead). */
export const MIN_SEGMENT_BYTES = 14;
/** setTimeout/setInterval cannot wait longer than this. */
export const MAX_TIMER_MS = INT32_MAX;

function check(ok: boolean, message: string): void {
  if (!ok) throw new StorageError('INVALID_CONFIG', message);
}

function isInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** Throws INVALID_CONFIG naming the first field that is out of range. */
export function validateLogConfig(config: LogConfig): void {
  check(
    isInt(config.segmentBytes) &&
      config.segmentBytes >= MIN_SEGMENT_BYTES &&
      config.segmentBytes <= INT32_MAX,
    `segmentBytes must be an integer in [${MIN_SEGMENT_BYTES}, ${INT32_MAX}], got ${config.segmentBytes}`,
  );
  check(
    isInt(config.segmentMs) && config.segmentMs >= 1,
    `segmentMs must be an integer >= 1, got ${config.segmentMs}`,
  );
  check(
    isInt(config.retentionMs) && config.retentionMs >= -1,
    `retentionMs must be -1 or a non-negative integer, got ${config.retentionMs}`,
  );
  check(
    isInt(config.retentionBytes) && config.retentionBytes >= -1,
    `retentionBytes must be -1 or a non-negative integer, got ${config.retentionBytes}`,
  );
  check(
    isInt(config.indexIntervalBytes) &&
      config.indexIntervalBytes >= 0 &&
      config.indexIntervalBytes <= INT32_MAX,
    `indexIntervalBytes must be an integer in [0, ${INT32_MAX}], got ${config.indexIntervalBytes}`,
  );
  if (config.flushIntervalMs !== undefined) {
    check(
      isInt(config.flushIntervalMs) && config.flushIntervalMs >= 0,
      `flushIntervalMs must be a non-negative integer, got ${config.flushIntervalMs}`,
    );
  }
  if (config.segmentIndexBytes !== undefined) {
    check(
      isInt(config.segmentIndexBytes) &&
        config.segmentIndexBytes >= 4 &&
        config.segmentIndexBytes <= INT32_MAX,
      `segmentIndexBytes must be an integer in [4, ${INT32_MAX}], got ${config.segmentIndexBytes}`,
    );
  }
  if (config.maxMessageBytes !== undefined) {
    check(
      isInt(config.maxMessageBytes) && config.maxMessageBytes >= 0 && config.maxMessageBytes <= INT32_MAX,
      `maxMessageBytes must be an integer in [0, ${INT32_MAX}], got ${config.maxMessageBytes}`,
    );
  }
  if (config.cleanupPolicy !== undefined) {
    check(
      ['delete', 'compact', 'compact,delete'].includes(config.cleanupPolicy),
      `cleanupPolicy must be delete, compact or compact,delete, got ${config.cleanupPolicy}`,
    );
  }
}
