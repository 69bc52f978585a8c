// JSON log lines: pino, Fluent Bit's kafka output (`@timestamp`, a double in seconds by default),
// Vector's kafka sink (`timestamp`, `message`, `host`, `source_type`), and any JSON with the usual
// keys. Keys may be nested (`kubernetes.host`) or flat with dots (ECS `log.level`).

import { boundLabelValue } from './labels.js';
import { guessLevel, normalizeLevel } from './levels.js';
import type { ParsedLine } from './parsed-line.js';
import { timestampToNs } from './timestamps.js';

type Json = Record<string, unknown>;

const TIMESTAMP_KEYS = ['@timestamp', 'timestamp', 'time', 'ts', 'datetime', 'date', 'eventTime', '@t'];
const LEVEL_KEYS = ['level', 'severity', 'lvl', 'loglevel', 'log.level', 'levelname', 'severity_text', '@l'];
const MESSAGE_KEYS = ['msg', 'message', 'log', 'MESSAGE'];
const SERVICE_KEYS = ['service', 'service.name', 'service_name', 'app', 'application', 'app_name', 'appname'];
const SERVICE_HINT_KEYS = [
  'kubernetes.labels.app',
  'kubernetes.labels.app.kubernetes.io/name',
  'kubernetes.container_name',
  'container_name',
  'name',
  'programname',
  'ident',
];
const LABEL_KEYS: [label: string, keys: string[]][] = [
  ['host', ['host', 'hostname', 'host.name', 'host.hostname', 'kubernetes.host']],
  ['job', ['job']],
  ['source', ['source', 'source_type']],
  ['namespace', ['kubernetes.namespace_name', 'kubernetes.pod_namespace']],
];

/** `obj[a][b]`, or `obj['a.b']`, or `obj.a['b.c']`: whichever exists first. */
function lookup(obj: Json, path: string): unknown {
  if (Object.hasOwn(obj, path)) return obj[path];
  const dot = path.indexOf('.');
  if (dot < 0) return undefined;
  for (let at = dot; at >= 0; at = path.indexOf('.', at + 1)) {
    const inner = obj[path.slice(0, at)];
    if (inner !== null && typeof inner === 'object' && !Array.isArray(inner)) {
      const found = lookup(inner as Json, path.slice(at + 1));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function firstText(obj: Json, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const text = scalarText(lookup(obj, key));
    if (text !== undefined) return boundLabelValue(text);
  }
  return undefined;
}

/** The exact digits of a top-level numeric field in the source text, so ns survive JSON's doubles. */
function rawNumber(source: string, key: string, value: number): string | undefined {
  const escaped = JSON.stringify(key).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`${escaped}\\s*:\\s*(-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)`).exec(source);
  return m && Number(m[1]) === value ? m[1] : undefined;
}

function timestampOf(obj: Json, source: string): bigint | undefined {
  for (const key of TIMESTAMP_KEYS) {
    const value = lookup(obj, key);
    if (value === undefined) continue;
    const raw = typeof value === 'number' ? rawNumber(source, key, value) : undefined;
    const ns = timestampToNs(value, raw);
    if (ns !== undefined) return ns;
  }
  return undefined;
}

function formatOf(obj: Json): ParsedLine['format'] {
  if (typeof obj.level === 'number' && obj.time !== undefined && ('msg' in obj || 'pid' in obj))
    return 'pino';
  if ('@timestamp' in obj && !('@version' in obj)) return 'fluentbit';
  if (typeof obj.source_type === 'string' && 'timestamp' in obj) return 'vector';
  return 'json';
}

/** Reads a JSON object line; `source` is its text (for exact timestamp digits). */
export function parseJsonLine(obj: Json, source: string): ParsedLine {
  const labels: Record<string, string> = {};
  for (const [label, keys] of LABEL_KEYS) {
    const value = firstText(obj, keys);
    if (value !== undefined) labels[label] = value;
  }
  // pino writes a number (or its name with `formatters.level`); others write a name.
  let level = normalizeLevel(LEVEL_KEYS.map((k) => lookup(obj, k)).find((v) => v !== undefined));
  // No level field (Fluent Bit tailing plain text, Vector's `message`): guess from the message.
  if (level === 'unknown') {
    const message = MESSAGE_KEYS.map((k) => obj[k]).find((v) => typeof v === 'string');
    if (typeof message === 'string') level = guessLevel(message);
  }
  return {
    format: formatOf(obj),
    level,
    timestampNs: timestampOf(obj, source),
    service: firstText(obj, SERVICE_KEYS),
    serviceHint: firstText(obj, SERVICE_HINT_KEYS),
    labels,
  };
}
