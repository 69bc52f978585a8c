import { pino } from 'pino';
import { Counter, Gauge, Registry } from 'prom-client';
import { type AlertEvaluator, startAlertEvaluator } from '../../../../src/metrics/alerts/index.js';
import { alertConfig } from '../../../helpers/config.js';

/** A registry with the series the rules read, a settable clock and an evaluator that never ticks by itself. */
export function alertHarness(
  alerts: Record<string, unknown> = {},
  brokerHealth?: () => Promise<'UP' | 'DOWN'>,
) {
  const registry = new Registry();
  const registers = [registry];
  const metrics = {
    lagSum: new Gauge({
      name: 'kafka_consumergroup_lag_sum',
      help: 'h',
      labelNames: ['consumergroup', 'topic'],
      registers,
    }),
    burrow: new Gauge({
      name: 'kafka_burrow_partition_status',
      help: 'h',
      labelNames: ['consumergroup', 'topic', 'partition'],
      registers,
    }),
    requests: new Counter({ name: 'sluice_requests_total', help: 'h', labelNames: ['api'], registers }),
    errors: new Counter({
      name: 'sluice_request_errors_total',
      help: 'h',
      labelNames: ['api', 'error'],
      registers,
    }),
    diskFree: new Gauge({ name: 'sluice_disk_free_bytes', help: 'h', registers }),
    diskTotal: new Gauge({ name: 'sluice_disk_total_bytes', help: 'h', registers }),
    gateway: new Counter({
      name: 'sluice_gateway_requests_total',
      help: 'h',
      labelNames: ['route', 'method', 'code'],
      registers,
    }),
    breaker: new Gauge({
      name: 'sluice_circuit_breaker_state',
      help: 'h',
      labelNames: ['name', 'state'],
      registers,
    }),
    instances: new Gauge({
      name: 'sluice_registry_instances',
      help: 'h',
      labelNames: ['app', 'status'],
      registers,
    }),
  };
  const clock = { t: Date.UTC(2025, 0, 1) };
  // enabled: false keeps the timer off; the test drives evaluate() itself.
  const evaluator: AlertEvaluator = startAlertEvaluator({
    config: alertConfig({ ...alerts, enabled: false }),
    registry,
    logger: pino({ level: 'silent' }),
    brokerHealth,
    externalUrl: 'http://127.0.0.1:8080',
    now: () => clock.t,
  });
  /** Advances the clock and evaluates. */
  const at = async (seconds: number) => {
    clock.t = Date.UTC(2025, 0, 1) + seconds * 1000;
    await evaluator.evaluate();
  };
  const find = (alertname: string) => evaluator.alerts().filter((a) => a.alertname === alertname);
  return { registry, metrics, clock, evaluator, at, find };
}
