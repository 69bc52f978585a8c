/**
 * The `| json` and `| logfmt` parsers: they turn a line into labels the way Loki names them
 * (nested JSON keys joined with `_`, names sanitized, `_extracted` when a stream label has the
 * name), and report a line they cannot parse with `__error__` rather than dropping it.
 */

export const ERROR_LABEL = '__error__';
export const ERROR_DETAILS_LABEL = '__error_details__';
const DUPLICATE_SUFFIX = '_extracted';

/** Non-identifier characters become `_`; a leading digit gets a `_` in front (Prometheus names). */
export function sanitizeLabelKey(key: string, isPrefix: boolean): string {
  let k = key.trim();
  if (k === '') return k;
  if (isPrefix && k[0] >= '0' && k[0] <= '9') k = `_${k}`;
  return k.replace(/[^a-zA-Z0-9_]/g, '_');
}

export function setError(labels: Record<string, string>, error: string, details: string): void {
  // The first error wins, as in Loki: later stages see the line already failed.
  if (labels[ERROR_LABEL] !== undefined) return;
  labels[ERROR_LABEL] = error;
  labels[ERROR_DETAILS_LABEL] = details;
}

function parsedName(name: string, stream: Readonly<Record<string, string>>): string {
  return Object.hasOwn(stream, name) ? name + DUPLICATE_SUFFIX : name;
}

function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** Every string, number and boolean of a JSON object; arrays and nulls are skipped as Loki does. */
export function parseJsonLine(
  line: string,
  stream: Readonly<Record<string, string>>,
  labels: Record<string, string>,
): void {
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch (err) {
    setError(labels, 'JSONParserErr', (err as Error).message);
    return;
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    setError(labels, 'JSONParserErr', 'expecting json object, but it is not');
    return;
  }
  const walk = (obj: Record<string, unknown>, prefix: string) => {
    for (const [key, value] of Object.entries(obj)) {
      const name = prefix === '' ? sanitizeLabelKey(key, true) : `${prefix}_${sanitizeLabelKey(key, false)}`;
      if (name === '') continue;
      if (value !== null && typeof value === 'object') {
        if (!Array.isArray(value)) walk(value as Record<string, unknown>, name);
        continue;
      }
      const text = scalarText(value);
      if (text !== undefined) labels[parsedName(name, stream)] = text;
    }
  };
  walk(doc as Record<string, unknown>, '');
}

/** `| json a="b.c[0]"`: only the given paths; objects and arrays come back as JSON text. */
export function parseJsonPaths(
  line: string,
  params: ReadonlyArray<{ label: string; path: ReadonlyArray<string | number> }>,
  stream: Readonly<Record<string, string>>,
  labels: Record<string, string>,
): void {
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch (err) {
    setError(labels, 'JSONParserErr', (err as Error).message);
    return;
  }
  for (const { label, path } of params) {
    let v: unknown = doc;
    for (const step of path)
      v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[step] : undefined;
    const text = v !== null && typeof v === 'object' ? JSON.stringify(v) : (scalarText(v) ?? '');
    labels[parsedName(label, stream)] = text;
  }
}

interface LogfmtPair {
  key: string;
  value: string;
}

/** Scan `key=value key2="quoted \"value\"" flag`; `error` is set at the first malformed pair. */
export function scanLogfmt(
  line: string,
  onPair: (p: LogfmtPair) => void,
  stopOnError = false,
): string | undefined {
  let i = 0;
  const n = line.length;
  let error: string | undefined;
  const skipToSpace = () => {
    while (i < n && line[i] > ' ') i++;
  };
  while (i < n && !(stopOnError && error !== undefined)) {
    while (i < n && line[i] <= ' ') i++;
    if (i >= n) break;
    const start = i;
    while (i < n && line[i] > ' ' && line[i] !== '=' && line[i] !== '"') i++;
    const key = line.slice(start, i);
    if (key === '' || line[i] === '"') {
      error ??= `logfmt syntax error at pos ${i + 1} : unexpected '${line[i]}'`;
      i++;
      skipToSpace();
      continue;
    }
    if (i >= n || line[i] !== '=') {
      onPair({ key, value: '' });
      continue;
    }
    i++;
    if (line[i] === '"') {
      let j = i + 1;
      while (j < n && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
      if (j >= n) {
        error ??= `logfmt syntax error at pos ${n + 1} : unterminated quoted value`;
        break;
      }
      const raw = line.slice(i + 1, j);
      let value = raw;
      try {
        value = JSON.parse(`"${raw}"`);
      } catch {
        // Not a JSON-style escape: keep the text between the quotes as is.
      }
      onPair({ key, value });
      i = j + 1;
      continue;
    }
    const vStart = i;
    while (i < n && line[i] > ' ' && line[i] !== '"' && line[i] !== '=') i++;
    if (i < n && line[i] > ' ') {
      error ??= `logfmt syntax error at pos ${i + 1} : unexpected '${line[i]}'`;
      skipToSpace();
      continue;
    }
    onPair({ key, value: line.slice(vStart, i) });
  }
  return error;
}

/** `| logfmt [--strict] [--keep-empty]`: lenient by default, as Loki 2.9+ is. */
export function parseLogfmtLine(
  line: string,
  opts: { strict: boolean; keepEmpty: boolean },
  stream: Readonly<Record<string, string>>,
  labels: Record<string, string>,
): void {
  const found: LogfmtPair[] = [];
  const error = scanLogfmt(line, (p) => found.push(p), opts.strict);
  for (const { key, value } of found) {
    const name = sanitizeLabelKey(key, true);
    if (name === '' || (value === '' && !opts.keepEmpty)) continue;
    labels[parsedName(name, stream)] = value;
  }
  if (error !== undefined && opts.strict) setError(labels, 'LogfmtParserErr', error);
}
