// The retry policy and the decision after a failed try, as a pure function of the policy, the
// tries so far and the time (injected: the caller passes `now`). First, tries in the process with
// exponential backoff (initial × multiplier^(n-1), at most max); then, as Spring Kafka's
// non-blocking retries do, one retry topic after another, each with its delay, so the partition
// moves on while the message waits; then the dead-letter topic. A failure that cannot pass on
// another try (the message breaks its schema) goes to the dead-letter topic at once.

export interface RetryTopic {
  /** `<pipeline>.retry.<n>`, n from 1. */
  readonly topic: string;
  readonly delayMs: number;
}

export interface RetryPolicy {
  /** Tries in the process per delivery, the first included. */
  readonly attempts: number;
  readonly backoff: { readonly initialMs: number; readonly multiplier: number; readonly maxMs: number };
  readonly retryTopics: readonly RetryTopic[];
  readonly deadLetterTopic: string;
}

export interface AttemptState {
  /** Tries made in this delivery, the failed one included (≥ 1). */
  readonly local: number;
  /** 0 for a message from the source; n for one read from retry topic n. */
  readonly round: number;
  readonly retriable: boolean;
}

export type NextAttempt =
  | { readonly action: 'retry'; readonly delayMs: number; readonly at: number }
  | { readonly action: 'retry-topic'; readonly topic: string; readonly round: number; readonly due: number }
  | { readonly action: 'dead-letter'; readonly topic: string };

export function retryTopicName(pipeline: string, round: number): string {
  return `${pipeline}.retry.${round}`;
}

export function deadLetterTopicName(pipeline: string): string {
  return `${pipeline}.dlq`;
}

/** The in-process wait before try `local + 1`. */
export function backoffMs(policy: RetryPolicy, local: number): number {
  const { initialMs, multiplier, maxMs } = policy.backoff;
  return Math.min(maxMs, Math.round(initialMs * multiplier ** Math.max(0, local - 1)));
}

export function nextAttempt(policy: RetryPolicy, state: AttemptState, now: number): NextAttempt {
  if (state.retriable && state.local < policy.attempts) {
    const delayMs = backoffMs(policy, state.local);
    return { action: 'retry', delayMs, at: now + delayMs };
  }
  const next = policy.retryTopics[state.round];
  if (state.retriable && next !== undefined) {
    return { action: 'retry-topic', topic: next.topic, round: state.round + 1, due: now + next.delayMs };
  }
  return { action: 'dead-letter', topic: policy.deadLetterTopic };
}
