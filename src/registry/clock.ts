// The registry's sense of time. Leases, eviction, the renewal rate, the delta window and the
// response cache all read and wait through a Clock, so tests drive a manual one and see minutes
// pass in no time (test/helpers/manual-clock.ts has the same shape).

export interface ClockTimer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once, `ms` from now. */
  setTimeout(fn: () => void, ms: number): ClockTimer;
}

/** Wall-clock time and Node's timers, unref'd: a registry's timers never keep a process up. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};

/** Calls `fn` every `ms` on `clock` until cancelled (re-armed after each call, so calls never overlap). */
export function every(clock: Clock, ms: number, fn: () => void): ClockTimer {
  let timer: ClockTimer | undefined;
  let cancelled = false;
  const arm = () => {
    timer = clock.setTimeout(() => {
      if (cancelled) return;
      try {
        fn();
      } finally {
        if (!cancelled) arm();
      }
    }, ms);
  };
  arm();
  return {
    cancel() {
      cancelled = true;
      timer?.cancel();
    },
  };
}
