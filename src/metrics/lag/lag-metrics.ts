// The lag metrics on a prom-client registry. Values are set at scrape time from the monitor's
// latest view (refreshed first if older than its max age), so groups, topics and partitions that
// disappeared leave the exposition with them.

import { Counter, Gauge, type Registry } from 'prom-client';
import { BurrowStatus, type GroupStatus } from './burrow-rules.js';
import type { ExporterRows, Row } from './exporter-rows.js';

export interface LagView {
  exporter: ExporterRows | undefined;
  burrow: GroupStatus[];
  /** Whether the last refresh succeeded, and when one last did (ms, 0 = never). */
  up: boolean;
  lastSuccess: number;
}

export interface LagMetricsSource {
  /** The view for this scrape, refreshed first if stale; never rejects. */
  view(): Promise<LagView>;
}

const STATUS_HELP =
  'Statuses are numbered as in Burrow: 0 NOTFOUND, 1 OK, 2 WARN, 3 ERR, 4 STOP, 5 STALL, 6 REWIND.';

type Pick = (view: LagView) => Row[] | undefined;

export class LagMetrics {
  readonly refreshErrors: Counter;

  constructor(registry: Registry, source: LagMetricsSource) {
    const registers = [registry];
    const gauge = (name: string, help: string, labelNames: string[], pick: Pick) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers,
        async collect() {
          const rows = pick(await source.view());
          this.reset();
          for (const [labels, value] of rows ?? []) this.set(labels, value);
        },
      });
    const ex =
      (f: (rows: ExporterRows) => Row[]): Pick =>
      (v) =>
        v.exporter ? f(v.exporter) : undefined;
    const groupPartition = ['consumergroup', 'topic', 'partition'];
    const topicPartition = ['topic', 'partition'];

    // kafka_exporter's names, help texts and labels.
    gauge(
      'kafka_brokers',
      'Number of Brokers in the Kafka Cluster.',
      [],
      ex((r) => [[{}, r.brokers]]),
    );
    gauge(
      'kafka_topic_partitions',
      'Number of partitions for this Topic',
      ['topic'],
      ex((r) => r.topicPartitions),
    );
    gauge(
      'kafka_topic_partition_current_offset',
      'Current Offset of a Broker at Topic/Partition',
      topicPartition,
      ex((r) => r.topicCurrentOffset),
    );
    gauge(
      'kafka_topic_partition_oldest_offset',
      'Oldest Offset of a Broker at Topic/Partition',
      topicPartition,
      ex((r) => r.topicOldestOffset),
    );
    gauge(
      'kafka_consumergroup_current_offset',
      'Current Offset of a ConsumerGroup at Topic/Partition',
      groupPartition,
      ex((r) => r.groupCurrentOffset),
    );
    gauge(
      'kafka_consumergroup_current_offset_sum',
      'Current Offset of a ConsumerGroup at Topic for all partitions',
      ['consumergroup', 'topic'],
      ex((r) => r.groupCurrentOffsetSum),
    );
    gauge(
      'kafka_consumergroup_lag',
      'Current Approximate Lag of a ConsumerGroup at Topic/Partition',
      groupPartition,
      ex((r) => r.groupLag),
    );
    gauge(
      'kafka_consumergroup_lag_sum',
      'Current Approximate Lag of a ConsumerGroup at Topic for all partitions',
      ['consumergroup', 'topic'],
      ex((r) => r.groupLagSum),
    );
    gauge(
      'kafka_consumergroup_members',
      'Amount of members in a consumer group',
      ['consumergroup'],
      ex((r) => r.groupMembers),
    );
    gauge(
      'kafka_consumergroup_lag_seconds',
      'Seconds since the oldest record a ConsumerGroup has not consumed at Topic/Partition was written (its timestamp); 0 without lag',
      groupPartition,
      ex((r) => r.groupLagSeconds),
    );

    // Burrow's evaluation of the window of recent commits.
    gauge(
      'kafka_burrow_status',
      `Burrow status of a consumer group: the worst partition status, capped at ERR. ${STATUS_HELP}`,
      ['consumergroup'],
      (v) => v.burrow.map((g) => [{ consumergroup: g.group }, BurrowStatus[g.status]]),
    );
    gauge(
      'kafka_burrow_partition_status',
      `Burrow status of a consumer group at Topic/Partition. ${STATUS_HELP}`,
      groupPartition,
      (v) =>
        v.burrow.flatMap((g) =>
          g.partitions.map(
            (p): Row => [
              { consumergroup: g.group, topic: p.topic, partition: String(p.partition) },
              BurrowStatus[p.status],
            ],
          ),
        ),
    );
    gauge(
      'kafka_burrow_total_lag',
      'Sum of the current lag of every partition of a consumer group, as Burrow reports it (totallag)',
      ['consumergroup'],
      (v) => v.burrow.map((g) => [{ consumergroup: g.group }, g.totallag]),
    );
    gauge(
      'kafka_burrow_max_lag',
      'Current lag of the consumer group partition that lags most (Burrow maxlag)',
      ['consumergroup'],
      (v) => v.burrow.map((g) => [{ consumergroup: g.group }, g.maxlag?.current_lag ?? 0]),
    );
    gauge(
      'kafka_burrow_complete',
      'Share of the consumer group partitions whose window of commits is full (Burrow complete)',
      ['consumergroup'],
      (v) => v.burrow.map((g) => [{ consumergroup: g.group }, g.complete]),
    );

    // The monitor itself: whether what is shown is current.
    gauge(
      'sluice_lag_monitor_up',
      '1 if the last read of offsets and groups from Kafka succeeded, else 0',
      [],
      (v) => [[{}, v.up ? 1 : 0]],
    );
    gauge(
      'sluice_lag_monitor_last_success_timestamp_seconds',
      'When the lag monitor last read offsets and groups from Kafka successfully (Unix time)',
      [],
      (v) => (v.lastSuccess > 0 ? [[{}, v.lastSuccess / 1000]] : []),
    );
    this.refreshErrors = new Counter({
      name: 'sluice_lag_monitor_refresh_errors_total',
      help: 'Reads of offsets and groups from Kafka that failed or timed out',
      registers,
    });
  }
}
