import { SluiceError, type SluiceErrorOptions } from '../../errors/index.js';
import { DEFAULT_PUSH_LIMITS, type PushLimits } from '../ingest/index.js';
import { DEFAULT_QUERY_LIMITS, parseBytes, parseDurationMs, type QueryLimits } from '../logql/index.js';
import { DEFAULT_LOGS_TOPIC } from '../model.js';

/** The `logs:` section of Sluice's config file. */
export interface LogsConfig {
  /** The topic lines are stored in; its label index lives in `<topic>.index`. */
  topic: string;
  /** Partitions of the logs topic when Sluice creates it. */
  partitions: number;
  /** retention.ms of the logs topic (and its index); -1 keeps lines forever. */
  retentionMs: number;
  /** retention.bytes per partition; -1 means no size limit. */
  retentionBytes: number;
  /** A chunk of the index closes after this many lines ... */
  chunkEntries: number;
  /** ... or after this long, whichever comes first. */
  chunkMs: number;
  /** What one query may use (time, lines, series, bytes). */
  query: QueryLimits;
  /** Readers per partition of the logs topic that all queries share (their Kafka connections). */
  queryReaders: number;
  /** Heap for recently read ranges, decoded (Loki's chunk cache); 0 turns it off. */
  queryCacheBytes: number;
  /** Live tails open at once (Loki `max_concurrent_tail_requests`, 10). */
  maxTails: number;
  /** What one push may carry. */
  push: PushLimits;
}

export const DEFAULT_LOGS_CONFIG: LogsConfig = {
  topic: DEFAULT_LOGS_TOPIC,
  partitions: 3,
  retentionMs: 7 * 24 * 3600 * 1000,
  retentionBytes: -1,
  chunkEntries: 5000,
  chunkMs: 5000,
  query: DEFAULT_QUERY_LIMITS,
  queryReaders: 2,
  queryCacheBytes: 16 * 1024 * 1024,
  maxTails: 10,
  push: DEFAULT_PUSH_LIMITS,
};

type Kind = 'count' | 'duration' | 'size' | 'size0';
/** Limit keys of the section: where each goes and what its value is. */
const LIMIT_KEYS: Record<string, [Kind, (c: LogsConfig, v: number) => void]> = {
  queryTimeout: ['duration', (c, v) => (c.query.timeoutMs = v)],
  maxEntriesPerQuery: ['count', (c, v) => (c.query.maxEntries = v)],
  maxQuerySeries: ['count', (c, v) => (c.query.maxSeries = v)],
  maxQueryBytesRead: ['size0', (c, v) => (c.query.maxBytesRead = v)],
  maxQueryResultBytes: ['size', (c, v) => (c.query.maxBytesHeld = v)],
  queryReaders: ['count', (c, v) => (c.queryReaders = v)],
  queryCache: ['size0', (c, v) => (c.queryCacheBytes = v)],
  maxTails: ['count', (c, v) => (c.maxTails = v)],
  maxLineSize: ['size', (c, v) => (c.push.maxLineBytes = v)],
  maxLabelNamesPerSeries: ['count', (c, v) => (c.push.maxLabelNames = v)],
  maxLabelNameLength: ['count', (c, v) => (c.push.maxLabelNameLength = v)],
  maxLabelValueLength: ['count', (c, v) => (c.push.maxLabelValueLength = v)],
  maxStreamsPerPush: ['count', (c, v) => (c.push.maxStreams = v)],
  maxPushBytes: ['size', (c, v) => (c.push.maxDecompressedBytes = v)],
};

function limitValue(kind: Kind, value: unknown, where: string): number {
  switch (kind) {
    case 'count':
      if (!Number.isInteger(value) || (value as number) < 1)
        throw new LogsConfigError(`${where}: expected a positive integer`);
      return value as number;
    case 'duration': {
      const ms = duration(value, where);
      if (ms <= 0) throw new LogsConfigError(`${where}: must be longer than 0`);
      return ms;
    }
    case 'size':
      return bytes(value, where);
    case 'size0':
      return value === 0 || value === '0' ? 0 : bytes(value, where);
  }
}

export class LogsConfigError extends SluiceError {
  constructor(message: string, options?: SluiceErrorOptions) {
    super('INVALID_CONFIG', message, options);
  }
}

/** Validates the `logs:` section; every key is optional. */
export function parseLogsConfig(raw: unknown): LogsConfig {
  const config = {
    ...DEFAULT_LOGS_CONFIG,
    query: { ...DEFAULT_LOGS_CONFIG.query },
    push: { ...DEFAULT_LOGS_CONFIG.push },
  };
  if (raw === undefined || raw === null) return config;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new LogsConfigError('logs: expected a mapping');
  for (const [key, value] of Object.entries(raw)) {
    const limit = Object.hasOwn(LIMIT_KEYS, key) ? LIMIT_KEYS[key] : undefined;
    if (limit) {
      limit[1](config, limitValue(limit[0], value, `logs.${key}`));
      continue;
    }
    switch (key) {
      case 'topic':
        if (typeof value !== 'string' || !/^[a-zA-Z0-9._-]{1,200}$/.test(value))
          throw new LogsConfigError(`logs.topic: '${value}' is not a valid topic name`);
        config.topic = value;
        break;
      case 'partitions':
        if (!Number.isInteger(value) || (value as number) < 1)
          throw new LogsConfigError('logs.partitions: expected a positive integer');
        config.partitions = value as number;
        break;
      case 'retention':
        config.retentionMs = value === -1 || value === 'forever' ? -1 : duration(value, 'logs.retention');
        break;
      case 'retentionBytes':
        config.retentionBytes = value === -1 ? -1 : bytes(value, 'logs.retentionBytes');
        break;
      case 'chunkEntries':
        if (!Number.isInteger(value) || (value as number) < 1)
          throw new LogsConfigError('logs.chunkEntries: expected a positive integer');
        config.chunkEntries = value as number;
        break;
      case 'chunkInterval':
        config.chunkMs = duration(value, 'logs.chunkInterval');
        break;
      default:
        throw new LogsConfigError(
          `logs: unknown key '${key}' (known: topic, partitions, retention, retentionBytes, chunkEntries, ` +
            `chunkInterval, ${Object.keys(LIMIT_KEYS).join(', ')})`,
        );
    }
  }
  return config;
}

/** `90s`, `1h30m`, `7d` (LogQL's duration syntax), or a number of milliseconds. */
export function duration(value: unknown, where: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  const ms = typeof value === 'string' ? parseDurationMs(value) : undefined;
  if (ms !== undefined && ms >= 0) return Math.round(ms);
  throw new LogsConfigError(`${where}: '${String(value)}' is not a duration (e.g. 30s, 12h, 7d)`);
}

function bytes(value: unknown, where: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  const size =
    typeof value === 'string' ? (/^\d+$/.test(value) ? Number(value) : parseBytes(value)) : undefined;
  if (size !== undefined && size > 0) return Math.round(size);
  throw new LogsConfigError(`${where}: '${String(value)}' is not a size (e.g. 500MB, 2GiB)`);
}
