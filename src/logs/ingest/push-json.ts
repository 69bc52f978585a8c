// Loki's JSON push body:
//   {"streams":[{"stream":{"job":"x"},"values":[["<unix ns>","line"],["<ns>","line",{"k":"v"}]]}]}
// and the older form Promtail once sent to /api/prom/push:
//   {"streams":[{"labels":"{job=\"x\"}","entries":[{"ts":"2024-05-01T12:00:00.000000001Z","line":"..."}]}]}

import { LabelSyntaxError, parseLabelText } from './labels.js';
import { PushError, tooManyStreams } from './push-error.js';
import type { PushEntry, PushRequest, PushStream } from './push-types.js';
import { isoToNs } from './timestamps.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

function nsOf(value: unknown, where: string): bigint {
  if (typeof value === 'string' && /^\d{1,19}$/.test(value)) return BigInt(value);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  throw new PushError(
    `${where}: timestamp must be a string of Unix epoch nanoseconds, like "1714564800000000000"; got ${JSON.stringify(value)}`,
  );
}

function stringMap(value: unknown, where: string): Record<string, string> {
  if (!isObject(value)) throw new PushError(`${where} must be an object of strings`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new PushError(`${where}: the value of '${k}' must be a string`);
    out[k] = v;
  }
  return out;
}

function valuesOf(values: unknown, where: string): PushEntry[] {
  if (!Array.isArray(values))
    throw new PushError(`${where}.values must be an array of [timestamp, line] pairs`);
  return values.map((value, i) => {
    const at = `${where}.values[${i}]`;
    if (!Array.isArray(value) || value.length < 2 || value.length > 3) {
      throw new PushError(`${at} must be ["<unix ns>", "<line>"] or ["<unix ns>", "<line>", {metadata}]`);
    }
    if (typeof value[1] !== 'string') throw new PushError(`${at}: the line must be a string`);
    const entry: PushEntry = { timestampNs: nsOf(value[0], at), line: value[1] };
    if (value.length === 3) {
      const metadata = stringMap(value[2], `${at} structured metadata`);
      if (Object.keys(metadata).length > 0) entry.metadata = metadata;
    }
    return entry;
  });
}

function legacyEntriesOf(entries: unknown, where: string): PushEntry[] {
  if (!Array.isArray(entries)) throw new PushError(`${where}.entries must be an array`);
  return entries.map((entry, i) => {
    const at = `${where}.entries[${i}]`;
    if (!isObject(entry) || typeof entry.line !== 'string')
      throw new PushError(`${at} must be {"ts": ..., "line": "..."}`);
    const ns = typeof entry.ts === 'string' ? isoToNs(entry.ts) : undefined;
    if (ns === undefined)
      throw new PushError(`${at}.ts must be an RFC 3339 time; got ${JSON.stringify(entry.ts)}`);
    return { timestampNs: ns, line: entry.line };
  });
}

function streamOf(stream: unknown, i: number): PushStream {
  const where = `streams[${i}]`;
  if (!isObject(stream)) throw new PushError(`${where} must be an object`);
  if (typeof stream.labels === 'string' && stream.entries !== undefined) {
    try {
      return { labels: parseLabelText(stream.labels), entries: legacyEntriesOf(stream.entries, where) };
    } catch (error) {
      if (error instanceof LabelSyntaxError) throw new PushError(`${where}.labels: ${error.message}`);
      throw error;
    }
  }
  return {
    labels: stringMap(stream.stream ?? {}, `${where}.stream`),
    entries: valuesOf(stream.values, where),
  };
}

export function decodeJsonPush(text: string, maxStreams = Number.POSITIVE_INFINITY): PushRequest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new PushError(`body is not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(body) || !Array.isArray(body.streams)) {
    throw new PushError('body must be a JSON object with a "streams" array');
  }
  if (body.streams.length > maxStreams) throw tooManyStreams(body.streams.length, maxStreams);
  return { streams: body.streams.map(streamOf) };
}
