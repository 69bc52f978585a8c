import { Registry } from 'prom-client';
import { DEFAULT_GROUP_OPTIONS, type GroupOptions } from './groups/index.js';

/** Options for an embedded or stand-alone broker. Every field has a default. */
export interface BrokerOptions {
  /** Where logs and metadata live. Default ./sluice-data. */
  dataDir?: string;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Kafka port; 0 picks a free one. Default 9092. */
  port?: number;
  /** Host and port clients are told to connect to; default the listening ones. */
  advertisedHost?: string;
  advertisedPort?: number;
  nodeId?: number;
  /** Create a topic when a client produces to or asks metadata for an unknown one. Default true. */
  autoCreateTopics?: boolean;
  /** Partitions of auto-created topics and of CreateTopics with -1. Default 1. */
  defaultPartitions?: number;
  /** Largest request accepted (socket.request.max.bytes). Default 100 MiB. */
  maxRequestBytes?: number;
  /**
   * Broker-wide budget for buffered request bytes (queued.max.request.bytes). Default 100 MiB,
   * below Kafka's 500 MiB: a frame is admitted while any budget is left, so the worst case is
   * this plus one maxRequestBytes frame (200 MiB), which keeps the broker within a 512 MiB
   * footprint with room for responses; 100 MiB of queued requests is far more than pipelined
   * producers keep in flight.
   */
  queuedMaxRequestBytes?: number;
  /** Largest Fetch response, whatever the client asks (fetch.max.bytes). Default 55 MiB, as Kafka. */
  fetchMaxBytes?: number;
  /**
   * Unsent response bytes per connection above which the broker stops reading its requests and
   * starting new ones (Kafka mutes a connection until its response is sent). Default 1 MiB.
   */
  maxUnsentResponseBytes?: number;
  /**
   * Broker-wide: as unsent response bytes of all connections approach this, Fetch answers less
   * (down to maxUnsentResponseBytes, at least one batch) until clients read. No Kafka equivalent (Kafka sends log bytes with
   * sendfile, not from memory). Default 128 MiB, so non-reading clients cannot hold more than
   * that plus one batch each, whatever their number.
   */
  unsentResponseBudgetBytes?: number;
  /**
   * Idle read buffers Fetch keeps for reuse, broker-wide. Fetch reads log bytes into pooled slabs
   * and gives them back once the response is in the kernel's hands; fresh memory per read costs
   * page faults and garbage collection. 0 disables the pool. Default 32 MiB; idle slabs are
   * freed after a minute without reads.
   */
  fetchBufferPoolBytes?: number;
  /**
   * Open connections the Kafka port holds (max.connections); one more is closed as soon as it is
   * accepted. Default 2147483647, Kafka's: no limit short of file descriptors.
   */
  maxConnections?: number;
  /**
   * Open connections from one client address (max.connections.per.ip); one more is closed as
   * soon as it is accepted. Default 2147483647, Kafka's.
   */
  maxConnectionsPerIp?: number;
  /** Closes connections idle this long (connections.max.idle.ms). Default 10 minutes. */
  connectionsMaxIdleMs?: number;
  /**
   * Closes a connection whose request frame is still incomplete this long after its first byte
   * (slow senders). Kafka has no such setting; the default, 30 s, is clients' request.timeout.ms.
   */
  requestFrameTimeoutMs?: number;
  /** Defaults for topic configs that a topic does not override. */
  topicDefaults?: Partial<TopicDefaults>;
  /** How often retention is enforced. Default 5 minutes (log.retention.check.interval.ms). */
  retentionCheckIntervalMs?: number;
  /** Log level for the broker's pino logger. Default 'info'. */
  logLevel?: string;
  /** Consumer group timeouts and offset retention; Kafka's defaults, except no initial rebalance delay. */
  groups?: Partial<GroupOptions>;
  /**
   * Where the broker registers its Prometheus metrics; `false` records none. Default: a registry
   * of its own, exposed as `RunningBroker.metrics`.
   */
  metrics?: Registry | false;
}

