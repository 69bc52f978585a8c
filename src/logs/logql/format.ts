/** How Loki's HTTP API writes sample values and times. */

/** Go's `strconv.FormatFloat(v, 'f', -1, 64)`: shortest digits, never an exponent; `+Inf`, `NaN`. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const s = String(v);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const negative = s.startsWith('-');
  const mantissa = s.slice(negative ? 1 : 0, e);
  const exp = Number(s.slice(e + 1));
  const digits = mantissa.replace('.', '');
  const intLen = mantissa.split('.')[0].length + exp;
  let out: string;
  if (intLen <= 0) out = `0.${'0'.repeat(-intLen)}${digits}`;
  else if (intLen >= digits.length) out = digits + '0'.repeat(intLen - digits.length);
  else out = `${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
  return (negative ? '-' : '') + out;
}

/** Sample times are Unix seconds with millisecond precision, as a JSON number. */
export function secondsOf(ns: bigint): number {
  return Number(ns / 1_000_000n) / 1000;
}
