import { BURROW_STATUS } from './known-metrics.js';
import type { RuleKind, RuleSettings } from './rule-definitions.js';
import { labelKey, maxBy, type Sample, type SampleHistory, sumBy } from './samples.js';

export type BrokerHealth = () => Promise<'UP' | 'DOWN'>;

export interface EvalContext {
  history: SampleHistory;
  brokerHealth?: BrokerHealth;
}

/** Which metrics each rule reads, so only those are collected per evaluation. */
export const RULE_METRICS: Record<RuleKind, readonly string[]> = {
  brokerDown: [],
  diskNearlyFull: ['sluice_disk_free_bytes', 'sluice_disk_total_bytes'],
  consumerLag: ['kafka_consumergroup_lag_sum'],
  consumerStalled: ['kafka_burrow_partition_status'],
  produceErrorRate: ['sluice_request_errors_total', 'sluice_requests_total'],
  gatewayErrorRatio: ['sluice_gateway_requests_total'],
  circuitBreakerOpen: ['sluice_circuit_breaker_state'],
  serviceInstancesDown: ['sluice_registry_instances'],
  deadLettersGrowing: ['sluice_pipeline_dead_lettered_total'],
};

/**
 * The series for which a rule's condition holds now, each with its labels and the value the
 * PromQL expression would return. The same conditions as deploy/prometheus/alerts.yml.
 */
export async function evaluateRule(kind: RuleKind, s: RuleSettings, ctx: EvalContext): Promise<Sample[]> {
  const h = ctx.history;
  const threshold = s.threshold ?? 0;
  const window = s.window ?? 300_000;
  switch (kind) {
    case 'brokerDown': {
      if (!ctx.brokerHealth) return [];
      const status = await ctx.brokerHealth().catch(() => 'DOWN' as const);
      // The value `up` would have: 0.
      return status === 'DOWN' ? [{ labels: {}, value: 0 }] : [];
    }
    case 'diskNearlyFull':
      return ratio(h.instant('sluice_disk_free_bytes'), h.instant('sluice_disk_total_bytes')).filter(
        (r) => r.value < threshold,
      );
    case 'consumerLag': {
      const by = ['consumergroup', 'topic'];
      const growth = keyed(sumBy(h.delta('kafka_consumergroup_lag_sum', window), by));
      return sumBy(h.instant('kafka_consumergroup_lag_sum'), by).filter(
        (lag) => lag.value > threshold && (growth.get(labelKey(lag.labels))?.value ?? 0) > 0,
      );
    }
    case 'consumerStalled': {
      const stuck = h
        .instant('kafka_burrow_partition_status')
        .filter((p) => p.value === BURROW_STATUS.STOP || p.value === BURROW_STATUS.STALL);
      return maxBy(stuck, ['consumergroup', 'topic', 'partition']);
    }
    case 'produceErrorRate': {
      const errors = sumBy(h.increase('sluice_request_errors_total', window, { api: 'Produce' }), []);
      const requests = sumBy(h.increase('sluice_requests_total', window, { api: 'Produce' }), []);
      return ratio(errors, requests).filter((r) => r.value > threshold);
    }
    case 'gatewayErrorRatio': {
      const failed = sumBy(h.increase('sluice_gateway_requests_total', window, { code: /5../ }), ['route']);
      const all = sumBy(h.increase('sluice_gateway_requests_total', window), ['route']);
      return ratio(failed, all).filter((r) => r.value > threshold);
    }
    case 'circuitBreakerOpen':
      return maxBy(h.instant('sluice_circuit_breaker_state', { state: 'open' }), ['name']).filter(
        (b) => b.value === 1,
      );
    case 'serviceInstancesDown':
      return sumBy(h.instant('sluice_registry_instances', { status: 'DOWN' }), ['app']).filter(
        (a) => a.value > threshold,
      );
    case 'deadLettersGrowing':
      return sumBy(h.increase('sluice_pipeline_dead_lettered_total', window), ['pipeline', 'topic']).filter(
        (d) => d.value > threshold,
      );
  }
}

/** a / b matched on identical labels; a zero or missing divisor gives no result (PromQL's NaN never compares true). */
function ratio(a: Sample[], b: Sample[]): Sample[] {
  const divisors = keyed(b);
  return a.flatMap((x) => {
    const d = divisors.get(labelKey(x.labels));
    return d && d.value > 0 ? [{ labels: x.labels, value: x.value / d.value }] : [];
  });
}

function keyed(samples: Sample[]): Map<string, Sample> {
  return new Map(samples.map((s) => [labelKey(s.labels), s]));
}
