import { statfs } from 'node:fs/promises';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { errorName } from '../../protocol/index.js';
import type { LogManager } from '../../storage/index.js';
import type { BrokerMetrics } from './broker-metrics.js';

// Request latency spans sub-millisecond metadata calls to fetches long-polling for seconds.
const REQUEST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
// fdatasync here costs ~0.4 ms when idle and tens of ms under writeback.
const FSYNC_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/**
 * The broker's metrics on a prom-client registry. Counters are kept per topic, API and error
 * code (bounded by what exists); per-partition log figures are read from storage at scrape time.
 */
export class PromBrokerMetrics implements BrokerMetrics {
  readonly enabled = true;
  private readonly messagesIn: Counter<'topic'>;
  private readonly bytesIn: Counter<'topic'>;
  private readonly messagesOut: Counter<'topic'>;
  private readonly bytesOut: Counter<'topic'>;
  private readonly requests: Counter<'api'>;
  private readonly errors: Counter<'api' | 'error'>;
  private readonly duration: Histogram<'api'>;
  private readonly connections: Gauge;
  private readonly connectionsTotal: Counter;
  private readonly connectionsClosed: Counter<'reason'>;
  private readonly fsyncs: Histogram;
  private readonly rebalances: Counter<'group'>;
  private open = 0;

  constructor(registry: Registry, logs: LogManager, dataDir: string) {
    const registers = [registry];
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
      new Counter<L>({ name, help, labelNames, registers });
    this.messagesIn = counter('sluice_messages_in_total', 'Records appended, by topic.', ['topic']);
    this.bytesIn = counter('sluice_bytes_in_total', 'Record batch bytes appended, by topic.', ['topic']);
    this.messagesOut = counter('sluice_messages_out_total', 'Records returned by Fetch, by topic.', [
      'topic',
    ]);
    this.bytesOut = counter('sluice_bytes_out_total', 'Record batch bytes returned by Fetch, by topic.', [
      'topic',
    ]);
    this.requests = counter('sluice_requests_total', 'Kafka protocol requests handled, by API.', ['api']);
    this.errors = counter(
      'sluice_request_errors_total',
      'Error codes returned in responses (one per occurrence), by API and Kafka error name.',
      ['api', 'error'],
    );
    this.duration = new Histogram({
      name: 'sluice_request_duration_seconds',
      help: 'Time from a request frame arriving to its response being ready, by API.',
      labelNames: ['api'],
      buckets: REQUEST_BUCKETS,
      registers,
    });
    this.connections = new Gauge({ name: 'sluice_connections', help: 'Open client connections.', registers });
    this.connectionsTotal = counter('sluice_connections_opened_total', 'Client connections accepted.', []);
    this.connectionsClosed = counter(
      'sluice_connections_closed_total',
      'Client connections closed, by reason: client, idle, frame_timeout, invalid_request, shutdown.',
      ['reason'],
    );
    this.fsyncs = new Histogram({
      name: 'sluice_fsync_duration_seconds',
      help: 'Duration of each fdatasync of a log segment.',
      buckets: FSYNC_BUCKETS,
      registers,
    });
    this.rebalances = counter(
      'sluice_group_rebalances_total',
      'Join rounds completed (new generations), by consumer group.',
      ['group'],
    );
    registerLogGauges(registry, logs);
    registerDiskGauges(registry, dataDir);
  }

  recordsIn(topic: string, records: number, bytes: number): void {
    this.messagesIn.inc({ topic }, records);
    this.bytesIn.inc({ topic }, bytes);
  }

  recordsOut(topic: string, records: number, bytes: number): void {
    if (records === 0) return;
    this.messagesOut.inc({ topic }, records);
    this.bytesOut.inc({ topic }, bytes);
  }

  request(api: string, seconds: number, errorCodes: readonly number[]): void {
    this.requests.inc({ api });
    this.duration.observe({ api }, seconds);
    for (const code of errorCodes) this.errors.inc({ api, error: errorName(code) });
  }

  connectionOpened(): void {
    this.connectionsTotal.inc();
    this.connections.set(++this.open);
  }

  connectionClosed(reason: string): void {
    this.connections.set(--this.open);
    this.connectionsClosed.inc({ reason });
  }

  fsync(seconds: number): void {
    this.fsyncs.observe(seconds);
  }

  rebalance(group: string): void {
    this.rebalances.inc({ group });
  }
}

/** Per-partition log figures, read from storage when scraped so they are never stale. */
function registerLogGauges(registry: Registry, logs: LogManager): void {
  const registers = [registry];
  const labelNames = ['topic', 'partition'] as const;
  const eachPartition = (read: (log: NonNullable<ReturnType<LogManager['partition']>>) => number) =>
    function (this: Gauge<'topic' | 'partition'>) {
      this.reset();
      for (const topic of logs.topics()) {
        for (let p = 0; p < topic.partitions; p++) {
          const log = logs.partition(topic.name, p);
          if (log) this.set({ topic: topic.name, partition: String(p) }, read(log));
        }
      }
    };
  new Gauge({
    name: 'sluice_log_end_offset',
    help: 'Offset the next appended record gets, by partition.',
    labelNames,
    registers,
    collect: eachPartition((log) => log.logEndOffset),
  });
  new Gauge({
    name: 'sluice_log_start_offset',
    help: 'Earliest offset still in the log, by partition.',
    labelNames,
    registers,
    collect: eachPartition((log) => log.logStartOffset),
  });
  new Gauge({
    name: 'sluice_log_size_bytes',
    help: 'Bytes of log segments on disk, by partition.',
    labelNames,
    registers,
    collect: eachPartition((log) => log.size),
  });
  new Gauge({
    name: 'sluice_topics',
    help: 'Topics, internal ones included.',
    registers,
    collect() {
      this.set(logs.topics().length);
    },
  });
  new Gauge({
    name: 'sluice_partitions',
    help: 'Partitions of all topics.',
    registers,
    collect() {
      this.set(logs.topics().reduce((n, t) => n + t.partitions, 0));
    },
  });
}

function registerDiskGauges(registry: Registry, dataDir: string): void {
  const registers = [registry];
  const read = async (pick: (s: { bavail: number; blocks: number; bsize: number }) => number) => {
    const s = await statfs(dataDir);
    return pick(s);
  };
  new Gauge({
    name: 'sluice_disk_free_bytes',
    help: 'Bytes available to Sluice on the file system of the data directory.',
    registers,
    async collect() {
      this.set(await read((s) => s.bavail * s.bsize));
    },
  });
  new Gauge({
    name: 'sluice_disk_total_bytes',
    help: 'Size of the file system of the data directory.',
    registers,
    async collect() {
      this.set(await read((s) => s.blocks * s.bsize));
    },
  });
}
