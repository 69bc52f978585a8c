import {
  type CleanupPolicy,
  INT32_MAX,
  type LogConfig,
  MAX_TIMER_MS,
  MIN_SEGMENT_BYTES,
} from './log-config.js';
import { StorageError } from './storage-error.js';

/** Kafka's Long.MAX_VALUE, the default of several "never" settings. */
const LONG_MAX = '9223372036854775807';

type Kind =
  | { type: 'int' | 'long'; min: number; max?: number }
  | { type: 'double'; min: number; max: number }
  | { type: 'boolean' }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'cleanup' }
  | { type: 'string' }
  | { type: 'list' };

interface ConfigDef {
  kind: Kind;
  /** The value when not overridden; for keys mapped onto LogConfig it comes from the broker defaults. */
  fallback: string | ((defaults: LogConfig) => string);
  /** Writes the parsed value into a LogConfig; unmapped keys are stored and reported only. */
  apply?: (config: LogConfig, value: string) => void;
}

const long = (min: number): Kind => ({ type: 'long', min });
const int = (min: number, max = INT32_MAX): Kind => ({ type: 'int', min, max });

/**
 * Every topic config Kafka defines. The first block drives the log; the rest are accepted,
 * validated and persisted so tools that set them (kafka-topics.sh --config ...) keep working.
 */
const CONFIGS: Record<string, ConfigDef> = {
  'retention.ms': {
    kind: long(-1),
    fallback: (d) => String(d.retentionMs),
    apply: (c, v) => (c.retentionMs = num(v)),
  },
  'retention.bytes': {
    kind: long(-1),
    fallback: (d) => String(d.retentionBytes),
    apply: (c, v) => (c.retentionBytes = num(v)),
  },
  'segment.bytes': {
    kind: int(MIN_SEGMENT_BYTES),
    fallback: (d) => String(d.segmentBytes),
    apply: (c, v) => (c.segmentBytes = num(v)),
  },
  'segment.ms': {
    kind: long(1),
    fallback: (d) => String(d.segmentMs),
    apply: (c, v) => (c.segmentMs = num(v)),
  },
  'segment.index.bytes': {
    kind: int(4),
    fallback: (d) => String(d.segmentIndexBytes ?? 10 * 1024 * 1024),
    apply: (c, v) => (c.segmentIndexBytes = num(v)),
  },
  'index.interval.bytes': {
    kind: int(0),
    fallback: (d) => String(d.indexIntervalBytes),
    apply: (c, v) => (c.indexIntervalBytes = num(v)),
  },
  'max.message.bytes': {
    kind: int(0),
    fallback: (d) => String(d.maxMessageBytes ?? 1024 * 1024 + 12),
    apply: (c, v) => (c.maxMessageBytes = num(v)),
  },
  'cleanup.policy': {
    kind: { type: 'cleanup' },
    fallback: (d) => d.cleanupPolicy ?? 'delete',
    apply: (c, v) => (c.cleanupPolicy = normalizeCleanupPolicy(v)),
  },
  'flush.ms': {
    kind: long(0),
    fallback: (d) => (d.flushIntervalMs === undefined ? LONG_MAX : String(d.flushIntervalMs)),
    // Beyond the timer range means "never", like Kafka's default of Long.MAX_VALUE.
    apply: (c, v) => (c.flushIntervalMs = num(v) > MAX_TIMER_MS ? undefined : num(v)),
  },
  'compression.type': {
    kind: { type: 'enum', values: ['producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'] },
    fallback: 'producer',
  },
  'message.timestamp.type': {
    kind: { type: 'enum', values: ['CreateTime', 'LogAppendTime'] },
    fallback: 'CreateTime',
  },
  'min.insync.replicas': { kind: int(1), fallback: '1' },
  'delete.retention.ms': { kind: long(0), fallback: '86400000' },
  'file.delete.delay.ms': { kind: long(0), fallback: '60000' },
  'flush.messages': { kind: long(1), fallback: LONG_MAX },
  'max.compaction.lag.ms': { kind: long(1), fallback: LONG_MAX },
  'min.compaction.lag.ms': { kind: long(0), fallback: '0' },
  'min.cleanable.dirty.ratio': { kind: { type: 'double', min: 0, max: 1 }, fallback: '0.5' },
  'message.timestamp.before.max.ms': { kind: long(0), fallback: LONG_MAX },
  // Kafka 4's default: a record more than an hour in the future is refused (INVALID_TIMESTAMP).
  'message.timestamp.after.max.ms': {
    kind: long(0),
    fallback: (d) => String(d.timestampAfterMaxMs ?? 3_600_000),
    apply: (c, v) => (c.timestampAfterMaxMs = num(v)),
  },
  'segment.jitter.ms': { kind: long(0), fallback: '0' },
  'local.retention.ms': { kind: long(-2), fallback: '-2' },
  'local.retention.bytes': { kind: long(-2), fallback: '-2' },
  'unclean.leader.election.enable': { kind: { type: 'boolean' }, fallback: 'false' },
  preallocate: { kind: { type: 'boolean' }, fallback: 'false' },
  'remote.storage.enable': { kind: { type: 'boolean' }, fallback: 'false' },
  'remote.log.copy.disable': { kind: { type: 'boolean' }, fallback: 'false' },
  'remote.log.delete.on.disable': { kind: { type: 'boolean' }, fallback: 'false' },
  'compression.gzip.level': { kind: int(-1, 9), fallback: '-1' },
  'compression.lz4.level': { kind: int(1, 17), fallback: '9' },
  'compression.zstd.level': { kind: int(-131072, 22), fallback: '3' },
  'leader.replication.throttled.replicas': { kind: { type: 'list' }, fallback: '' },
  'follower.replication.throttled.replicas': { kind: { type: 'list' }, fallback: '' },
};

