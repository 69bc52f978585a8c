// The platform's components, in the order they start (they close in reverse). The config room
// takes their sections from this list too: a new component is one line here. Only light files
// are imported: each component loads its heavy modules when it starts.

import { configServerComponent } from '../configserver/configserver-component.js';
import { gatewayComponent } from '../gateway/gateway-component.js';
import { logsComponent } from '../logs/logs-component.js';
import { alertsComponent } from '../metrics/alerts/alerts-component.js';
import { lagComponent } from '../metrics/lag/lag-component.js';
import { pipelinesComponent } from '../pipeline/pipelines-component.js';
import { registryComponent } from '../registry/registry-component.js';
import { schemasComponent } from '../schemas/schemas-component.js';
import { healthComponent } from './health/health-component.js';

export const PLATFORM_COMPONENTS = [
  healthComponent,
  lagComponent,
  logsComponent,
  alertsComponent,
  schemasComponent,
  pipelinesComponent,
  configServerComponent,
  registryComponent,
  gatewayComponent,
] as const;

/** The config sections of the components, in list order. */
export type ComponentSection = NonNullable<(typeof PLATFORM_COMPONENTS)[number]['section']>;

export const COMPONENT_SECTIONS: readonly ComponentSection[] = PLATFORM_COMPONENTS.flatMap((c) =>
  c.section === undefined ? [] : [c.section],
);
