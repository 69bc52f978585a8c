// One logs-topic record to a LogEntry. Headers written by Sluice's own writers win; otherwise the
// line's format is recognised from its bytes. No record is ever dropped: what cannot be read is
// kept as raw text with level `unknown`.

import { LOG_HEADERS, type LogEntry } from '../model.js';
import { boundLabelValue, LabelSyntaxError, parseLabelText, sanitizeLabelName } from './labels.js';
import { parseLine } from './parse-line.js';
import type { ParsedLine } from './parsed-line.js';
import { decodeText, MAX_RAW_COPY, trimNewline } from './text.js';
import { msToNs } from './timestamps.js';

/** A record as a Kafka client hands it over; headers as pairs or a Map (keys as text or bytes). */
export interface LogRecord {
  key: Buffer | null | undefined;
  value: Buffer | null | undefined;
  /** Record timestamp in ms. */
  timestamp: number | bigint;
  headers?: Iterable<readonly [string | Buffer, Buffer | null | undefined]>;
}

function headerMap(record: LogRecord): Map<string, Buffer> {
  const map = new Map<string, Buffer>();
  for (const [name, value] of record.headers ?? []) {
    if (value) map.set(typeof name === 'string' ? name : name.toString('utf8'), value);
  }
  return map;
}

function headerLabels(header: Buffer | undefined): Record<string, string> | undefined {
  if (!header) return undefined;
  try {
    const labels: Record<string, string> = {};
    for (const [name, value] of Object.entries(parseLabelText(header.toString('utf8')))) {
      labels[sanitizeLabelName(name)] = value;
    }
    return labels;
  } catch (error) {
    if (error instanceof LabelSyntaxError) return undefined; // a foreign writer's bad header: read the line instead
    throw error;
  }
}

function headerNs(header: Buffer | undefined): bigint | undefined {
  const text = header?.toString('latin1');
  return text && /^\d{1,20}$/.test(text) ? BigInt(text) : undefined;
}

function headerMetadata(header: Buffer | undefined): Record<string, string> | undefined {
  if (!header) return undefined;
  try {
    const value: unknown = JSON.parse(header.toString('utf8'));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const metadata: Record<string, string> = {};
    for (const [k, v] of Object.entries(value)) if (typeof v === 'string') metadata[k] = v;
    return Object.keys(metadata).length > 0 ? metadata : undefined;
  } catch {
    return undefined;
  }
}

function recordNs(timestamp: number | bigint): bigint {
  if (typeof timestamp === 'bigint') return timestamp > 0n ? timestamp * 1_000_000n : 0n;
  return Number.isFinite(timestamp) && timestamp > 0 ? msToNs(timestamp) : 0n;
}

export function recordToEntry(record: LogRecord): LogEntry {
  const headers = headerMap(record);
  const value = record.value ?? Buffer.alloc(0);
  const decoded = decodeText(value);
  const line = trimNewline(decoded.text);
  const fallbackNs = recordNs(record.timestamp);
  const key = record.key && record.key.length > 0 ? boundLabelValue(decodeText(record.key).text) : undefined;

  let parsed: ParsedLine | undefined;
  const parse = () => {
    parsed ??=
      decoded.problem === 'binary'
        ? { format: 'binary', level: 'unknown', labels: {} }
        : parseLine(line, fallbackNs);
    return parsed;
  };

  const fromHeader = headerLabels(headers.get(LOG_HEADERS.labels));
  const labels: Record<string, string> = fromHeader ?? { ...parse().labels };
  if (!labels.service) {
    const p = fromHeader ? undefined : parse();
    labels.service = p?.service ?? key ?? p?.serviceHint ?? 'unknown';
  }
  if (!labels.level) labels.level = parse().level;

  const timestampNs =
    headerNs(headers.get(LOG_HEADERS.timestampNs)) ??
    (fromHeader ? undefined : parse().timestampNs) ??
    fallbackNs;

  let metadata = headerMetadata(headers.get(LOG_HEADERS.metadata));
  if (decoded.problem) {
    metadata = { ...metadata, raw_encoding: decoded.problem };
    if (value.length <= MAX_RAW_COPY) metadata.raw_base64 = value.toString('base64');
  }
  return metadata ? { timestampNs, labels, line, metadata } : { timestampNs, labels, line };
}
