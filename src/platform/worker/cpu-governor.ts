// Keeps the platform thread from taking a whole core. On a small machine a platform that is kept
// busy (queries in a loop, push floods) competes with the broker for the CPU, and once every core
// is busy the broker's latency suffers whatever the priorities say (measured on 2 cores: two
// busy-looping threads at nice 19 or SCHED_IDLE took franz-go's produce p99 from 3.5 ms to
// 48-67 ms; one took it nowhere). So requests wait at the door while the thread was busier than
// its share in the last window; at most one is let in per window then, so nothing starves.

import { performance } from 'node:perf_hooks';
import { SluiceError } from '../../errors/index.js';

export interface CpuGovernorOptions {
  /** Share of one core the thread may keep busy, 0–1 (1 turns the governor off). */
  maxUtilization: number;
  /** How often utilization is measured. */
  windowMs?: number;
  /** Requests that may wait; one more is refused (the caller answers 429). */
  maxWaiting?: number;
}

export class PlatformBusyError extends SluiceError {
  constructor(message: string) {
    super('BUSY', message, { hint: 'retry after a short wait' });
  }
}

export class CpuGovernor {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #maxWaiting: number;
  readonly #waiting: Array<() => void> = [];
  #last = performance.eventLoopUtilization();
  #utilization = 0;
  #timer?: NodeJS.Timeout;
  /** Requests that had to wait, and those refused, since start. */
  delayed = 0;
  refused = 0;

  constructor(options: CpuGovernorOptions) {
    this.#max = options.maxUtilization;
    this.#windowMs = options.windowMs ?? 100;
    this.#maxWaiting = options.maxWaiting ?? 1000;
    if (this.#max < 1) {
      this.#timer = setInterval(() => this.#tick(), this.#windowMs);
      this.#timer.unref();
    }
  }

  /** Utilization of the thread's event loop in the last window, 0–1. */
  get utilization(): number {
    return this.#utilization;
  }

  /** Resolves when the request may go on; rejects with PlatformBusyError when too many wait. */
  admit(): Promise<void> | undefined {
    if (this.#max >= 1 || (this.#utilization <= this.#max && this.#waiting.length === 0)) return undefined;
    if (this.#waiting.length >= this.#maxWaiting) {
      this.refused++;
      return Promise.reject(new PlatformBusyError('the platform is busy; try again shortly'));
    }
    this.delayed++;
    // A waiting request must be let in even if nothing else keeps the thread alive.
    this.#timer?.ref();
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #tick(): void {
    const now = performance.eventLoopUtilization();
    this.#utilization = performance.eventLoopUtilization(now, this.#last).utilization;
    this.#last = now;
    // Under the share: let everyone in. Over it: one, so that waiting requests still move.
    const open = this.#utilization <= this.#max ? this.#waiting.length : Math.min(1, this.#waiting.length);
    for (const resolve of this.#waiting.splice(0, open)) resolve();
    if (this.#waiting.length === 0) this.#timer?.unref();
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    for (const resolve of this.#waiting.splice(0)) resolve();
  }
}
