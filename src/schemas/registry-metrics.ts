// The registry's metrics on the platform's registry (scraped at /metrics).

import { Counter, Gauge, type Registry } from 'prom-client';
import type { RegistryState } from './registry-state.js';

export interface RegistryMetrics {
  registered: Counter;
  requests: Counter<'outcome'>;
}

export function registerRegistryMetrics(
  registry: Registry,
  state: RegistryState,
  caughtUp: () => boolean,
): RegistryMetrics {
  new Gauge({
    name: 'sluice_schema_registry_subjects',
    help: 'Subjects with at least one version that is not deleted.',
    registers: [registry],
    collect() {
      let live = 0;
      for (const versions of state.subjects.values()) {
        if ([...versions.values()].some((v) => !v.deleted)) live++;
      }
      this.set(live);
    },
  });
  new Gauge({
    name: 'sluice_schema_registry_schemas',
    help: 'Distinct schemas (ids) stored.',
    registers: [registry],
    collect() {
      this.set(state.schemas().size);
    },
  });
  new Gauge({
    name: 'sluice_schema_registry_caught_up',
    help: '1 when the registry has read the _schemas topic to its end since it started, else 0.',
    registers: [registry],
    collect() {
      this.set(caughtUp() ? 1 : 0);
    },
  });
  return {
    registered: new Counter({
      name: 'sluice_schema_registry_registered_total',
      help: 'Schema versions this registry registered (new versions, not idempotent repeats).',
      registers: [registry],
    }),
    requests: new Counter({
      name: 'sluice_schema_registry_requests_total',
      help: 'Schema registry HTTP requests by outcome: ok, client_error (4xx), server_error (5xx).',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}
