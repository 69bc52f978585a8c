// A circuit breaker with resilience4j's state machine: CLOSED judges a sliding window of outcomes
// (failure rate and slow-call rate, once it holds minimumNumberOfCalls); OPEN rejects until
// waitDurationInOpenState has passed, then the next call (or a timer, when automatic) makes it
// HALF_OPEN; HALF_OPEN lets permittedNumberOfCallsInHalfOpenState trials through, rejects the rest,
// and judges the trials as one window: CLOSED below both thresholds, OPEN again otherwise.
// DISABLED lets everything through unrecorded; FORCED_OPEN rejects everything.
//
// Why not cockatiel's CircuitBreakerPolicy with a custom IBreaker (see docs/architecture.md): it
// reads Date.now() itself (no injected clock), IBreaker.success() gets no duration and cannot open
// the circuit (so slow successful calls can never trip it), and HALF_OPEN queues calls beyond its
// sample instead of rejecting them. This class implements cockatiel's IPolicy instead, so it
// composes with cockatiel's retry and timeout through `wrap`.

import {
  EventEmitter,
  type IDefaultPolicyContext,
  type IFailureEvent,
  type IPolicy,
  type ISuccessEvent,
} from 'cockatiel';
import { type Clock, type ClockTimer, systemClock } from '../../clock/index.js';
import { CallNotPermittedError } from '../errors.js';
import { type CircuitBreakerConfig, circuitBreakerConfig } from './config.js';
import { CountWindow, type SlidingWindow, TimeWindow, type WindowSnapshot } from './sliding-window.js';

export type BreakerState = 'CLOSED' | 'OPEN' | 'HALF_OPEN' | 'DISABLED' | 'FORCED_OPEN';

export type TransitionReason =
  | 'failure-rate'
  | 'slow-call-rate'
  | 'wait-elapsed'
  | 'trials-passed'
  | 'trials-failed'
  | 'half-open-wait-exceeded'
  | 'manual';

export interface StateTransition {
  readonly breaker: string;
  readonly from: BreakerState;
  readonly to: BreakerState;
  readonly reason: TransitionReason;
}

export type CallKind = 'successful' | 'failed' | 'slow_successful' | 'slow_failed' | 'ignored';

export interface CircuitBreakerOptions extends Partial<CircuitBreakerConfig> {
  /** Named in errors and events (a route id, a service, an instance). */
  readonly name?: string;
  readonly clock?: Clock;
  /** resilience4j's recordExceptions: thrown errors that count as failures (default: all). Others count as successes. */
  readonly recordError?: (error: unknown) => boolean;
  /** resilience4j's ignoreExceptions: errors that count as neither (default: none). */
  readonly ignoreError?: (error: unknown) => boolean;
  /** resilience4j's recordResult: returned values that count as failures (e.g. a 5xx response). */
  readonly recordResult?: (result: unknown) => boolean;
}

export interface BreakerMetrics extends WindowSnapshot {
  readonly state: BreakerState;
  /** Percent, or -1 while the window holds fewer than minimumNumberOfCalls (as resilience4j). */
  readonly failureRate: number;
  readonly slowCallRate: number;
  readonly notPermittedCalls: number;
}

/** A permission to make one call; report how it went exactly once. */
export interface BreakerPermit {
  success(durationMs: number): void;
  failure(durationMs: number): void;
  /** The call counts as nothing (an ignored error); a HALF_OPEN trial is given back. */
  release(): void;
}

export class CircuitBreaker implements IPolicy {
  declare readonly _altReturn: never;
  readonly name: string;
  readonly config: CircuitBreakerConfig;
  private readonly clock: Clock;
  private readonly recordError: (error: unknown) => boolean;
  private readonly ignoreError: (error: unknown) => boolean;
  private readonly recordResult: (result: unknown) => boolean;