/** Kafka's integer syntax; values past 2^53 lose precision but only ever mean "practically never". */
const INTEGER = /^-?\d{1,19}$/;

function num(value: string): number {
  return Number(value);
}

function invalid(key: string, value: string, why: string): StorageError {
  return new StorageError('INVALID_CONFIG', `invalid value '${value}' for ${key}: ${why}`);
}

function normalizeCleanupPolicy(value: string): CleanupPolicy {
  const parts = new Set(value.split(',').map((p) => p.trim()));
  if (parts.size === 2 && parts.has('compact') && parts.has('delete')) return 'compact,delete';
  if (parts.size === 1 && (parts.has('delete') || parts.has('compact')))
    return [...parts][0] as CleanupPolicy;
  throw invalid('cleanup.policy', value, 'expected delete, compact or compact,delete');
}

function validateValue(key: string, value: string, kind: Kind): void {
  switch (kind.type) {
    case 'int':
    case 'long': {
      if (!INTEGER.test(value.trim())) throw invalid(key, value, 'not an integer');
      const n = num(value);
      if (n < kind.min) throw invalid(key, value, `must be at least ${kind.min}`);
      if (kind.max !== undefined && n > kind.max) throw invalid(key, value, `must be at most ${kind.max}`);
      if (BigInt(value.trim()) > 9223372036854775807n || BigInt(value.trim()) < -9223372036854775808n)
        throw invalid(key, value, 'does not fit in a long');
      return;
    }
    case 'double': {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) throw invalid(key, value, 'not a number');
      if (n < kind.min || n > kind.max) throw invalid(key, value, `must be in [${kind.min}, ${kind.max}]`);
      return;
    }
    case 'boolean':
      if (value !== 'true' && value !== 'false') throw invalid(key, value, 'expected true or false');
      return;
    case 'enum':
      if (!kind.values.includes(value))
        throw invalid(key, value, `expected one of ${kind.values.join(', ')}`);
      return;
    case 'cleanup':
      normalizeCleanupPolicy(value);
      return;
    case 'string':
    case 'list':
      return;
  }
}

/** Throws INVALID_CONFIG for an unknown key or a bad value; returns the overrides normalized. */
export function validateTopicConfigs(configs: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, raw] of Object.entries(configs)) {
    const def = Object.hasOwn(CONFIGS, key) ? CONFIGS[key] : undefined;
    if (!def) throw new StorageError('INVALID_CONFIG', `unknown topic config ${key}`);
    if (typeof raw !== 'string') throw invalid(key, String(raw), 'values are strings');
    validateValue(key, raw, def.kind);
    out[key] = def.kind.type === 'cleanup' ? normalizeCleanupPolicy(raw) : raw.trim();
  }
  return out;
}

/** The LogConfig a topic's partitions run with: broker defaults plus the topic's overrides. */
export function logConfigFor(overrides: Readonly<Record<string, string>>, defaults: LogConfig): LogConfig {
  const config: LogConfig = { ...defaults };
  for (const [key, value] of Object.entries(validateTopicConfigs(overrides)))
    CONFIGS[key].apply?.(config, value);
  return config;
}

/** A config's value type, as DescribeConfigs reports it (Kafka's ConfigDef.Type). */
export type TopicConfigType = 'boolean' | 'string' | 'int' | 'long' | 'double' | 'list';

export interface TopicConfigEntry {
  name: string;
  value: string;
  /** False when the topic overrides it (DescribeConfigs' source TOPIC_CONFIG). */
  isDefault: boolean;
  type: TopicConfigType;
}

function typeOf(kind: Kind): TopicConfigType {
  if (kind.type === 'enum') return 'string';
  if (kind.type === 'cleanup') return 'list';
  return kind.type;
}

/** Every topic config with its effective value, for DescribeConfigs and the console. */
export function describeTopicConfigs(
  overrides: Readonly<Record<string, string>>,
  defaults: LogConfig,
): TopicConfigEntry[] {
  return Object.entries(CONFIGS).map(([name, def]) => {
    const own = Object.hasOwn(overrides, name) ? overrides[name] : undefined;
    const type = typeOf(def.kind);
    if (own !== undefined) return { name, value: own, isDefault: false, type };
    return {
      name,
      value: typeof def.fallback === 'string' ? def.fallback : def.fallback(defaults),
      isDefault: true,
      type,
    };
  });
}

export function isKnownTopicConfig(key: string): boolean {
  return Object.hasOwn(CONFIGS, key);
}
