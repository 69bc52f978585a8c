// The errors policies throw. They are SluiceErrors, so the HTTP layers answer with the status
// Spring Cloud Gateway uses: an open breaker is 503, a timeout 504, a rate limit 429.

import { SluiceError } from '../errors/index.js';

/** resilience4j's CallNotPermittedException: the breaker is OPEN or FORCED_OPEN, or HALF_OPEN with no trial left. */
export class CallNotPermittedError extends SluiceError {
  constructor(
    readonly breaker: string,
    readonly state: string,
  ) {
    super('UNAVAILABLE', `circuit breaker ${breaker} is ${state} and does not permit further calls`, {
      hint: 'the upstream failed or was slow too often; calls are let through again after the open wait',
      details: { breaker, state },
    });
  }
}

/** No answer (status and headers) within the response timeout. */
export class ResponseTimeoutError extends SluiceError {
  constructor(readonly timeoutMs: number) {
    super('TIMEOUT', `no response within ${timeoutMs} ms`, { details: { timeoutMs } });
  }
}

/** No instance of a service to call (none registered, none UP, or all ejected or already tried). */
export class NoInstanceError extends SluiceError {
  constructor(readonly service: string) {
    super('UNAVAILABLE', `no instance of ${service} is available`, {
      hint: 'check that the service is registered and UP in the registry',
      details: { service },
    });
  }
}
