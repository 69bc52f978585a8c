// Renewals per minute as Eureka measures them (MeasuredRate): counted in one-minute buckets, and
// the rate is the last complete bucket, so it is 0 for the registry's first minute.

import { type Clock, type ClockTimer, every } from '../clock/index.js';

export class MeasuredRate {
  #current = 0;
  #last = 0;
  #timer: ClockTimer | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly bucketMs = 60_000,
  ) {}

  start(): void {
    this.#timer ??= every(this.clock, this.bucketMs, () => {
      this.#last = this.#current;
      this.#current = 0;
    });
  }

  stop(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  increment(): void {
    this.#current++;
  }

  /** The count of the last complete bucket. */
  get count(): number {
    return this.#last;
  }
}
