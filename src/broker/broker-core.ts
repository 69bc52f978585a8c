import type { Logger } from 'pino';
import { RateLimitedLog } from '../errors/index.js';
import { ErrorCode } from '../protocol/index.js';
import {
  errorKind,
  isStorageError,
  type LogManager,
  type PartitionLog,
  ReadBufferPool,
  type TopicInfo,
} from '../storage/index.js';
import { AppendNotifier } from './append-notifier.js';
import type { ResolvedBrokerOptions } from './config.js';
import { DynamicBrokerConfigs } from './dynamic-configs.js';
import type { GroupService } from './groups/index.js';
import { type BrokerMetrics, NO_BROKER_METRICS } from './metrics/index.js';
import { ProducerIdAllocator } from './producers/producer-ids.js';
import { ProducerStates } from './producers/producer-state.js';

/** Repeats of one kind of storage failure are logged at most once per this interval. */
const STORAGE_ERROR_LOG_INTERVAL_MS = 10_000;

export type TopicLookup = { topic: TopicInfo; error?: undefined } | { topic?: undefined; error: number };

/** The broker's state as handlers see it: logs, topics, producers, identity, wake-ups. */
export class BrokerCore {
  readonly producers: ProducerStates;
  readonly producerIds: ProducerIdAllocator;
  readonly appends = new AppendNotifier();
  /**
   * Response bytes handed to client sockets and not yet flushed, all connections (kept by the
   * listener), and bytes fetches are reading right now (kept by Fetch).
   */
  readonly responses = { unsent: 0, preparing: 0 };
  /** Slabs Fetch reads log bytes into, reused once their response is sent. */
  readonly readBuffers: ReadBufferPool;
  /** The API version ranges we serve, as ApiVersions reports them. */
  supportedApis: { apiKey: number; minVersion: number; maxVersion: number }[] = [];
  /** Set once the listener is bound. */
  advertised = { host: '127.0.0.1', port: 0 };
  metrics: BrokerMetrics = NO_BROKER_METRICS;
  /** Broker configs changed at run time (kafka-configs.sh --entity-type brokers); set by startBroker. */
  dynamicConfigs: DynamicBrokerConfigs;
  private readonly storageErrors: RateLimitedLog;

  constructor(
    readonly options: ResolvedBrokerOptions,
    readonly logs: LogManager,
    readonly groups: GroupService,
    readonly clusterId: string,
    readonly log: Logger,
  ) {
    this.producerIds = new ProducerIdAllocator(options.dataDir);
    this.readBuffers = new ReadBufferPool(options.fetchBufferPoolBytes);
    this.storageErrors = new RateLimitedLog(log, STORAGE_ERROR_LOG_INTERVAL_MS);
    // Snapshots are written every 30 s for every partition that grew: on a full disk each would fail.
    this.producers = new ProducerStates((err, partition) =>
      this.storageErrors.warn(
        `producer state\0${errorKind(err)}`,
        err,
        `producer state: load or snapshot failed (${errorKind(err)}); repeats are logged once per ${STORAGE_ERROR_LOG_INTERVAL_MS / 1000} s`,
        { partition },
      ),
    );
    this.dynamicConfigs = new DynamicBrokerConfigs(undefined, logs.defaultConfig);
  }

  get nodeId(): number {
    return this.options.nodeId;
  }

  /** Finds a topic, creating it when auto-creation is on and the caller allows it. */
  async lookupTopic(name: string, allowAutoCreate: boolean): Promise<TopicLookup> {
    const topic = this.logs.topic(name);
    if (topic) return { topic };
    if (!allowAutoCreate || !this.options.autoCreateTopics)
      return { error: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
    try {
      const created = await this.logs.createTopic(name, this.options.defaultPartitions, {});
      this.log.info({ topic: name, partitions: created.partitions }, 'auto-created topic');
      return { topic: created };
    } catch (err) {
      if (isStorageError(err, 'TOPIC_EXISTS')) {
        const existing = this.logs.topic(name);
        if (existing) return { topic: existing };
      }
      if (isStorageError(err, 'INVALID_TOPIC')) {
        return { error: ErrorCode.INVALID_TOPIC_EXCEPTION };
      }
      throw err;
    }
  }

  /**
   * Logs a storage failure the client is told about anyway (KAFKA_STORAGE_ERROR): one line, no
   * stack trace, and of repeats of the same kind (operation and errno) one per interval with
   * the number held back.
   */
  reportStorageError(operation: string, err: unknown, context: Record<string, unknown> = {}): void {
    const kind = errorKind(err);
    this.storageErrors.error(
      `${operation}\0${kind}`,
      err,
      `${operation} failed (${kind}); repeats are logged once per ${STORAGE_ERROR_LOG_INTERVAL_MS / 1000} s`,
      { ...context, kind },
    );
  }

  partition(topic: string, index: number): PartitionLog | undefined {
    return this.logs.partition(topic, index);
  }
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}
