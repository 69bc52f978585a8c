// logfmt lines (`ts=... level=info msg="started" service=api`), as Go and many CLIs write them.

import { boundLabelValue } from './labels.js';
import { normalizeLevel } from './levels.js';
import type { ParsedLine } from './parsed-line.js';
import { timestampToNs } from './timestamps.js';

const PAIR = /([A-Za-z_][\w.\-/@]*)=("(?:[^"\\]|\\.)*"|[^\s"]*)(?=\s|$)/y;

/** The key/value pairs of a logfmt line, or undefined unless it is at least two pairs and nothing else. */
export function logfmtFields(text: string): Record<string, string> | undefined {
  const fields: Record<string, string> = {};
  let count = 0;
  let at = 0;
  while (at < text.length) {
    while (text[at] === ' ' || text[at] === '\t') at++;
    if (at >= text.length) break;
    PAIR.lastIndex = at;
    const m = PAIR.exec(text);
    if (!m) return undefined;
    const raw = m[2];
    fields[m[1]] = raw.startsWith('"')
      ? raw.slice(1, -1).replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c))
      : raw;
    count++;
    at = PAIR.lastIndex;
  }
  return count >= 2 ? fields : undefined;
}

function pick(fields: Record<string, string>, keys: string[]): string | undefined {
  for (const key of keys) if (fields[key]) return fields[key];
  return undefined;
}

export function parseLogfmtLine(fields: Record<string, string>): ParsedLine {
  const labels: Record<string, string> = {};
  const host = pick(fields, ['host', 'hostname']);
  const job = pick(fields, ['job']);
  const source = pick(fields, ['source']);
  if (host) labels.host = boundLabelValue(host);
  if (job) labels.job = boundLabelValue(job);
  if (source) labels.source = boundLabelValue(source);
  const time = pick(fields, ['ts', 'time', 'timestamp', 't']);
  const service = pick(fields, ['service', 'app', 'application', 'svc']);
  return {
    format: 'logfmt',
    level: normalizeLevel(pick(fields, ['level', 'lvl', 'severity', 'loglevel'])),
    timestampNs: time === undefined ? undefined : timestampToNs(time),
    service: service === undefined ? undefined : boundLabelValue(service),
    labels,
  };
}
