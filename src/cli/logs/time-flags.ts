// Time flags of `sluice logs`: durations for --since/--step and points in time for --from/--to,
// all turned into nanoseconds, the unit Loki's API speaks.

// LogQL's own parser: a pure module, it loads no client library.
import { parseDurationMs as parseLogqlDuration } from '../../logs/logql/index.js';
import { UsageError } from '../errors.js';

export const NS_PER_MS = 1_000_000n;

/** `1h`, `90s`, `1h30m`, `500ms`, `2d`: LogQL's duration syntax (Go's, plus days and weeks), as logcli takes it. */
export function parseDurationMs(text: string, name: string): number {
  const total = parseLogqlDuration(text.trim());
  if (total === undefined || !(total > 0)) {
    throw new UsageError(`--${name} must be a duration like 30s, 5m, 1h or 1h30m, got '${text}'`);
  }
  return total;
}

/**
 * A point in time as RFC 3339 (`2024-05-01T12:00:00Z`, local time when the zone is left out) or a
 * Unix timestamp in seconds (10 digits or fewer) or nanoseconds, as Loki's API reads numbers.
 */
export function parseTimeNs(text: string, name: string): bigint {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    return trimmed.length <= 10 ? BigInt(trimmed) * 1_000_000_000n : BigInt(trimmed);
  }
  const ms = /^\d{4}-\d{2}-\d{2}/.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new UsageError(
      `--${name} must be an RFC 3339 time like 2024-05-01T12:00:00Z or a Unix timestamp, got '${text}'`,
    );
  }
  // Keep digits below the millisecond that Date drops.
  const fraction = /\.\d{3}(\d{1,6})(?:Z|[+-]|$)/i.exec(trimmed)?.[1];
  return BigInt(ms) * NS_PER_MS + (fraction ? BigInt(fraction.padEnd(6, '0')) : 0n);
}

export function nowNs(): bigint {
  return BigInt(Date.now()) * NS_PER_MS;
}

/** RFC 3339 in UTC with all nine digits of the nanosecond timestamp (logcli's jsonl form). */
export function formatNanoTime(ns: bigint): string {
  const ms = ns / NS_PER_MS;
  const iso = new Date(Number(ms)).toISOString(); // ...T12:00:00.123Z
  const subMs = String(((ns % NS_PER_MS) + NS_PER_MS) % NS_PER_MS).padStart(6, '0');
  return `${iso.slice(0, -1)}${subMs}Z`;
}

/** RFC 3339 in UTC to the millisecond: the timestamp column of the default output. */
export function formatMillisTime(ns: bigint): string {
  return new Date(Number(ns / NS_PER_MS)).toISOString();
}
