// Runs a call with retries on cockatiel's retry policy, adding what a gateway needs: only methods
// that may be repeated, only the configured errors and statuses, never again on an instance that
// already failed this call (the caller's `pick(excluding)` chooses the next one), backoff with full
// jitter, and a retry budget (the Retrier's own, shared by its calls, or one the call brings).

import { EventEmitter, handleWhen, retry } from 'cockatiel';
import { fullJitterBackoff } from './backoff.js';
import { RetryBudget, type RetryBudgetConfig } from './budget.js';
import { methodRetryable, type RetryConfig, retryConfig, statusRetryable } from './config.js';
import { classifyError } from './errors.js';

export interface Instance {
  readonly id: string;
}

export interface RetryEvent {
  /** 1 for the first retry. */
  readonly retry: number;
  readonly reason: 'status' | 'connect' | 'reset' | 'timeout';
  readonly status?: number;
  readonly failedInstance: string;
  readonly nextInstance: string;
  readonly delayMs: number;
}

export interface RetryCall<I extends Instance, R> {
  readonly method: string;
  /** The next instance to try, never one in `excluding` (those that failed this call); undefined when none is left. */
  readonly pick: (excluding: ReadonlySet<string>) => I | undefined;
  /** One attempt on one instance. */
  readonly attempt: (instance: I, context: { attempt: number; signal: AbortSignal }) => Promise<R>;
  /** The status of an answer, to match against the retried statuses. */
  readonly statusOf: (result: R) => number;
  /** Frees an answer that is dropped for a retry (e.g. drains its body). */
  readonly discard?: (result: R) => unknown;
  /** Thrown when `pick` has no instance for the first attempt. */
  readonly noInstance: () => Error;
  readonly signal?: AbortSignal;
  /** Overrides for this call (e.g. `safe: true`). */
  readonly config?: Partial<RetryConfig>;
  /** The budget to draw on, when not the Retrier's own (Envoy keeps one per upstream cluster). */
  readonly budget?: RetryBudget;
}

export interface RetrierOptions extends Partial<RetryConfig> {
  readonly budget?: RetryBudget | Partial<RetryBudgetConfig>;
  /** [0, 1); injectable so jitter is predictable in tests. */
  readonly random?: () => number;
}

export class Retrier {
  readonly config: RetryConfig;
  readonly budget: RetryBudget;
  private readonly random: () => number;
  private readonly retries = new EventEmitter<RetryEvent>();
  private readonly exhausted = new EventEmitter<{ activeRequests: number; activeRetries: number }>();

  /** A retry is about to be made (before its backoff). */
  readonly onRetry = this.retries.addListener;
  /** A retry was wanted but the budget had no room; the failure went to the caller. */
  readonly onBudgetExhausted = this.exhausted.addListener;

  constructor(options: RetrierOptions = {}) {
    const { budget, random, ...config } = options;
    this.config = retryConfig(config);
    this.budget = budget instanceof RetryBudget ? budget : new RetryBudget(budget);
    this.random = random ?? Math.random;
  }

  async execute<I extends Instance, R>(call: RetryCall<I, R>): Promise<R> {
    const config = call.config ? retryConfig({ ...this.config, ...call.config }) : this.config;
    const repeatable = methodRetryable(call.method, config) && config.retries > 0;
    const budget = call.budget ?? this.budget;
    const failed = new Set<string>();
    let current = call.pick(failed);
    if (!current) throw call.noInstance();
    let attemptNo = 0;
    let next: I | undefined;
    let slot: (() => void) | undefined;
    let pending: Omit<RetryEvent, 'delayMs'> | undefined;
    // The call counts as one active request for the budget from start to end, retries included.
    const ended = budget.requestStarted();

    const wantsRetry = (reason: RetryEvent['reason'], status?: number): boolean => {
      const failedInstance = (current as I).id;
      failed.add(failedInstance);
      if (!repeatable || attemptNo >= config.retries) return false;
      if (reason !== 'status' && !config.errors.includes(reason)) return false;
      const candidate = call.pick(failed);
      if (!candidate) return false;
      const granted = budget.tryAcquireRetry();
      if (!granted) {
        this.exhausted.emit({
          activeRequests: budget.activeRequests,
          activeRetries: budget.activeRetries,
        });
        return false;
      }
      slot = granted;
      next = candidate;
      pending = {
        retry: attemptNo + 1,
        reason,
        ...(status === undefined ? {} : { status }),
        failedInstance,
        nextInstance: candidate.id,
      };
      return true;
    };

    const policy = retry(
      handleWhen((error) => {
        const kind = classifyError(error);
        return kind !== undefined && wantsRetry(kind);
      }).orWhenResult((result) => {
        const status = call.statusOf(result as R);
        return statusRetryable(status, config) && wantsRetry('status', status);
      }),
      {
        maxAttempts: config.retries,
        ...(config.backoff ? { backoff: fullJitterBackoff(config.backoff, this.random) } : {}),
      },
    );
    const listener = policy.onRetry((event) => {
      if ('value' in event) void Promise.resolve(call.discard?.(event.value as R)).catch(() => {});
      if (pending) this.retries.emit({ ...pending, delayMs: event.delay });
    });

    try {
      return await policy.execute(async ({ attempt, signal }) => {
        if (attempt > 0 && next) current = next;
        attemptNo = attempt;
        const held = attempt > 0 ? slot : undefined;
        slot = undefined;
        try {
          return await call.attempt(current as I, { attempt, signal });
        } finally {
          held?.();
        }
      }, call.signal);
    } finally {
      listener.dispose();
      ended();
      // A retry granted but never made (the call was aborted during the backoff).
      slot?.();
    }
  }
}
