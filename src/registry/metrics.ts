// The registry's metrics on the given prom-client registry (the platform's, scraped at /metrics).

import { Counter, Gauge, type Registry } from 'prom-client';
import { STATUSES } from './instance.js';
import type { InstanceRegistry } from './instance-registry.js';

export interface RegistryMetrics {
  registrations: Counter;
  renewals: Counter;
  evictions: Counter;
  cancellations: Counter;
  requests: Counter<'outcome'>;
}

export function registerRegistryMetrics(
  registry: Registry,
  instances: InstanceRegistry,
  events: () => { pending: number; dropped: number },
): RegistryMetrics {
  new Gauge({
    name: 'sluice_registry_instances',
    help: 'Registered instances by status (UP, DOWN, STARTING, OUT_OF_SERVICE, UNKNOWN).',
    labelNames: ['status'],
    registers: [registry],
    collect() {
      const counts = instances.countsByStatus();
      for (const s of STATUSES) this.set({ status: s }, counts.get(s) ?? 0);
    },
  });
  new Gauge({
    name: 'sluice_registry_self_preservation',
    help: '1 while self-preservation holds evictions (renewals in the last minute at or below the threshold), else 0.',
    registers: [registry],
    collect() {
      this.set(instances.selfPreservationActive ? 1 : 0);
    },
  });
  new Gauge({
    name: 'sluice_registry_renewals_last_minute',
    help: 'Renewals counted in the last complete minute (what self-preservation compares).',
    registers: [registry],
    collect() {
      this.set(instances.renewsLastMinute);
    },
  });
  new Gauge({
    name: 'sluice_registry_renewal_threshold',
    help: 'Renewals a minute below which self-preservation holds evictions.',
    registers: [registry],
    collect() {
      this.set(instances.renewalThreshold);
    },
  });
  new Gauge({
    name: 'sluice_registry_events_pending',
    help: 'Registry events not yet written to the events topic.',
    registers: [registry],
    collect() {
      this.set(events().pending);
    },
  });
  new Gauge({
    name: 'sluice_registry_events_dropped',
    help: 'Registry events dropped because the events topic could not be written for too long.',
    registers: [registry],
    collect() {
      this.set(events().dropped);
    },
  });
  const counter = (name: string, help: string) => new Counter({ name, help, registers: [registry] });
  return {
    registrations: counter(
      'sluice_registry_registrations_total',
      'Registrations accepted (re-registrations too).',
    ),
    renewals: counter('sluice_registry_renewals_total', 'Renewals accepted (200 answers).'),
    evictions: counter('sluice_registry_evictions_total', 'Instances evicted for an expired lease.'),
    cancellations: counter('sluice_registry_cancellations_total', 'Instances that deregistered.'),
    requests: new Counter({
      name: 'sluice_registry_requests_total',
      help: 'Registry HTTP requests by outcome: ok, client_error (4xx), server_error (5xx).',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}
