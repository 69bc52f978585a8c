// The discovery client's only door (exported as `sluice/discovery`): register, renew, deregister,
// and round-robin lookups over a copy of a Eureka registry kept fresh by deltas.
export {
  type DiscoveredInstance,
  DiscoveryClient,
  type DiscoveryOptions,
  type DiscoveryStats,
} from './discovery-client.js';
