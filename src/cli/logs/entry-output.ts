// Log entries as `sluice logs query` and `tail` print them, in logcli's three output modes:
// default (`TIMESTAMP {labels} line`), raw (the line alone) and jsonl (one JSON object per entry).

import { formatMillisTime, formatNanoTime } from './time-flags.js';

export const OUTPUT_MODES = ['default', 'raw', 'jsonl'] as const;
export type OutputMode = (typeof OUTPUT_MODES)[number];

export interface Entry {
  labels: Record<string, string>;
  timestampNs: bigint;
  line: string;
}

/** Loki's `streams` result: each stream's labels with `[ns, line]` pairs. */
export interface LokiStream {
  stream: Record<string, string>;
  values: [string, string, ...unknown[]][];
}

/** Every entry of a streams result, sorted by time (newest first when `newestFirst`). */
export function streamEntries(streams: readonly LokiStream[], newestFirst: boolean): Entry[] {
  const entries = streams.flatMap((s) =>
    s.values.map(([ts, line]) => ({ labels: s.stream, timestampNs: BigInt(ts), line })),
  );
  const sign = newestFirst ? -1 : 1;
  return entries.sort(
    (a, b) => sign * (a.timestampNs < b.timestampNs ? -1 : a.timestampNs > b.timestampNs ? 1 : 0),
  );
}

/** `{level="info", service="orders"}`, names sorted, as Loki writes a label set. */
export function labelText(labels: Record<string, string>): string {
  const names = Object.keys(labels).sort();
  return `{${names.map((n) => `${n}=${JSON.stringify(labels[n])}`).join(', ')}}`;
}

const RESET = '\x1b[0m';
const RED = '\x1b[31m';
const YELLOW = '\x1b[33m';
const DIM = '\x1b[2m';

const LEVEL_COLOURS: Record<string, string> = {
  fatal: RED,
  panic: RED,
  critical: RED,
  crit: RED,
  emerg: RED,
  alert: RED,
  error: RED,
  err: RED,
  warn: YELLOW,
  warning: YELLOW,
  debug: DIM,
  trace: DIM,
};

/** The escape code for an entry's `level` label; info and unknown levels stay uncoloured. */
export function levelColour(labels: Record<string, string>): string | undefined {
  const level = labels.level ?? labels.detected_level ?? labels.severity;
  return level === undefined ? undefined : LEVEL_COLOURS[level.toLowerCase()];
}

/** One output line (with its newline) for an entry. */
export function formatEntry(entry: Entry, mode: OutputMode, colour: boolean): string {
  if (mode === 'jsonl') {
    const object = { labels: entry.labels, line: entry.line, timestamp: formatNanoTime(entry.timestampNs) };
    return `${JSON.stringify(object)}\n`;
  }
  const text =
    mode === 'raw'
      ? entry.line
      : `${formatMillisTime(entry.timestampNs)} ${labelText(entry.labels)} ${entry.line}`;
  const code = colour ? levelColour(entry.labels) : undefined;
  return code ? `${code}${text}${RESET}\n` : `${text}\n`;
}

/**
 * Colour only for a terminal, unless NO_COLOR (any non-empty value, see no-color.org) or
 * --no-color says otherwise; FORCE_COLOR (as Node's own tools read it) asks for it anyway.
 */
export function useColour(
  noColorFlag: boolean,
  stdout: NodeJS.WritableStream,
  env: NodeJS.ProcessEnv,
): boolean {
  if (noColorFlag || (env.NO_COLOR !== undefined && env.NO_COLOR !== '')) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return (stdout as { isTTY?: boolean }).isTTY === true;
}
