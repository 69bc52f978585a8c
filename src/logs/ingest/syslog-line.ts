// Syslog text as rsyslog writes it. omkafka sends `RSYSLOG_FileFormat` when no template is set:
//   2024-05-01T12:00:00.123456+02:00 web-1 sshd[812]: Accepted publickey for deploy
// (RFC 3339 time, hostname, syslog tag, message, newline). Also read: the traditional format with a
// BSD time (`May  1 12:00:00 web-1 cron[9]: ...`), either one behind a `<PRI>` (the forward
// formats, which carry the severity), and RFC 5424 (`<PRI>1 TIME HOST APP PROCID MSGID SD MSG`).

import { boundLabelValue } from './labels.js';
import { guessLevel, type LogLevel, syslogSeverityLevel } from './levels.js';
import type { ParsedLine } from './parsed-line.js';
import { bsdSyslogToNs, isoToNs } from './timestamps.js';

const PRI = /^<(\d{1,3})>/;
const RFC3339_HEAD = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) (\S+) ?(.*)$/s;
const BSD_HEAD = /^([A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}) (\S+) ?(.*)$/s;
const RFC5424 = /^1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|(?:\[(?:[^\]\\]|\\.)*\])+) ?(.*)$/s;
/**
 * `program[pid]:` or `program:`; rsyslog keeps tags to 32 characters by default. A message that
 * came in as RFC 5424 has the tag `app[procid]` with no colon, which FileFormat writes as is.
 */
const TAG = /^([^\s[\]:]{1,48})(?:\[[^\]\s]*\]:?|:) ?(.*)$/s;

function result(
  timestampNs: bigint | undefined,
  host: string,
  program: string | undefined,
  message: string,
  severity: number | undefined,
): ParsedLine {
  const labels: Record<string, string> = {};
  if (host !== '-') labels.host = boundLabelValue(host);
  const level: LogLevel = severity === undefined ? guessLevel(message) : syslogSeverityLevel(severity);
  return {
    format: 'syslog',
    level,
    timestampNs,
    serviceHint: program && program !== '-' ? boundLabelValue(program) : undefined,
    labels,
  };
}

/** Reads a syslog line, or returns undefined when the text is not one. */
export function parseSyslogLine(text: string, recordNs: bigint): ParsedLine | undefined {
  let rest = text;
  let severity: number | undefined;
  const pri = PRI.exec(rest);
  if (pri) {
    const value = Number(pri[1]);
    if (value > 191) return undefined;
    severity = value & 7;
    rest = rest.slice(pri[0].length);
    const m5424 = RFC5424.exec(rest);
    if (m5424) {
      const [, time, host, app, , , , message] = m5424;
      return result(time === '-' ? undefined : isoToNs(time), host, app, message, severity);
    }
  }
  let head = RFC3339_HEAD.exec(rest);
  let timestampNs = head ? isoToNs(head[1]) : undefined;
  if (!head) {
    head = BSD_HEAD.exec(rest);
    timestampNs = head ? bsdSyslogToNs(head[1], recordNs) : undefined;
  }
  if (!head || timestampNs === undefined) return undefined;
  const [, , host, body] = head;
  const tag = TAG.exec(body);
  return tag
    ? result(timestampNs, host, tag[1], tag[2], severity)
    : result(timestampNs, host, undefined, body, severity);
}
