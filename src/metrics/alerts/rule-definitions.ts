import { formatDuration } from './duration.js';

/** The kinds of rule Sluice evaluates; each is one alert in deploy/prometheus/alerts.yml. */
export const RULE_KINDS = [
  'brokerDown',
  'diskNearlyFull',
  'consumerLag',
  'consumerStalled',
  'produceErrorRate',
  'gatewayErrorRatio',
  'circuitBreakerOpen',
  'serviceInstancesDown',
  'deadLettersGrowing',
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** A rule's settings after the config file is applied. */
export interface RuleSettings {
  enabled: boolean;
  /** How long the condition must hold before the alert fires (Prometheus `for`), ms. */
  for: number;
  severity: string;
  /** Absent for rules without a threshold (broker down, open breakers). */
  threshold?: number;
  /** Range the rule looks back over for rates and growth, ms. */
  window?: number;
}

export interface RuleDefinition {
  readonly kind: RuleKind;
  /** The `alertname` label, the same as in the Prometheus rules file. */
  readonly alert: string;
  readonly defaults: RuleSettings;
  /** What `threshold` means, for config errors and docs. */
  readonly thresholdHelp?: string;
  /** Annotation templates in Prometheus's template language (the subset template.ts renders). */
  readonly annotations: { summary: string; description: string };
  /** The equivalent PromQL, shown by /api/rules and written in alerts.yml. */
  expr(settings: RuleSettings): string;
}

const range = (s: RuleSettings) => formatDuration(s.window ?? 300_000);

export const RULES: readonly RuleDefinition[] = [
  {
    kind: 'brokerDown',
    alert: 'SluiceBrokerDown',
    defaults: { enabled: true, for: 60_000, severity: 'critical' },
    annotations: {
      summary: 'Sluice broker is down',
      description: 'The Sluice broker does not answer: producers and consumers cannot reach it.',
    },
    expr: () => 'up{job="sluice"} == 0',
  },
  {
    kind: 'diskNearlyFull',
    alert: 'SluiceDiskNearlyFull',
    defaults: { enabled: true, for: 300_000, severity: 'warning', threshold: 0.1 },
    thresholdHelp: 'fraction of the data directory file system still free, between 0 and 1',
    annotations: {
      summary: 'Disk of the Sluice data directory is nearly full',
      description:
        'Only {{ $value | humanizePercentage }} of the file system holding the data directory is free: free space or shorten retention before appends fail.',
    },
    expr: (s) => `sluice_disk_free_bytes / sluice_disk_total_bytes < ${s.threshold}`,
  },
  {
    kind: 'consumerLag',
    alert: 'SluiceConsumerLagHigh',
    defaults: { enabled: true, for: 300_000, severity: 'warning', threshold: 1000, window: 300_000 },
    thresholdHelp: 'messages behind, summed over the partitions of a topic',
    annotations: {
      summary: 'Consumer group {{ $labels.consumergroup }} is falling behind on {{ $labels.topic }}',
      description:
        'Consumer group {{ $labels.consumergroup }} is {{ $value | humanize }} messages behind on topic {{ $labels.topic }} and the lag is still growing.',
    },
    expr: (s) =>
      `sum by (consumergroup, topic) (kafka_consumergroup_lag_sum) > ${s.threshold}` +
      ` and sum by (consumergroup, topic) (delta(kafka_consumergroup_lag_sum[${range(s)}])) > 0`,
  },
  {
    kind: 'consumerStalled',
    alert: 'SluiceConsumerStalled',
    defaults: { enabled: true, for: 120_000, severity: 'warning' },
    annotations: {
      summary: 'Consumer group {{ $labels.consumergroup }} is stalled on {{ $labels.topic }}',
      description:
        'Consumer group {{ $labels.consumergroup }} makes no progress on partition {{ $labels.partition }} of topic {{ $labels.topic }} although messages are waiting (Burrow status {{ $value }}: 4 is STOP, 5 is STALL).',
    },
    expr: () =>
      'max by (consumergroup, topic, partition) (kafka_burrow_partition_status == 4 or kafka_burrow_partition_status == 5)',
  },
  {
    kind: 'produceErrorRate',
    alert: 'SluiceProduceErrorRateHigh',
    defaults: { enabled: true, for: 120_000, severity: 'warning', threshold: 0.05, window: 300_000 },
    thresholdHelp: 'errors per Produce request',
    annotations: {
      summary: 'Produce requests are failing',
      description: '{{ $value | humanizePercentage }} of Produce requests returned an error.',
    },
    expr: (s) =>
      `sum(rate(sluice_request_errors_total{api="Produce"}[${range(s)}]))` +
      ` / sum(rate(sluice_requests_total{api="Produce"}[${range(s)}])) > ${s.threshold}`,
  },
  {
    kind: 'gatewayErrorRatio',
    alert: 'SluiceGateway5xxRatioHigh',
    defaults: { enabled: true, for: 300_000, severity: 'warning', threshold: 0.05, window: 300_000 },
    thresholdHelp: 'fraction of gateway responses with a 5xx status, between 0 and 1',
    annotations: {
      summary: 'Gateway route {{ $labels.route }} answers with server errors',
      description:
        '{{ $value | humanizePercentage }} of requests on gateway route {{ $labels.route }} got a 5xx answer.',
    },
    expr: (s) =>
      `sum by (route) (rate(sluice_gateway_requests_total{code=~"5.."}[${range(s)}]))` +
      ` / sum by (route) (rate(sluice_gateway_requests_total[${range(s)}])) > ${s.threshold}`,
  },
  {
    kind: 'circuitBreakerOpen',
    alert: 'SluiceCircuitBreakerOpen',
    defaults: { enabled: true, for: 60_000, severity: 'warning' },
    annotations: {
      summary: 'Circuit breaker {{ $labels.name }} is open',
      description: 'Circuit breaker {{ $labels.name }} is open: calls through it fail fast.',
    },
    expr: () => 'max by (name) (sluice_circuit_breaker_state{state="open"}) == 1',
  },
  {
    kind: 'serviceInstancesDown',
    alert: 'SluiceServiceInstancesDown',
    defaults: { enabled: true, for: 300_000, severity: 'warning', threshold: 0 },
    thresholdHelp: 'number of DOWN instances of one application tolerated',
    annotations: {
      summary: 'Instances of service {{ $labels.app }} are down',
      description: '{{ $value }} instances of service {{ $labels.app }} are registered as DOWN.',
    },
    expr: (s) => `sum by (app) (sluice_registry_instances{status="DOWN"}) > ${s.threshold}`,
  },
  {
    kind: 'deadLettersGrowing',
    alert: 'SluicePipelineDeadLettersGrowing',
    defaults: { enabled: true, for: 300_000, severity: 'warning', threshold: 0, window: 600_000 },
    thresholdHelp: 'dead letters of one pipeline within the window tolerated',
    annotations: {
      summary: 'Pipeline {{ $labels.pipeline }} keeps writing to its dead-letter topic {{ $labels.topic }}',
      description:
        'Pipeline {{ $labels.pipeline }} sent {{ $value | humanize }} messages to dead-letter topic {{ $labels.topic }} recently: look at their sluice.error.reason headers, fix the cause, then replay them.',
    },
    expr: (s) =>
      `sum by (pipeline, topic) (increase(sluice_pipeline_dead_lettered_total[${range(s)}])) > ${s.threshold}`,
  },
];

export function ruleDefinition(kind: RuleKind): RuleDefinition {
  return RULES.find((r) => r.kind === kind)!;
}
