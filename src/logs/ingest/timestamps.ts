// Timestamps in the shapes log shippers write, to exact nanoseconds: epoch numbers in s, ms, µs or
// ns (told apart by size), with their decimal digits kept as text so no float rounding creeps in,
// and ISO 8601 / RFC 3339 strings with up to nanosecond fractions and any UTC offset.

const NS_PER_MS = 1_000_000n;

/** Epoch numbers whose integer part has at most this many digits are seconds (up to year 5138). */
const UNITS: [maxDigits: number, nsPerUnit: bigint][] = [
  [11, 1_000_000_000n],
  [14, 1_000_000n],
  [17, 1_000n],
  [Number.POSITIVE_INFINITY, 1n],
];

/** Reads decimal number text (`1700000000.123456`, `1.7e9`) as an epoch time in nanoseconds. */
export function epochTextToNs(text: string): bigint | undefined {
  const m = /^\s*(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (!m) return undefined;
  let digits = m[1] + (m[2] ?? '');
  const point = m[1].length + Number(m[3] ?? 0);
  if (point < 0) return undefined;
  if (point > digits.length) digits = digits.padEnd(point, '0');
  const intPart = digits.slice(0, point).replace(/^0+(?=\d)/, '');
  const fraction = digits.slice(point);
  if (intPart === '0' || intPart === '') return undefined;
  const unit = UNITS.find(([max]) => intPart.length <= max)![1];
  const unitDigits = unit.toString().length - 1;
  const fractionNs = BigInt((fraction.slice(0, unitDigits) || '0').padEnd(unitDigits, '0'));
  return BigInt(intPart) * unit + fractionNs;
}

const ISO =
  /^\s*(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?\s*$/;

/**
 * Reads an ISO 8601 / RFC 3339 date-time. Without a zone it is taken as UTC (a log reader has no
 * better guess: the shipper's zone is unknown). Returns undefined for anything else.
 */
export function isoToNs(text: string): bigint | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 24 || Number(mi) > 59 || Number(s) > 60) {
    return undefined;
  }
  const ms = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms)) return undefined;
  let offsetMin = 0;
  if (zone && /^[+-]/.test(zone)) {
    const z = zone.replace(':', '');
    offsetMin = (zone[0] === '-' ? -1 : 1) * (Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5) || 0));
  }
  const fractionNs = BigInt((frac.slice(0, 9) || '0').padEnd(9, '0'));
  return (BigInt(ms) - BigInt(offsetMin) * 60_000n) * NS_PER_MS + fractionNs;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * Reads a BSD syslog time (`Oct  5 14:03:01`, RFC 3164), which has no year or zone: the year is
 * the one that puts it closest before `nearNs` (allowing a day of clock skew), the zone is UTC.
 */
export function bsdSyslogToNs(text: string, nearNs: bigint): bigint | undefined {
  const m = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[1].toLowerCase());
  if (month < 0) return undefined;
  const nearMs = Number(nearNs / NS_PER_MS);
  const year = new Date(nearMs).getUTCFullYear();
  for (const y of [year, year - 1]) {
    const ms = Date.UTC(y, month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
    if (ms <= nearMs + 86_400_000) return BigInt(ms) * NS_PER_MS;
  }
  return undefined;
}

/**
 * A timestamp field's value: a number (with `rawText`, its exact digits from the source, when
 * known), a numeric string, or an ISO string. Returns undefined when it is none of these.
 */
export function timestampToNs(value: unknown, rawText?: string): bigint | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value <= 0) return undefined;
    return epochTextToNs(rawText ?? numberText(value));
  }
  if (typeof value !== 'string') return undefined;
  return /^\s*\d+(?:\.\d*)?\s*$/.test(value) ? epochTextToNs(value) : isoToNs(value);
}

/** A number's plain decimal text, without exponent notation. */
function numberText(value: number): string {
  if (Number.isSafeInteger(value)) return String(value);
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return Number.isInteger(value) ? BigInt(value).toString() : value.toFixed(9);
}

export function msToNs(ms: number): bigint {
  const whole = Math.trunc(ms);
  return BigInt(whole) * NS_PER_MS + BigInt(Math.round((ms - whole) * 1e6));
}
