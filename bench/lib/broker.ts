// What the harness needs from a broker under test, whichever it is.

import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { Loadgen } from './loadgen.js';

export type BrokerName = 'sluice' | 'kafka';

export const DISPLAY: Record<BrokerName, string> = { sluice: 'Sluice', kafka: 'Kafka' };

export interface RunningBroker {
  readonly name: BrokerName;
  /** 127.0.0.1:PORT */
  readonly bootstrap: string;
  /** The broker process itself (for Kafka: the JVM, not kafka.sh). */
  readonly pid: number;
  /** From the broker process's start (per /proc) to its first ApiVersions answer. */
  readonly startupMs: number;
  /** Why the process is gone, or undefined while it runs. */
  exitReason(): string | undefined;
  /** The last lines of the broker's log. */
  logTail(lines: number): string;
  /** Stops the broker; resolves to a note if it had to be killed or failed to stop. */
  stop(): Promise<string | undefined>;
}

export interface StartContext {
  repoRoot: string;
  /** A fresh directory for this broker's data and logs; removed by the caller. */
  workDir: string;
  gen: Loadgen;
}

/** The last `lines` lines of a file (reads at most its last 256 KiB). */
export function tailFile(path: string, lines: number): string {
  try {
    const size = statSync(path).size;
    const length = Math.min(size, 256 * 1024);
    const buffer = Buffer.alloc(length);
    const fd = openSync(path, 'r');
    try {
      readSync(fd, buffer, 0, length, size - length);
    } finally {
      closeSync(fd);
    }
    return buffer.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
