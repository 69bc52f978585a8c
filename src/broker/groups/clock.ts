// The group coordinator's sense of time. Every timer it sets (session expiry, pending member ids,
// the initial rebalance delay, join and sync deadlines) goes through a Clock, so that tests can
// drive a manual one instead of waiting out real timeouts.

/** A timer set through a Clock; cancel() is safe to call more than once and after it fired. */
export interface ClockTimer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once, `ms` from now. A real clock's timers never keep the process alive. */
  setTimeout(fn: () => void, ms: number): ClockTimer;
}

/** Wall-clock time and Node's timers (unref'd: a pending session must not keep a broker up). */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};