export interface TopicDefaults {
  retentionMs: number;
  retentionBytes: number;
  segmentBytes: number;
  segmentMs: number;
  indexIntervalBytes: number;
  maxMessageBytes: number;
  /** log.flush.interval.ms; unset never flushes on a timer (acks=all flushes anyway). */
  flushIntervalMs?: number;
}

export type ResolvedBrokerOptions = Required<
  Omit<BrokerOptions, 'advertisedHost' | 'advertisedPort' | 'topicDefaults' | 'groups' | 'metrics'>
> & {
  advertisedHost?: string;
  advertisedPort?: number;
  topicDefaults: TopicDefaults;
  groups: GroupOptions;
  metrics: Registry | false;
};

// Kafka's broker defaults (log.retention.hours=168, log.segment.bytes=1 GiB, message.max.bytes=1 MiB + overhead).
export const KAFKA_TOPIC_DEFAULTS: TopicDefaults = {
  retentionMs: 7 * 24 * 3600 * 1000,
  retentionBytes: -1,
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 3600 * 1000,
  indexIntervalBytes: 4096,
  maxMessageBytes: 1024 * 1024 + 12,
};

/** The defaults of every scalar option (the config file's `broker:` section documents the same). */
export const BROKER_DEFAULTS = {
  dataDir: './sluice-data',
  host: '127.0.0.1',
  port: 9092,
  nodeId: 1,
  autoCreateTopics: true,
  defaultPartitions: 1,
  maxRequestBytes: 100 * 1024 * 1024,
  queuedMaxRequestBytes: 100 * 1024 * 1024,
  fetchMaxBytes: 57_671_680,
  maxUnsentResponseBytes: 1024 * 1024,
  unsentResponseBudgetBytes: 128 * 1024 * 1024,
  fetchBufferPoolBytes: 32 * 1024 * 1024,
  maxConnections: 2_147_483_647,
  maxConnectionsPerIp: 2_147_483_647,
  connectionsMaxIdleMs: 600_000,
  requestFrameTimeoutMs: 30_000,
  retentionCheckIntervalMs: 5 * 60 * 1000,
  logLevel: 'info',
} as const;

export function resolveOptions(options: BrokerOptions): ResolvedBrokerOptions {
  const d = BROKER_DEFAULTS;
  return {
    dataDir: options.dataDir ?? d.dataDir,
    host: options.host ?? d.host,
    port: options.port ?? d.port,
    advertisedHost: options.advertisedHost,
    advertisedPort: options.advertisedPort,
    nodeId: options.nodeId ?? d.nodeId,
    autoCreateTopics: options.autoCreateTopics ?? d.autoCreateTopics,
    defaultPartitions: options.defaultPartitions ?? d.defaultPartitions,
    maxRequestBytes: options.maxRequestBytes ?? d.maxRequestBytes,
    queuedMaxRequestBytes: options.queuedMaxRequestBytes ?? d.queuedMaxRequestBytes,
    fetchMaxBytes: options.fetchMaxBytes ?? d.fetchMaxBytes,
    maxUnsentResponseBytes: options.maxUnsentResponseBytes ?? d.maxUnsentResponseBytes,
    unsentResponseBudgetBytes: options.unsentResponseBudgetBytes ?? d.unsentResponseBudgetBytes,
    fetchBufferPoolBytes: options.fetchBufferPoolBytes ?? d.fetchBufferPoolBytes,
    maxConnections: options.maxConnections ?? d.maxConnections,
    maxConnectionsPerIp: options.maxConnectionsPerIp ?? d.maxConnectionsPerIp,
    connectionsMaxIdleMs: options.connectionsMaxIdleMs ?? d.connectionsMaxIdleMs,
    requestFrameTimeoutMs: options.requestFrameTimeoutMs ?? d.requestFrameTimeoutMs,
    topicDefaults: { ...KAFKA_TOPIC_DEFAULTS, ...options.topicDefaults },
    retentionCheckIntervalMs: options.retentionCheckIntervalMs ?? d.retentionCheckIntervalMs,
    logLevel: options.logLevel ?? d.logLevel,
    groups: { ...DEFAULT_GROUP_OPTIONS, ...options.groups },
    metrics: options.metrics ?? new Registry(),
  };
}
