/**
 * Every metric name the rules, the Prometheus rules file and the Grafana dashboard may use, in one
 * place: a test checks the shipped files against it, so a renamed metric cannot silently break them.
 */
export const BROKER_METRICS = [
  'sluice_messages_in_total',
  'sluice_bytes_in_total',
  'sluice_messages_out_total',
  'sluice_bytes_out_total',
  'sluice_requests_total',
  'sluice_request_errors_total',
  'sluice_request_duration_seconds',
  'sluice_connections',
  'sluice_connections_opened_total',
  'sluice_connections_closed_total',
  'sluice_connections_blocked',
  'sluice_request_buffered_bytes',
  'sluice_request_buffered_limit_bytes',
  'sluice_request_memory_waits_total',
  'sluice_response_unsent_bytes',
  'sluice_fetch_buffer_pool_idle_bytes',
  'sluice_fetch_buffer_slabs_total',
  'sluice_fsync_duration_seconds',
  'sluice_group_rebalances_total',
  'sluice_log_end_offset',
  'sluice_log_start_offset',
  'sluice_log_size_bytes',
  'sluice_topics',
  'sluice_partitions',
  'sluice_disk_free_bytes',
  'sluice_disk_total_bytes',
] as const;

/** kafka_exporter's names for consumer lag, and Burrow's status codes as gauges. */
export const LAG_METRICS = [
  'kafka_brokers',
  'kafka_topic_partitions',
  'kafka_topic_partition_current_offset',
  'kafka_topic_partition_oldest_offset',
  'kafka_consumergroup_current_offset',
  'kafka_consumergroup_current_offset_sum',
  'kafka_consumergroup_lag',
  'kafka_consumergroup_lag_sum',
  'kafka_consumergroup_members',
  'kafka_consumergroup_lag_seconds',
  'kafka_burrow_partition_status',
  'kafka_burrow_status',
] as const;

/** The platform thread's own, and metrics of components built later (gateway, circuit breaker, registry). */
export const PLATFORM_METRICS = [
  'sluice_platform_restarts_total',
  'sluice_platform_utilization',
  'sluice_platform_requests_delayed_total',
  'sluice_platform_requests_refused_total',
  'sluice_platform_heap_used_bytes',
  'sluice_gateway_requests_total',
  'sluice_circuit_breaker_state',
  'sluice_registry_instances',
] as const;

/** The pipeline runtime's (src/pipeline/runtime/metrics.ts). */
export const PIPELINE_METRICS = [
  'sluice_pipeline_messages_in_total',
  'sluice_pipeline_messages_out_total',
  'sluice_pipeline_filtered_total',
  'sluice_pipeline_unmatched_dropped_total',
  'sluice_pipeline_retried_total',
  'sluice_pipeline_dead_lettered_total',
  'sluice_pipeline_errors_total',
  'sluice_pipeline_process_duration_seconds',
  'sluice_pipeline_step_duration_seconds',
] as const;

/** What the alert evaluator itself exports. */
export const ALERT_METRICS = [
  'sluice_alerts',
  'sluice_alert_notifications_total',
  'sluice_alert_evaluations_total',
] as const;

/** Series Prometheus makes itself: target health and its own ALERTS series. */
export const PROMETHEUS_SERIES = ['up', 'ALERTS', 'ALERTS_FOR_STATE'] as const;

/** Burrow's numeric status codes, as the lag exporter sets them. */
export const BURROW_STATUS = { NOTFOUND: 0, OK: 1, WARN: 2, ERR: 3, STOP: 4, STALL: 5, REWIND: 6 } as const;

const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];

export const KNOWN_METRICS: ReadonlySet<string> = new Set([
  ...BROKER_METRICS,
  ...LAG_METRICS,
  ...PLATFORM_METRICS,
  ...PIPELINE_METRICS,
  ...ALERT_METRICS,
  ...PROMETHEUS_SERIES,
]);

/** Whether a series name is known, histogram series (`_bucket`, `_sum`, `_count`) included. */
export function isKnownMetric(name: string): boolean {
  if (KNOWN_METRICS.has(name)) return true;
  const suffix = HISTOGRAM_SUFFIXES.find((s) => name.endsWith(s));
  return suffix !== undefined && KNOWN_METRICS.has(name.slice(0, -suffix.length));
}
