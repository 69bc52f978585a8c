// Child processes for the benchmark: run with a time limit, remember every one started so
// that an interrupted run still stops them, and read what /proc says about a process.

import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const live = new Set<ChildProcess>();
const cleanups: Array<() => void> = [];

/** Registers a synchronous last-resort cleanup, run on exit and on SIGINT/SIGTERM. */
export function onCleanup(fn: () => void): void {
  cleanups.push(fn);
}

/** Kills what is still running and runs the cleanups; safe to call more than once. */
export function cleanupNow(): void {
  for (const child of live) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  live.clear();
  while (cleanups.length > 0) {
    try {
      cleanups.pop()?.();
    } catch (error) {
      process.stderr.write(`bench: cleanup failed: ${(error as Error).message}\n`);
    }
  }
}

let installed = false;
/** Makes Ctrl-C, SIGTERM and a crash stop every process the benchmark started. */
export function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  process.on('exit', cleanupNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping everything it started\n`);
      cleanupNow();
      process.exit(130);
    });
  }
}

export interface Spawned {
  child: ChildProcess;
  /** Resolves when the process has exited (never rejects). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts a process that is killed with the benchmark if still running. */
export function start(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; stdio?: 'pipe' | 'ignore' } = {},
): Spawned {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', options.stdio ?? 'pipe', options.stdio ?? 'pipe'],
  });
  live.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.once('error', () => {
      live.delete(child);
      done({ code: -1, signal: null });
    });
    child.once('exit', (code, signal) => {
      live.delete(child);
      done({ code, signal });
    });
  });
  return { child, exited };
}

/**
 * Stops a started process: SIGTERM, then SIGKILL if it still runs after `timeoutMs`. Undefined
 * when it stopped cleanly (an exit code in `cleanCodes`, or the SIGTERM itself), else what
 * happened. `log` (its output file) is ended once it has exited.
 */
export async function stopSpawned(
  { child, exited }: Spawned,
  log: { end(): void },
  timeoutMs: number,
  cleanCodes: readonly number[] = [0],
  cleanOnSigterm = false,
): Promise<string | undefined> {
  child.kill('SIGTERM');
  const pid = child.pid;
  const timer = setTimeout(() => {
    if (pid !== undefined && isAlive(pid)) child.kill('SIGKILL');
  }, timeoutMs);
  const { code, signal } = await exited;
  clearTimeout(timer);
  log.end();
  if (signal === 'SIGKILL') return `did not stop within ${timeoutMs / 1000}s of SIGTERM; killed`;
  if ((code !== null && cleanCodes.includes(code)) || (cleanOnSigterm && signal === 'SIGTERM'))
    return undefined;
  return `stopped with exit code ${code}`;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

/**
 * Runs a process to completion, killing it (TERM, then KILL) when it outlives timeoutMs or
 * when `abort` fires.
 */
export async function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number; abort?: AbortSignal },
): Promise<RunResult> {
  const began = performance.now();
  const { child, exited } = start(command, args, options);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
  });
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    stderr = (stderr + s).slice(-64 * 1024);
  });
  let timedOut = false;
  let killTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    child.kill('SIGTERM');
    killTimer ??= setTimeout(() => child.kill('SIGKILL'), 5000);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, options.timeoutMs);
  options.abort?.addEventListener('abort', stop, { once: true });
  const { code, signal } = await exited;
  clearTimeout(timer);
  clearTimeout(killTimer);
  options.abort?.removeEventListener('abort', stop);
  return { code, signal, stdout, stderr, timedOut, ms: performance.now() - began };
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const CLOCK_TICKS = 100; // getconf CLK_TCK on Linux

/** CPU time (user + system, all threads) and start time of a process, from /proc/PID/stat. */
export function procStat(pid: number): { cpuSeconds: number; startUnixMs: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const uptimeS = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    const now = Date.now();
    // Fields after "(comm)": state is field 3, utime 14, stime 15, starttime 22.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const startTicks = Number(fields[19]);
    return {
      cpuSeconds: (utime + stime) / CLOCK_TICKS,
      startUnixMs: now - (uptimeS * 1000 - (startTicks * 1000) / CLOCK_TICKS),
    };
  } catch {
    return undefined;
  }
}

/** Peak resident set size (VmHWM) of a live process, in KiB. */
export function peakRssKiB(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
