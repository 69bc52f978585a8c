// The time source every policy takes, so tests move time by hand (test/helpers/manual-clock.ts
// fits it) and nothing in them sleeps.

export interface ResilienceTimer {
  cancel(): void;
}

export interface ResilienceClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once, `ms` from now; a real clock's timers never keep the process alive. */
  setTimeout(fn: () => void, ms: number): ResilienceTimer;
}

export const systemClock: ResilienceClock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};
