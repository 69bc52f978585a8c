// The platform thread yields the CPU to the broker. On Linux a thread has its own scheduling
// policy and nice value, so a platform busy with queries, pushes and tails gives way to the
// broker's thread whenever both want a core, and runs at full speed whenever the broker is idle.
//
// SCHED_IDLE is the default because a nice value alone is not enough: the kernel lets a running
// nice-10 or nice-19 thread finish its slice (up to a few ms) before a woken broker thread gets
// the core, and those waits were the broker's p99 under attack (isolation bench, 2 cores, 7
// rounds: 2.4–2.9× idle at nice 10; 1.24× with this thread and V8's GC helpers at SCHED_IDLE).
// A SCHED_IDLE thread is preempted at once.
// Node has no call for it, so util-linux's `chrt` sets it; without chrt the thread takes nice 19.

import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** `'idle'`: SCHED_IDLE (nice 19 where that cannot be set); a number: that nice value. */
export type ThreadPriority = 'idle' | number;

const CHRT_TIMEOUT_MS = 5_000;
const FALLBACK_NICE = 19;

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
 * Lowers the calling thread's priority only. Resolves to what happened, for the log: not every
 * system has per-thread priorities or chrt, and raising a priority back needs privileges.
 */
export async function lowerThisThread(priority: ThreadPriority): Promise<string> {
  const tid = kernelThreadId();
  if (tid === undefined) return 'per-thread priority not available here';
  return lowerThread(tid, priority);
}

/**
 * Lowers V8's helper threads (named V8Worker), which run garbage collection for every isolate of
 * the process, the platform's included: at the broker's priority the platform's parallel
 * collections took both cores from the broker thread for a moment, over and over. At idle
 * priority they still help the broker's own collections whenever a core is free, and where none
 * is, the broker's thread does that work itself. Resolves to what happened, per thread.
 */
export async function lowerGcHelperThreads(priority: ThreadPriority): Promise<string> {
  let tids: number[];
  try {
    tids = readdirSync('/proc/self/task')
      .filter((tid) => readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() === 'V8Worker')
      .map(Number);
  } catch {
    return 'per-thread priority not available here';
  }
  if (tids.length === 0) return 'no V8 helper threads found';
  const outcomes = await Promise.all(tids.map((tid) => lowerThread(tid, priority)));
  return [...new Set(outcomes)].map((o) => `${tids.length} threads: ${o}`).join('; ');
}

async function lowerThread(tid: number, priority: ThreadPriority): Promise<string> {
  if (priority !== 'idle') return niceThread(tid, priority);
  try {
    await chrtIdle(tid);
    return 'SCHED_IDLE';
  } catch (err) {
    return `${niceThread(tid, FALLBACK_NICE)} (SCHED_IDLE not set: ${(err as Error).message})`;
  }
}

function niceThread(tid: number, nice: number): string {
  try {
    setPriority(tid, nice);
    return `nice ${nice}`;
  } catch (err) {
    return `priority unchanged: ${(err as Error).message}`;
  }
}

function chrtIdle(tid: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      'chrt',
      ['--idle', '--pid', '0', String(tid)],
      { timeout: CHRT_TIMEOUT_MS },
      (err, _stdout, stderr) => (err ? reject(new Error(stderr.trim() || err.message)) : resolve()),
    );
  });
}
