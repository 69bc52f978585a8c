// resilience4j's two sliding windows over call outcomes. COUNT_BASED keeps the last N calls in a
// ring; TIME_BASED keeps one bucket per epoch second for the last N seconds (a call lands in the
// bucket of the second it ended in, as resilience4j's partial aggregations do).

export interface Outcome {
  readonly failed: boolean;
  readonly slow: boolean;
}

export interface WindowSnapshot {
  readonly calls: number;
  readonly failedCalls: number;
  readonly slowCalls: number;
}

export interface SlidingWindow {
  record(outcome: Outcome, now: number): void;
  snapshot(now: number): WindowSnapshot;
}

const FAILED = 1;
const SLOW = 2;

export class CountWindow implements SlidingWindow {
  private readonly ring: Uint8Array;
  private next = 0;
  private calls = 0;
  private failed = 0;
  private slow = 0;

  constructor(readonly size: number) {
    this.ring = new Uint8Array(size);
  }

  record(outcome: Outcome): void {
    if (this.calls === this.size) {
      const evicted = this.ring[this.next] ?? 0;
      if (evicted & FAILED) this.failed--;
      if (evicted & SLOW) this.slow--;
    } else {
      this.calls++;
    }
    const bits = (outcome.failed ? FAILED : 0) | (outcome.slow ? SLOW : 0);
    this.ring[this.next] = bits;
    if (outcome.failed) this.failed++;
    if (outcome.slow) this.slow++;
    this.next = (this.next + 1) % this.size;
  }

  snapshot(): WindowSnapshot {
    return { calls: this.calls, failedCalls: this.failed, slowCalls: this.slow };
  }
}

interface Bucket {
  second: number;
  calls: number;
  failed: number;
  slow: number;
}

export class TimeWindow implements SlidingWindow {
  private readonly buckets: Bucket[];

  /** `seconds`: the window's length (resilience4j's slidingWindowSize for TIME_BASED). */
  constructor(readonly seconds: number) {
    this.buckets = Array.from({ length: seconds }, () => ({ second: -1, calls: 0, failed: 0, slow: 0 }));
  }

  record(outcome: Outcome, now: number): void {
    const second = Math.floor(now / 1000);
    const bucket = this.buckets[second % this.seconds] as Bucket;
    if (bucket.second !== second) Object.assign(bucket, { second, calls: 0, failed: 0, slow: 0 });
    bucket.calls++;
    if (outcome.failed) bucket.failed++;
    if (outcome.slow) bucket.slow++;
  }

  snapshot(now: number): WindowSnapshot {
    const current = Math.floor(now / 1000);
    let calls = 0;
    let failedCalls = 0;
    let slowCalls = 0;
    for (const b of this.buckets) {
      if (b.second <= current - this.seconds || b.second > current) continue;
      calls += b.calls;
      failedCalls += b.failed;
      slowCalls += b.slow;
    }
    return { calls, failedCalls, slowCalls };
  }
}
