// Recognises a line's format from its text and reads what it says about itself. Tried in order:
// JSON object, syslog, logfmt, then plain text (level guessed from a leading word). Never fails:
// anything unrecognised is plain text.

import { parseJsonLine } from './json-line.js';
import { guessLevel } from './levels.js';
import { logfmtFields, parseLogfmtLine } from './logfmt-line.js';
import type { ParsedLine } from './parsed-line.js';
import { parseSyslogLine } from './syslog-line.js';

/** JSON longer than this is not parsed for labels (it is still kept whole as the line). */
const MAX_PARSE = 1024 * 1024;

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  if (text.length > MAX_PARSE || !text.startsWith('{') || !text.trimEnd().endsWith('}')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** `recordNs` anchors times that lack a year (BSD syslog). */
export function parseLine(text: string, recordNs: bigint): ParsedLine {
  const trimmed = text.trimStart();
  const obj = parseJsonObject(trimmed);
  if (obj) return parseJsonLine(obj, trimmed);
  const syslog = parseSyslogLine(trimmed, recordNs);
  if (syslog) return syslog;
  if (trimmed.length <= MAX_PARSE && /^[A-Za-z_][\w.\-/@]*=/.test(trimmed)) {
    const fields = logfmtFields(trimmed);
    if (fields) return parseLogfmtLine(fields);
  }
  return { format: 'text', level: guessLevel(trimmed), labels: {} };
}
