// Time as the runtime sees it: injected, so that tests move it by hand (backoff, retry-topic due
// times) instead of waiting. The shape is the broker's group clock's, so one manual clock serves both.

export interface RuntimeTimer {
  cancel(): void;
}

export interface RuntimeClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): RuntimeTimer;
}

export const SYSTEM_CLOCK: RuntimeClock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(timer) };
  },
};

/** Resolves true after `ms` on `clock`, or false at once when `signal` aborts first. */
export function sleep(clock: RuntimeClock, ms: number, signal: AbortSignal): Promise<boolean> {
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
