// The runtime's clock (Sluice's one Clock, src/clock), injected so that tests move it by hand
// (backoff, retry-topic due times) instead of waiting. Its system form keeps the process up while a
// timer is pending: a standalone `sluice pipeline run` waiting out a backoff while the cluster is
// away must not exit.

import type { Clock, ClockTimer } from '../../clock/index.js';

export { sleep } from '../../clock/index.js';
export type { Clock as RuntimeClock, ClockTimer as RuntimeTimer };

export const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(timer) };
  },
};
