// The config server's metrics on the platform's registry (scraped at /metrics).

import { Counter, Gauge, type Registry } from 'prom-client';
import type { ConfigState } from './config-state.js';

export interface ConfigMetrics {
  fetches: Counter<'format' | 'outcome'>;
  changes: Counter<'operation'>;
  busEvents: Counter;
}

export function registerConfigMetrics(
  registry: Registry,
  state: ConfigState,
  caughtUp: () => boolean,
): ConfigMetrics {
  new Gauge({
    name: 'sluice_config_properties',
    help: 'Properties stored (every application, profile and label).',
    registers: [registry],
    collect() {
      this.set(state.size);
    },
  });
  new Gauge({
    name: 'sluice_config_caught_up',
    help: '1 when the config server has read its values topic to its end since it started, else 0.',
    registers: [registry],
    collect() {
      this.set(caughtUp() ? 1 : 0);
    },
  });
  return {
    fetches: new Counter({
      name: 'sluice_config_fetches_total',
      help: 'Configuration fetches by clients, by format (environment, yml, properties, json) and outcome (ok, client_error, server_error).',
      labelNames: ['format', 'outcome'],
      registers: [registry],
    }),
    changes: new Counter({
      name: 'sluice_config_changes_total',
      help: 'Property changes made through this server, by operation (set, rm).',
      labelNames: ['operation'],
      registers: [registry],
    }),
    busEvents: new Counter({
      name: 'sluice_config_bus_events_total',
      help: 'RefreshRemoteApplicationEvents this server published on the bus topic.',
      registers: [registry],
    }),
  };
}
