// The resilience room's only door: resilience4j's circuit breaker, retries with full-jitter backoff
// and Envoy's retry budget, connect and response timeouts, Spring's token-bucket rate limiter,
// Envoy's passive outlier ejection, and `sluice/http` built from them. Every policy takes an
// injected clock and emits events (cockatiel's Event style) for the gateway to turn into metrics.

export { type Clock, type ClockTimer, systemClock } from '../clock/index.js';
export {
  type BreakerMetrics,
  type BreakerPermit,
  type BreakerState,
  type CallKind,
  CircuitBreaker,
  type CircuitBreakerOptions,
  type StateTransition,
  type TransitionReason,
} from './breaker/circuit-breaker.js';
export {
  CIRCUIT_BREAKER_DEFAULTS,
  type CircuitBreakerConfig,
  circuitBreakerConfig,
  type SlidingWindowType,
} from './breaker/config.js';
export {
  CountWindow,
  type SlidingWindow,
  TimeWindow,
  type WindowSnapshot,
} from './breaker/sliding-window.js';
export { CallNotPermittedError, NoInstanceError, ResponseTimeoutError } from './errors.js';
export * from './http-client/index.js';
export {
  type EjectionEvent,
  OUTLIER_DEFAULTS,
  type OutlierConfig,
  OutlierDetector,
} from './outlier/outlier-detector.js';
export {
  RATE_LIMIT_DEFAULTS,
  type RateLimitConfig,
  type RateLimitDecision,
  rateLimitConfig,
  TokenBucketLimiter,
} from './rate-limit/token-bucket.js';
export {
  BACKOFF_DEFAULTS,
  type BackoffConfig,
  backoffCeiling,
  fullJitterBackoff,
  fullJitterDelay,
} from './retry/backoff.js';
export { RETRY_BUDGET_DEFAULTS, RetryBudget, type RetryBudgetConfig } from './retry/budget.js';
export {
  IDEMPOTENT_METHODS,
  methodRetryable,
  RETRY_DEFAULTS,
  type RetryConfig,
  retryConfig,
  type StatusSeries,
  statusRetryable,
} from './retry/config.js';
export { classifyError, type RetryableError } from './retry/errors.js';
export {
  type Instance,
  Retrier,
  type RetrierOptions,
  type RetryCall,
  type RetryEvent,
} from './retry/retrier.js';
export { TIMEOUT_DEFAULTS, type Timeouts, timeouts, withResponseTimeout } from './timeouts.js';
