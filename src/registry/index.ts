// The service registry's only door: Eureka's REST API over the `sluice-registry-events` topic, as
// a platform component or alone (`sluice registry`).
export { DEFAULT_REGISTRY_CONFIG, type RegistryConfig, registryConfigSection } from './config.js';
export { EurekaError } from './errors.js';
export { eventsTopicConfigs } from './event-log.js';
export { decodeEvent, type RegistryEvent } from './events.js';
export { reconcileHashCode } from './hash-code.js';
export { type InstanceInfo, type InstanceStatus, parseRegistration, STATUSES } from './instance.js';
export { type Change, type Entry, InstanceRegistry, type RenewOutcome } from './instance-registry.js';
export {
  EUREKA_PREFIXES,
  type RunningRegistry,
  type StartRegistryOptions,
  startServiceRegistry,
} from './start-registry.js';
