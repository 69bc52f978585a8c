// Sluice's one sense of time, injected wherever something waits (the group coordinator's
// sessions, the registry's leases and caches, the pipelines' backoff and retry topics), so tests
// drive a manual clock (test/helpers/manual-clock.ts) and see minutes pass in no time.

/** A timer set through a Clock; cancel() is safe to call more than once and after it fired. */
export interface ClockTimer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once, `ms` from now. */
  setTimeout(fn: () => void, ms: number): ClockTimer;
}

/** Wall-clock time and Node's timers, unref'd: a pending timer never keeps a process up. */
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

/** Resolves true after `ms` on `clock`, or false at once when `signal` aborts first. */
export function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      timer.cancel();
      resolve(false);
    };
    const timer = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
