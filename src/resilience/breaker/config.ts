// The circuit breaker's settings, named and defaulted as resilience4j's CircuitBreakerConfig
// (durations in milliseconds here). Checked once, so a bad value is an error naming the field.

import { SluiceError } from '../../errors/index.js';

export type SlidingWindowType = 'COUNT_BASED' | 'TIME_BASED';

export interface CircuitBreakerConfig {
  /** COUNT_BASED: the last `slidingWindowSize` calls; TIME_BASED: the last `slidingWindowSize` seconds. */
  readonly slidingWindowType: SlidingWindowType;
  readonly slidingWindowSize: number;
  /** Calls the window must hold before a rate is judged (capped at the window size when COUNT_BASED). */
  readonly minimumNumberOfCalls: number;
  /** Percent of failed calls at or above which the breaker opens. */
  readonly failureRateThreshold: number;
  /** Percent of slow calls at or above which the breaker opens. */
  readonly slowCallRateThreshold: number;
  /** A call that takes longer than this is slow. */
  readonly slowCallDurationThresholdMs: number;
  readonly waitDurationInOpenStateMs: number;
  readonly permittedNumberOfCallsInHalfOpenState: number;
  /** How long HALF_OPEN may wait for its trials before opening again; 0: as long as it takes. */
  readonly maxWaitDurationInHalfOpenStateMs: number;
  /** Go HALF_OPEN by a timer after the wait, rather than at the first call after it. */
  readonly automaticTransitionFromOpenToHalfOpenEnabled: boolean;
}

/** resilience4j 2.x's defaults (CircuitBreakerConfig.DEFAULT_*). */
export const CIRCUIT_BREAKER_DEFAULTS: CircuitBreakerConfig = {
  slidingWindowType: 'COUNT_BASED',
  slidingWindowSize: 100,
  minimumNumberOfCalls: 100,
  failureRateThreshold: 50,
  slowCallRateThreshold: 100,
  slowCallDurationThresholdMs: 60_000,
  waitDurationInOpenStateMs: 60_000,
  permittedNumberOfCallsInHalfOpenState: 10,
  maxWaitDurationInHalfOpenStateMs: 0,
  automaticTransitionFromOpenToHalfOpenEnabled: false,
};

function invalid(field: string, message: string): SluiceError {
  return new SluiceError('INVALID_CONFIG', `circuit breaker ${field} ${message}`, {
    details: { key: field },
  });
}

function integer(value: unknown, field: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min)
    throw invalid(field, `must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  return value;
}

function percent(value: unknown, field: string): number {
  if (typeof value !== 'number' || !(value > 0 && value <= 100))
    throw invalid(field, `must be a percentage in (0, 100], got ${JSON.stringify(value)}`);
  return value;
}

/** Fills in resilience4j's defaults and checks every field; throws INVALID_CONFIG naming the bad one. */
export function circuitBreakerConfig(given: Partial<CircuitBreakerConfig> = {}): CircuitBreakerConfig {
  const c = { ...CIRCUIT_BREAKER_DEFAULTS, ...given };
  if (c.slidingWindowType !== 'COUNT_BASED' && c.slidingWindowType !== 'TIME_BASED')
    throw invalid(
      'slidingWindowType',
      `must be COUNT_BASED or TIME_BASED, got ${JSON.stringify(c.slidingWindowType)}`,
    );
  const slidingWindowSize = integer(c.slidingWindowSize, 'slidingWindowSize', 1);
  const minimum = integer(c.minimumNumberOfCalls, 'minimumNumberOfCalls', 1);
  if (typeof c.automaticTransitionFromOpenToHalfOpenEnabled !== 'boolean')
    throw invalid('automaticTransitionFromOpenToHalfOpenEnabled', 'must be true or false');
  return {
    slidingWindowType: c.slidingWindowType,
    slidingWindowSize,
    // As resilience4j's builder: a count window can never hold more calls than its size.
    minimumNumberOfCalls:
      c.slidingWindowType === 'COUNT_BASED' ? Math.min(minimum, slidingWindowSize) : minimum,
    failureRateThreshold: percent(c.failureRateThreshold, 'failureRateThreshold'),
    slowCallRateThreshold: percent(c.slowCallRateThreshold, 'slowCallRateThreshold'),
    slowCallDurationThresholdMs: integer(c.slowCallDurationThresholdMs, 'slowCallDurationThresholdMs', 1),
    waitDurationInOpenStateMs: integer(c.waitDurationInOpenStateMs, 'waitDurationInOpenStateMs', 1),
    permittedNumberOfCallsInHalfOpenState: integer(
      c.permittedNumberOfCallsInHalfOpenState,
      'permittedNumberOfCallsInHalfOpenState',
      1,
    ),
    maxWaitDurationInHalfOpenStateMs: integer(
      c.maxWaitDurationInHalfOpenStateMs,
      'maxWaitDurationInHalfOpenStateMs',
      0,
    ),
    automaticTransitionFromOpenToHalfOpenEnabled: c.automaticTransitionFromOpenToHalfOpenEnabled,
  };
}
