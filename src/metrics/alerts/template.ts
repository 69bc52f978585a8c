import type { Labels } from './samples.js';

const ACTION =
  /\{\{\s*(\$labels\.([A-Za-z_][A-Za-z0-9_]*)|\$value)\s*(?:\|\s*(humanize|humanizePercentage)\s*)?\}\}/g;

/**
 * Renders the part of Prometheus's annotation templates our rules use: `{{ $labels.name }}`,
 * `{{ $value }}`, and the `humanize` and `humanizePercentage` functions. A missing label renders
 * as `<no value>`, as Go's templates do.
 */
export function renderTemplate(template: string, labels: Labels, value: number): string {
  return template.replace(ACTION, (_all, _subject, label: string | undefined, fn: string | undefined) => {
    if (label !== undefined) return labels[label] ?? '<no value>';
    if (fn === 'humanize') return humanize(value);
    if (fn === 'humanizePercentage') return `${goFloat4(value * 100)}%`;
    return goFloat(value);
  });
}

const BIG = ['', 'k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
const SMALL = ['', 'm', 'u', 'n', 'p', 'f', 'a', 'z', 'y'];

/** Prometheus's humanize: SI prefixes and four significant digits (1500 → 1.5k). */
export function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return goFloat4(v);
  let n = v;
  let i = 0;
  if (Math.abs(n) >= 1) {
    while (Math.abs(n) >= 1000 && i < BIG.length - 1) {
      n /= 1000;
      i++;
    }
    return `${goFloat4(n)}${BIG[i]}`;
  }
  while (Math.abs(n) < 1 && i < SMALL.length - 1) {
    n *= 1000;
    i++;
  }
  return `${goFloat4(n)}${SMALL[i]}`;
}

/** Go's `%.4g`. */
function goFloat4(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const exp = v === 0 ? 0 : Math.floor(Math.log10(Math.abs(Number(v.toPrecision(4)))));
  if (exp < -4 || exp >= 4) return goExponent(Number(v.toPrecision(4)).toExponential());
  return String(Number(v.toPrecision(4)));
}

/** How Go prints a float64 in a template (strconv 'g' shortest, exponent from 1e21). */
export function goFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const exp = v === 0 ? 0 : Math.floor(Math.log10(Math.abs(v)));
  if (exp < -4 || exp >= 21) return goExponent(v.toExponential());
  return String(v);
}

/** Prometheus's API shows alert values with strconv's 'e' format: 1500 → "1.5e+03". */
export function apiFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  return goExponent(v.toExponential());
}

/** JavaScript writes 1.5e+3 where Go writes 1.5e+03. */
function goExponent(text: string): string {
  return text.replace(/e([+-])(\d)$/, 'e$10$2');
}
