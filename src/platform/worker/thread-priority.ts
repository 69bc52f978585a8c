// The platform thread yields the CPU to the broker: on Linux a thread has its own nice value, so
// a platform busy with queries, pushes and tails runs at a lower priority than the broker's thread
// whenever both want a core, and at full speed whenever the broker is idle.

import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** Kernel id of the calling thread (Linux: /proc/thread-self is "PID/task/TID"), if known. */
function kernelThreadId(): number | undefined {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
    return Number.isInteger(tid) && tid > 0 ? tid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sets the nice value of the calling thread only. Returns what happened, for the log: not every
 * system has per-thread priorities, and raising one back needs privileges.
 */
export function niceThisThread(nice: number): string {
  const tid = kernelThreadId();
  if (tid === undefined) return 'per-thread priority not available here';
  try {
    setPriority(tid, nice);
    return `nice ${nice}`;
  } catch (err) {
    return `priority unchanged: ${(err as Error).message}`;
  }
}
