import { SluiceError } from '../../errors/index.js';
import { type Direction, type Matcher, parseDurationMs, parseQuery } from '../logql/index.js';

/** A bad request parameter: HTTP 400 with this message, as Loki answers. */
export function badRequest(message: string): SluiceError {
  return new SluiceError('INVALID_ARGUMENT', message);
}

const NS_PER_MS = 1_000_000n;

/**
 * Loki's timestamps: integer nanoseconds (or seconds when 10 digits or fewer), float seconds,
 * or RFC 3339.
 */
export function parseTime(value: string | undefined, fallback: bigint, name: string): bigint {
  if (value === undefined || value === '') return fallback;
  if (/^-?\d+$/.test(value))
    return value.replace('-', '').length <= 10 ? BigInt(value) * 1_000_000_000n : BigInt(value);
  if (/^-?\d+\.\d*$/.test(value)) return BigInt(Math.round(Number(value) * 1e6)) * 1000n;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw badRequest(`invalid ${name}: cannot parse "${value}" to a valid timestamp`);
  // Keep sub-millisecond digits of RFC 3339 nanosecond timestamps.
  const fraction = /\.(\d{4,9})(?:Z|[+-])/.exec(value)?.[1];
  const extra = fraction ? BigInt(fraction.padEnd(9, '0').slice(3)) : 0n;
  return BigInt(ms) * NS_PER_MS + extra;
}

/** `step`: a Prometheus duration (`15s`, Grafana's `<n>ms`) or float seconds. */
export function parseStepMs(value: string | undefined, startNs: bigint, endNs: bigint): number {
  if (value === undefined || value === '') {
    // Loki's default resolution: about 250 points over the range, at least one second.
    const rangeMs = Number((endNs - startNs) / NS_PER_MS);
    return Math.max(1000, Math.ceil(rangeMs / 250 / 1000) * 1000);
  }
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const ms = parseDurationMs(value);
  if (ms === undefined || !(ms > 0)) {
    throw badRequest(`invalid step: cannot parse "${value}" to a valid duration`);
  }
  return ms;
}

export function parseLimit(value: string | undefined, fallback = 100): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw badRequest(`invalid limit: "${value}" is not a positive integer`);
  return n;
}

export function parseDirection(value: string | undefined): Direction {
  if (value === undefined || value === '' || value.toLowerCase() === 'backward') return 'backward';
  if (value.toLowerCase() === 'forward') return 'forward';
  throw badRequest(`invalid direction "${value}": expected forward or backward`);
}

/** The stream selector of `query` or a `match[]` value: a log query's matchers. */
export function selectorOf(text: string): Matcher[] {
  const expr = parseQuery(text);
  if (expr.kind !== 'log') throw badRequest(`only a stream selector is allowed here, got a metric query`);
  return expr.matchers;
}

/** A query string parameter that may be given once or repeated. */
export function many(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export function nowNs(): bigint {
  return BigInt(Date.now()) * NS_PER_MS;
}

export const HOUR_NS = 3600n * 1_000_000_000n;
