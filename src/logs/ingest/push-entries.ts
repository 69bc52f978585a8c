// Pushed streams to LogEntries and LogEntries to logs-topic records (the LOG_HEADERS contract).

import { LOG_HEADERS, type LogEntry } from '../model.js';
import { formatLabelText } from './labels.js';
import { normalizeLevel } from './levels.js';
import { parseLine } from './parse-line.js';
import type { PushStream } from './push-types.js';

/** Stream labels that name the service, in the order Loki's service_name discovery tries them. */
const SERVICE_LABELS = [
  'service',
  'service_name',
  'app',
  'application',
  'name',
  'app_kubernetes_io_name',
  'container',
  'job',
];
const LEVEL_LABELS = ['level', 'detected_level', 'severity', 'lvl'];

/**
 * A pushed stream's entries as LogEntries: the stream's labels plus `service` (from the labels
 * that usually name it, else `unknown`) and `level` (from a level label, else read from each line
 * as the topic reader would, else `unknown`).
 */
export function pushStreamToEntries(stream: PushStream): LogEntry[] {
  const base = { ...stream.labels };
  if (!base.service) base.service = SERVICE_LABELS.map((n) => stream.labels[n]).find((v) => v) ?? 'unknown';
  const levelLabel = LEVEL_LABELS.map((n) => stream.labels[n]).find((v) => v);
  if (!base.level && levelLabel) base.level = normalizeLevel(levelLabel);
  return stream.entries.map((entry) => {
    const labels = base.level ? base : { ...base, level: parseLine(entry.line, entry.timestampNs).level };
    const out: LogEntry = { timestampNs: entry.timestampNs, labels, line: entry.line };
    if (entry.metadata && Object.keys(entry.metadata).length > 0) out.metadata = entry.metadata;
    return out;
  });
}

/** A record to produce to the logs topic. */
export interface LogRecordToWrite {
  key: Buffer;
  value: Buffer;
  /** Record timestamp in ms (the entry's, truncated). */
  timestamp: number;
  headers: [string, Buffer][];
}

/**
 * The record for an entry: value = the line, key = its service, headers with the labels, the exact
 * ns timestamp and any structured metadata. recordToEntry reads it back to an equal entry.
 */
export function entryToRecord(entry: LogEntry): LogRecordToWrite {
  const headers: [string, Buffer][] = [
    [LOG_HEADERS.labels, Buffer.from(formatLabelText(entry.labels))],
    [LOG_HEADERS.timestampNs, Buffer.from(entry.timestampNs.toString())],
  ];
  if (entry.metadata && Object.keys(entry.metadata).length > 0) {
    headers.push([LOG_HEADERS.metadata, Buffer.from(JSON.stringify(entry.metadata))]);
  }
  return {
    key: Buffer.from(entry.labels.service ?? 'unknown'),
    value: Buffer.from(entry.line),
    timestamp: Number(entry.timestampNs / 1_000_000n),
    headers,
  };
}
