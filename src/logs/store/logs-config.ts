// The log monitor's section of Sluice's config file (`logs:`): its JSON Schema (validated by the
// config room, which also turns `7d` and `1GiB` into ms and bytes) and the LogsConfig it maps to.

import { DEFAULT_PUSH_LIMITS, type PushLimits } from '../ingest/push-types.js';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from '../logql/limits.js';
import { DEFAULT_LOGS_TOPIC } from '../model.js';

/** What the log monitor runs with. */
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
type Field = [Kind, (c: LogsConfig) => number, (c: LogsConfig, v: number) => void, string];

/** Every key of the section but `topic`: its kind, where it lives in LogsConfig, what it means. */
const FIELDS = {
  partitions: ['count', (c) => c.partitions, (c, v) => (c.partitions = v), 'partitions of the logs topic'],
  retention: [
    'duration',
    (c) => c.retentionMs,
    (c, v) => (c.retentionMs = v),
    'retention.ms of the logs topic',
  ],
  retentionBytes: [
    'size',
    (c) => c.retentionBytes,
    (c, v) => (c.retentionBytes = v),
    'retention.bytes per partition',
  ],
  chunkEntries: ['count', (c) => c.chunkEntries, (c, v) => (c.chunkEntries = v), 'lines per index chunk'],
  chunkInterval: ['duration', (c) => c.chunkMs, (c, v) => (c.chunkMs = v), 'time per index chunk'],
  queryTimeout: ['duration', (c) => c.query.timeoutMs, (c, v) => (c.query.timeoutMs = v), 'per query'],
  maxEntriesPerQuery: ['count', (c) => c.query.maxEntries, (c, v) => (c.query.maxEntries = v), 'lines'],
  maxQuerySeries: ['count', (c) => c.query.maxSeries, (c, v) => (c.query.maxSeries = v), 'series'],
  maxQueryBytesRead: [
    'size0',
    (c) => c.query.maxBytesRead,
    (c, v) => (c.query.maxBytesRead = v),
    'bytes one query may read; 0: no limit',
  ],
  maxQueryResultBytes: [
    'size',
    (c) => c.query.maxBytesHeld,
    (c, v) => (c.query.maxBytesHeld = v),
    'bytes one query may hold',
  ],
  queryReaders: ['count', (c) => c.queryReaders, (c, v) => (c.queryReaders = v), 'readers per partition'],
  queryCache: ['size0', (c) => c.queryCacheBytes, (c, v) => (c.queryCacheBytes = v), 'range cache; 0: off'],
  maxTails: ['count', (c) => c.maxTails, (c, v) => (c.maxTails = v), 'live tails open at once'],
  maxLineSize: ['size', (c) => c.push.maxLineBytes, (c, v) => (c.push.maxLineBytes = v), 'bytes per line'],
  maxLabelNamesPerSeries: [
    'count',
    (c) => c.push.maxLabelNames,
    (c, v) => (c.push.maxLabelNames = v),
    'labels per stream',
  ],
  maxLabelNameLength: [
    'count',
    (c) => c.push.maxLabelNameLength,
    (c, v) => (c.push.maxLabelNameLength = v),
    'characters',
  ],
  maxLabelValueLength: [
    'count',
    (c) => c.push.maxLabelValueLength,
    (c, v) => (c.push.maxLabelValueLength = v),
    'characters',
  ],
  maxStreamsPerPush: [
    'count',
    (c) => c.push.maxStreams,
    (c, v) => (c.push.maxStreams = v),
    'streams per push',
  ],
  maxPushBytes: [
    'size',
    (c) => c.push.maxDecompressedBytes,
    (c, v) => (c.push.maxDecompressedBytes = v),
    'decompressed bytes per push',
  ],
} satisfies Record<string, Field>;

type FieldKey = keyof typeof FIELDS;

function fieldSchema(key: string, [kind, get, , description]: Field): Record<string, unknown> {
  const fallback = get(DEFAULT_LOGS_CONFIG);
  if (kind === 'count') return { type: 'integer', minimum: 1, default: fallback, description };
  // retention and retentionBytes accept -1 (and retention `forever`) for no limit.
  const noLimit = key === 'retention' || key === 'retentionBytes';
  const min = kind === 'size0' || key === 'retention' || key === 'chunkInterval' ? 0 : 1;
  const unit = { kind: kind === 'duration' ? 'duration' : 'size', min, ...(noLimit ? { noLimit } : {}) };
  return { unit, default: fallback, description };
}

export const LOGS_SECTION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    topic: {
      type: 'string',
      pattern: '^[a-zA-Z0-9._-]{1,200}$',
      expected: 'a topic name (letters, digits, . _ -)',
      default: DEFAULT_LOGS_CONFIG.topic,
      description: 'topic the lines are stored in',
    },
    ...Object.fromEntries(Object.entries(FIELDS).map(([key, field]) => [key, fieldSchema(key, field)])),
  },
};

/** The `logs:` section once validated: the topic name, and numbers (ms, bytes, counts) for the rest. */
export type LogsSection = { topic: string } & Record<FieldKey, number>;

/** The log monitor's entry in the config room's list of sections. */
export const logsConfigSection = {
  name: 'logs',
  schema: LOGS_SECTION_SCHEMA,
  /** Type only: what the section resolves to. */
  value: undefined as LogsSection | undefined,
} as const;

/** LogsConfig from a validated section; keys it lacks keep their defaults. */
export function logsConfigFrom(section: Partial<LogsSection> = {}): LogsConfig {
  const config = {
    ...DEFAULT_LOGS_CONFIG,
    query: { ...DEFAULT_LOGS_CONFIG.query },
    push: { ...DEFAULT_LOGS_CONFIG.push },
  };
  if (section.topic !== undefined) config.topic = section.topic;
  for (const key of Object.keys(FIELDS) as FieldKey[]) {
    const value = section[key];
    if (value !== undefined) FIELDS[key][2](config, value);
  }
  return config;
}
