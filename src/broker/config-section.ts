// The broker's section of Sluice's config file (`broker:`): its JSON Schema, the shape it resolves
// to, and how that maps onto BrokerOptions. Keys are BrokerOptions' own names, Kafka's settings in
// camelCase; log defaults (retentionMs, segmentBytes, ...) sit flat in the section, as Kafka's log.*.

import { INT32_MAX, MAX_TIMER_MS, MIN_SEGMENT_BYTES } from '../storage/index.js';
import { BROKER_DEFAULTS, type BrokerOptions, KAFKA_TOPIC_DEFAULTS, type TopicDefaults } from './config.js';
import { DEFAULT_GROUP_OPTIONS } from './groups/index.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The `broker:` section once validated, every default filled in; log defaults sit flat in it. */
export interface BrokerSection extends TopicDefaults {
  dataDir: string;
  host: string;
  port: number;
  advertisedHost?: string;
  advertisedPort?: number;
  nodeId: number;
  logLevel: (typeof LOG_LEVELS)[number];
  autoCreateTopics: boolean;
  defaultPartitions: number;
  retentionCheckIntervalMs: number;
  maxRequestBytes: number;
  queuedMaxRequestBytes: number;
  fetchMaxBytes: number;
  maxUnsentResponseBytes: number;
  unsentResponseBudgetBytes: number;
  fetchBufferPoolBytes: number;
  maxConnections: number;
  maxConnectionsPerIp: number;
  connectionsMaxIdleMs: number;
  requestFrameTimeoutMs: number;
  groups: {
    minSessionTimeoutMs: number;
    maxSessionTimeoutMs: number;
    initialRebalanceDelayMs: number;
    offsetsRetentionMs: number;
    maxMetadataBytes: number;
    offsetsRetentionCheckIntervalMs: number;
  };
}

function int(min: number, max: number, fallback: number | undefined, description: string) {
  const schema = { type: 'integer', minimum: min, maximum: max, description } as const;
  return fallback === undefined ? schema : { ...schema, default: fallback };
}

const d = BROKER_DEFAULTS;
const t = KAFKA_TOPIC_DEFAULTS;
const g = DEFAULT_GROUP_OPTIONS;
const MAX_MS = Number.MAX_SAFE_INTEGER;

export const BROKER_SECTION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    dataDir: {
      type: 'string',
      minLength: 1,
      default: d.dataDir,
      description: 'where topics and metadata live',
    },
    host: {
      type: 'string',
      minLength: 1,
      default: d.host,
      description: 'interface the Kafka listener binds',
    },
    port: int(0, 65535, d.port, 'Kafka port; 0 picks a free one'),
    advertisedHost: { type: 'string', minLength: 1, description: 'host clients are told to connect to' },
    advertisedPort: int(1, 65535, undefined, 'port clients are told to connect to'),
    nodeId: int(0, INT32_MAX, d.nodeId, 'node.id'),
    logLevel: {
      type: 'string',
      enum: LOG_LEVELS,
      default: d.logLevel,
      description: 'pino log level of the process',
    },
    autoCreateTopics: {
      type: 'boolean',
      default: d.autoCreateTopics,
      description: 'auto.create.topics.enable',
    },
    defaultPartitions: int(1, 100_000, d.defaultPartitions, 'num.partitions'),
    retentionMs: int(-1, MAX_MS, t.retentionMs, 'log.retention.ms; -1 keeps data forever'),
    retentionBytes: int(-1, MAX_MS, t.retentionBytes, 'log.retention.bytes per partition; -1: no limit'),
    segmentBytes: int(MIN_SEGMENT_BYTES, INT32_MAX, t.segmentBytes, 'log.segment.bytes'),
    segmentMs: int(1, MAX_MS, t.segmentMs, 'log.roll.ms'),
    indexIntervalBytes: int(0, INT32_MAX, t.indexIntervalBytes, 'log.index.interval.bytes'),
    maxMessageBytes: int(0, INT32_MAX, t.maxMessageBytes, 'message.max.bytes'),
    flushIntervalMs: int(0, MAX_MS, undefined, 'log.flush.interval.ms; unset: no timed flush'),
    retentionCheckIntervalMs: int(
      1,
      MAX_TIMER_MS,
      d.retentionCheckIntervalMs,
      'log.retention.check.interval.ms',
    ),
    maxRequestBytes: int(1, INT32_MAX, d.maxRequestBytes, 'socket.request.max.bytes'),
    queuedMaxRequestBytes: int(1, MAX_MS, d.queuedMaxRequestBytes, 'queued.max.request.bytes'),
    fetchMaxBytes: int(1, INT32_MAX, d.fetchMaxBytes, 'fetch.max.bytes'),
    maxUnsentResponseBytes: int(1, MAX_MS, d.maxUnsentResponseBytes, 'unsent bytes that mute a connection'),
    unsentResponseBudgetBytes: int(
      1,
      MAX_MS,
      d.unsentResponseBudgetBytes,
      'broker-wide unsent response budget',
    ),
    fetchBufferPoolBytes: int(0, MAX_MS, d.fetchBufferPoolBytes, 'idle Fetch read buffers kept; 0: no pool'),
    maxConnections: int(1, INT32_MAX, d.maxConnections, 'max.connections'),
    maxConnectionsPerIp: int(1, INT32_MAX, d.maxConnectionsPerIp, 'max.connections.per.ip'),
    connectionsMaxIdleMs: int(1, MAX_TIMER_MS, d.connectionsMaxIdleMs, 'connections.max.idle.ms'),
    requestFrameTimeoutMs: int(
      1,
      MAX_TIMER_MS,
      d.requestFrameTimeoutMs,
      'limit on receiving one request frame',
    ),
    groups: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        minSessionTimeoutMs: int(1, INT32_MAX, g.minSessionTimeoutMs, 'group.min.session.timeout.ms'),
        maxSessionTimeoutMs: int(1, INT32_MAX, g.maxSessionTimeoutMs, 'group.max.session.timeout.ms'),
        initialRebalanceDelayMs: int(
          0,
          MAX_TIMER_MS,
          g.initialRebalanceDelayMs,
          'group.initial.rebalance.delay.ms',
        ),
        offsetsRetentionMs: int(1, MAX_MS, g.offsetsRetentionMs, 'offsets.retention.minutes, in ms'),
        maxMetadataBytes: int(0, INT32_MAX, g.maxMetadataBytes, 'offset.metadata.max.bytes'),
        offsetsRetentionCheckIntervalMs: int(
          1,
          MAX_TIMER_MS,
          g.offsetsRetentionCheckIntervalMs,
          'offsets.retention.check.interval.ms',
        ),
      },
    },
  },
} as const;

/** The broker's entry in the config room's list of sections. */
export const brokerConfigSection = {
  name: 'broker',
  schema: BROKER_SECTION_SCHEMA,
  /** Type only: what the section resolves to. */
  value: undefined as BrokerSection | undefined,
} as const;

/** BrokerOptions from a resolved section (the embedding API's shape). */
export function brokerOptionsFromSection(section: BrokerSection): BrokerOptions {
  const {
    retentionMs,
    retentionBytes,
    segmentBytes,
    segmentMs,
    indexIntervalBytes,
    maxMessageBytes,
    flushIntervalMs,
    groups,
    ...rest
  } = section;
  return {
    ...rest,
    topicDefaults: {
      retentionMs,
      retentionBytes,
      segmentBytes,
      segmentMs,
      indexIntervalBytes,
      maxMessageBytes,
      ...(flushIntervalMs === undefined ? {} : { flushIntervalMs }),
    },
    groups: { ...groups },
  };
}
