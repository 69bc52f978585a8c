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
  /** When the broker process started (per /proc), unix ms. */
  readonly startUnixMs: number;
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
  /** Kafka only: key=value lines appended to server.properties (last one wins). */
  kafkaOverrides?: readonly string[];
  /** Sluice only: its --log-level (default: the broker's own, info). */
  sluiceLogLevel?: string;
  /** Sluice only: listen on this port (default: a free one), e.g. to restart on the same address. */
  port?: number;
  /** Sluice only: more command-line flags for `sluice broker` (e.g. --http-port 0: metrics on). */
  sluiceArgs?: readonly string[];
  /** Sluice only: the log file's name in workDir (default sluice.log). */
  logName?: string;
}

/**
 * The same broker under another configuration, measured in extra suites (only the group
 * cases): Kafka with group.initial.rebalance.delay.ms=0 instead of its default 3000.
 */
export type Variant = 'delay0';

/** kafka.sh writes group.initial.rebalance.delay.ms=0 (a test setting); the benchmark puts back Kafka's default. */
export const KAFKA_INITIAL_REBALANCE_DELAY_MS = 3000;

export function kafkaOverrides(variant: Variant | undefined): string[] {
  const delay = variant === 'delay0' ? 0 : KAFKA_INITIAL_REBALANCE_DELAY_MS;
  return [`group.initial.rebalance.delay.ms=${delay}`];
}

export function displayName(broker: BrokerName, variant: Variant | undefined): string {
  return variant === 'delay0' ? `${DISPLAY[broker]} (group.initial.rebalance.delay.ms=0)` : DISPLAY[broker];
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