  private current: BreakerState = 'CLOSED';
  /** Bumped at every transition: outcomes of calls permitted in an earlier state are not recorded. */
  private generation = 0;
  private window: SlidingWindow;
  private openedAt = 0;
  private trialsLeft = 0;
  private timer: ClockTimer | undefined;
  private notPermitted = 0;

  private readonly transitions = new EventEmitter<StateTransition>();
  private readonly rejections = new EventEmitter<{ breaker: string; state: BreakerState }>();
  private readonly calls = new EventEmitter<{ breaker: string; kind: CallKind; durationMs: number }>();
  private readonly successes = new EventEmitter<ISuccessEvent>();
  private readonly failures = new EventEmitter<IFailureEvent>();

  /** Every change of state, with why. */
  readonly onStateTransition = this.transitions.addListener;
  /** A call rejected (resilience4j's CallNotPermittedException). */
  readonly onCallNotPermitted = this.rejections.addListener;
  /** A call's outcome as recorded (resilience4j's call kinds). */
  readonly onCallRecorded = this.calls.addListener;
  readonly onSuccess = this.successes.addListener;
  readonly onFailure = this.failures.addListener;

  constructor(options: CircuitBreakerOptions = {}) {
    const { name, clock, recordError, ignoreError, recordResult, ...config } = options;
    this.config = circuitBreakerConfig(config);
    this.name = name ?? 'default';
    this.clock = clock ?? systemClock;
    this.recordError = recordError ?? (() => true);
    this.ignoreError = ignoreError ?? (() => false);
    this.recordResult = recordResult ?? (() => false);
    this.window = this.closedWindow();
  }

  /** The state now; an OPEN breaker whose wait has passed still reads OPEN until a call arrives. */
  get state(): BreakerState {
    return this.current;
  }

  metrics(): BreakerMetrics {
    const snapshot = this.window.snapshot(this.clock.now());
    const judged = snapshot.calls >= this.minimumCalls() && snapshot.calls > 0;
    return {
      state: this.current,
      ...snapshot,
      failureRate: judged ? (snapshot.failedCalls * 100) / snapshot.calls : -1,
      slowCallRate: judged ? (snapshot.slowCalls * 100) / snapshot.calls : -1,
      notPermittedCalls: this.notPermitted,
    };
  }

  /** Asks to make a call: a permit, or undefined when the breaker rejects it (counted and emitted). */
  acquire(): BreakerPermit | undefined {
    if (this.current === 'OPEN' && this.clock.now() - this.openedAt >= this.config.waitDurationInOpenStateMs)
      this.transition('HALF_OPEN', 'wait-elapsed');
    switch (this.current) {
      case 'CLOSED':
      case 'DISABLED':
        return this.permit();
      case 'HALF_OPEN':
        if (this.trialsLeft > 0) {
          this.trialsLeft--;
          return this.permit();
        }
        return this.reject();
      default:
        return this.reject();
    }
  }

  /** cockatiel's IPolicy: runs `fn` when permitted, timing it with the clock and recording the outcome. */
  async execute<T>(
    fn: (context: IDefaultPolicyContext) => PromiseLike<T> | T,
    signal: AbortSignal = new AbortController().signal,
  ): Promise<T> {
    const permit = this.acquire();
    if (!permit) throw new CallNotPermittedError(this.name, this.current);
    const start = this.clock.now();
    let result: T;
    try {
      result = await fn({ signal });
    } catch (error) {
      const duration = this.clock.now() - start;
      if (this.ignoreError(error)) permit.release();
      else if (this.recordError(error)) {
        permit.failure(duration);
        this.failures.emit({ duration, handled: true, reason: { error } });
      } else permit.success(duration);
      throw error;
    }
    const duration = this.clock.now() - start;
    if (this.recordResult(result)) {
      permit.failure(duration);
      this.failures.emit({ duration, handled: true, reason: { value: result } });
    } else {
      permit.success(duration);
      this.successes.emit({ duration });
    }
    return result;
  }

