// Envoy's retry budget: at any moment, retries in flight may be at most budget_percent of the
// requests in flight, but never fewer than min_retry_concurrency. A failing upstream then gets a
// bounded share of extra load instead of every request times four. Here a request is one call
// from start to end (its retries included), so a retry's own slot does not widen the budget.

import { SluiceError } from '../../errors/index.js';

export interface RetryBudgetConfig {
  /** Envoy's budget_percent (default 20). */
  readonly budgetPercent: number;
  /** Envoy's min_retry_concurrency (default 3). */
  readonly minRetryConcurrency: number;
}

export const RETRY_BUDGET_DEFAULTS: RetryBudgetConfig = { budgetPercent: 20, minRetryConcurrency: 3 };

export class RetryBudget {
  readonly config: RetryBudgetConfig;
  private requests = 0;
  private retries = 0;

  constructor(config: Partial<RetryBudgetConfig> = {}) {
    const c = { ...RETRY_BUDGET_DEFAULTS, ...config };
    if (!(c.budgetPercent >= 0 && c.budgetPercent <= 100))
      throw new SluiceError(
        'INVALID_CONFIG',
        `retry budgetPercent must be in [0, 100], got ${c.budgetPercent}`,
        {
          details: { key: 'budgetPercent' },
        },
      );
    if (!Number.isSafeInteger(c.minRetryConcurrency) || c.minRetryConcurrency < 0)
      throw new SluiceError(
        'INVALID_CONFIG',
        `retry minRetryConcurrency must be an integer ≥ 0, got ${c.minRetryConcurrency}`,
        { details: { key: 'minRetryConcurrency' } },
      );
    this.config = c;
  }

  /** Calls in flight (a call with its retries is one). */
  get activeRequests(): number {
    return this.requests;
  }

  get activeRetries(): number {
    return this.retries;
  }

  /** How many retries may be in flight now: max(min, ⌊percent × active requests⌋). */
  get allowedRetries(): number {
    return Math.max(
      this.config.minRetryConcurrency,
      Math.floor((this.config.budgetPercent * this.requests) / 100),
    );
  }

  /** A call starts; call the returned function when it ends, retries and all. */
  requestStarted(): () => void {
    this.requests++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.requests--;
    };
  }

  /** Takes a retry slot when the budget has one; release it when the retry ends. */
  tryAcquireRetry(): (() => void) | undefined {
    if (this.retries >= this.allowedRetries) return undefined;
    this.retries++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.retries--;
    };
  }
}
