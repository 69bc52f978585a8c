// `sluice/http`'s only door: call services by registry name with breakers, budgeted retries and timeouts.
export type { BreakerState, CircuitBreaker, StateTransition } from '../breaker/circuit-breaker.js';
export { CallNotPermittedError, NoInstanceError, ResponseTimeoutError } from '../errors.js';
export {
  type CallOptions,
  type InstanceSource,
  ServiceClient,
  type ServiceClientOptions,
  type ServiceResponse,
} from './service-client.js';