  transitionToClosed(): void {
    this.transition('CLOSED', 'manual');
  }
  transitionToOpen(): void {
    this.transition('OPEN', 'manual');
  }
  transitionToHalfOpen(): void {
    this.transition('HALF_OPEN', 'manual');
  }
  transitionToDisabled(): void {
    this.transition('DISABLED', 'manual');
  }
  transitionToForcedOpen(): void {
    this.transition('FORCED_OPEN', 'manual');
  }

  /** Stops its timers (only set when automatic transition or a half-open limit is on). */
  close(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  private permit(): BreakerPermit {
    const generation = this.generation;
    const state = this.current;
    let settled = false;
    const settle = (kind: 'success' | 'failure' | 'release', durationMs: number) => {
      if (settled) return;
      settled = true;
      if (generation !== this.generation || state === 'DISABLED') return;
      if (kind === 'release') {
        if (state === 'HALF_OPEN') this.trialsLeft++;
        this.calls.emit({ breaker: this.name, kind: 'ignored', durationMs });
        return;
      }
      this.record(kind === 'failure', durationMs > this.config.slowCallDurationThresholdMs, durationMs);
    };
    return {
      success: (ms) => settle('success', ms),
      failure: (ms) => settle('failure', ms),
      release: () => settle('release', 0),
    };
  }

  private reject(): undefined {
    this.notPermitted++;
    this.rejections.emit({ breaker: this.name, state: this.current });
    return undefined;
  }

  private record(failed: boolean, slow: boolean, durationMs: number): void {
    const kind: CallKind = `${slow ? 'slow_' : ''}${failed ? 'failed' : 'successful'}`;
    this.calls.emit({ breaker: this.name, kind, durationMs });
    const now = this.clock.now();
    this.window.record({ failed, slow }, now);
    const snapshot = this.window.snapshot(now);
    if (snapshot.calls < this.minimumCalls()) return;
    const failing = (snapshot.failedCalls * 100) / snapshot.calls >= this.config.failureRateThreshold;
    const slowing = (snapshot.slowCalls * 100) / snapshot.calls >= this.config.slowCallRateThreshold;
    if (this.current === 'HALF_OPEN') {
      if (failing || slowing) this.transition('OPEN', 'trials-failed');
      else this.transition('CLOSED', 'trials-passed');
    } else if (failing) this.transition('OPEN', 'failure-rate');
    else if (slowing) this.transition('OPEN', 'slow-call-rate');
  }

  private minimumCalls(): number {
    return this.current === 'HALF_OPEN'
      ? this.config.permittedNumberOfCallsInHalfOpenState
      : this.config.minimumNumberOfCalls;
  }

  private closedWindow(): SlidingWindow {
    return this.config.slidingWindowType === 'COUNT_BASED'
      ? new CountWindow(this.config.slidingWindowSize)
      : new TimeWindow(this.config.slidingWindowSize);
  }

  private transition(to: BreakerState, reason: TransitionReason): void {
    const from = this.current;
    if (from === to) return;
    this.timer?.cancel();
    this.timer = undefined;
    this.current = to;
    this.generation++;
    // resilience4j starts fresh metrics on entering each state.
    if (to === 'HALF_OPEN') {
      this.window = new CountWindow(this.config.permittedNumberOfCallsInHalfOpenState);
      this.trialsLeft = this.config.permittedNumberOfCallsInHalfOpenState;
      const limit = this.config.maxWaitDurationInHalfOpenStateMs;
      if (limit > 0)
        this.timer = this.clock.setTimeout(() => this.transition('OPEN', 'half-open-wait-exceeded'), limit);
    } else {
      this.window = this.closedWindow();
    }
    if (to === 'OPEN') {
      this.openedAt = this.clock.now();
      if (this.config.automaticTransitionFromOpenToHalfOpenEnabled)
        this.timer = this.clock.setTimeout(
          () => this.transition('HALF_OPEN', 'wait-elapsed'),
          this.config.waitDurationInOpenStateMs,
        );
    }
    this.transitions.emit({ breaker: this.name, from, to, reason });
  }
}
