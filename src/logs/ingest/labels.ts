// Prometheus label names and the label text form (`{a="x", b="y"}`) used by Loki push bodies and
// by the `sluice.labels` record header.

import { SluiceError } from '../../errors/index.js';

/** A label value read from a log line is cut here, so a stray huge field cannot become a label. */
export const MAX_PARSED_LABEL_VALUE = 256;

const NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function isValidLabelName(name: string): boolean {
  return NAME.test(name);
}

/** Turns any key into a valid label name: other characters become `_`, a leading digit gets a `_`. */
export function sanitizeLabelName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_]/g, '_');
  if (cleaned === '') return '_';
  return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned;
}

/** Cuts a value to `max` UTF-16 units without splitting a surrogate pair. */
export function boundLabelValue(value: string, max = MAX_PARSED_LABEL_VALUE): string {
  if (value.length <= max) return value;
  const end = /[\uD800-\uDBFF]/.test(value[max - 1]) ? max - 1 : max;
  return value.slice(0, end);
}

/** Why a label text could not be read; `at` is the character offset. */
export class LabelSyntaxError extends SluiceError {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super('INVALID_ARGUMENT', message, { details: { at } });
  }
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'" };

/**
 * Parses `{name="value", ...}` (Prometheus text, as Loki's push and LogQL stream selectors write
 * it): names follow Prometheus rules, values are double-quoted with backslash escapes (\n \t \\ \"
 * and \uXXXX), `=` only (a matcher like `!=` is not a label set), no duplicate names. `{}` is the
 * empty set. Throws LabelSyntaxError saying what and where.
 */
export function parseLabelText(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  const fail = (what: string): never => {
    throw new LabelSyntaxError(`${what} at offset ${i} of label text ${JSON.stringify(text)}`, i);
  };
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  skipSpace();
  if (text[i] !== '{') fail("expected '{'");
  i++;
  skipSpace();
  if (text[i] === '}') {
    i++;
    skipSpace();
    if (i !== text.length) fail("unexpected text after '}'");
    return labels;
  }
  for (;;) {
    skipSpace();
    const start = i;
    while (i < text.length && /[a-zA-Z0-9_]/.test(text[i])) i++;
    const name = text.slice(start, i);
    if (!isValidLabelName(name)) fail(name === '' ? 'expected a label name' : `invalid label name '${name}'`);
    skipSpace();
    if (text[i] !== '=' || text[i + 1] === '~') fail(`expected '=' after label name '${name}'`);
    i++;
    skipSpace();
    if (text[i] !== '"') fail(`expected '"' to open the value of '${name}'`);
    i++;
    let value = '';
    for (;;) {
      if (i >= text.length) fail(`unterminated value of '${name}'`);
      const c = text[i++];
      if (c === '"') break;
      if (c !== '\\') {
        value += c;
        continue;
      }
      const e = text[i++];
      if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i, i + 4))) {
        value += String.fromCharCode(Number.parseInt(text.slice(i, i + 4), 16));
        i += 4;
      } else if (e !== undefined && e in ESCAPES) {
        value += ESCAPES[e];
      } else {
        i--;
        fail(`invalid escape '\\${e ?? ''}' in the value of '${name}'`);
      }
    }
    if (Object.hasOwn(labels, name)) fail(`duplicate label name '${name}'`);
    labels[name] = value;
    skipSpace();
    if (text[i] === ',') {
      i++;
      skipSpace();
      if (text[i] === '}') break; // a trailing comma is accepted, as Prometheus does
      continue;
    }
    if (text[i] === '}') break;
    fail("expected ',' or '}'");
  }
  i++;
  skipSpace();
  if (i !== text.length) fail("unexpected text after '}'");
  return labels;
}

function escapeValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** Writes labels as `{a="x", b="y"}` in name order, so equal sets give equal text. */
export function formatLabelText(labels: Record<string, string>): string {
  const names = Object.keys(labels).sort();
  return `{${names.map((n) => `${n}="${escapeValue(labels[n])}"`).join(', ')}}`;
}
