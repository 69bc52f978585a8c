// Where the process's log lines go and how they look: pino's JSON for machines (log shippers,
// `sluice start 2> file`), or one short readable line per entry for a person at a terminal,
// so `sluice start`'s banner is not buried in JSON.

import { writeSync } from 'node:fs';
import { type DestinationStream, pino } from 'pino';

export type LogFormat = 'json' | 'human';
export const LOG_FORMATS: readonly LogFormat[] = ['json', 'human'];

/** Human on a terminal, JSON otherwise: what a person sees and what a program reads. */
export function defaultLogFormat(stream: { isTTY?: boolean }): LogFormat {
  return stream.isTTY ? 'human' : 'json';
}

/** A pino destination writing to stderr in `format`; `sync` for threads that may end abruptly. */
export function logDestination(format: LogFormat, sync = false): DestinationStream {
  if (format === 'json') return pino.destination({ dest: 2, sync });
  // Lines are short and rare (start-up, shutdown, failures): a synchronous write keeps them in order.
  return { write: (line: string) => writeSync(2, humanLine(line)) };
}

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
/** pino's own fields, shown in the line's fixed part or not at all. */
const OMITTED = new Set(['level', 'time', 'pid', 'hostname', 'name', 'component', 'msg']);

/** `12:04:05 INFO  broker  broker listening host=127.0.0.1 port=9092` from one pino JSON line. */
export function humanLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 19) : '';
  const level = (LEVELS[entry.level as number] ?? String(entry.level)).padEnd(5);
  const component = typeof entry.component === 'string' ? ` ${entry.component.padEnd(8)}` : '';
  const fields = Object.entries(entry)
    .filter(([key]) => !OMITTED.has(key))
    .map(([key, value]) => `${key}=${fieldText(value)}`);
  const err = entry.err as { stack?: string } | undefined;
  const stack = typeof err?.stack === 'string' ? `\n${err.stack}` : '';
  const shown = fields.filter((f) => !f.startsWith('err='));
  return `${time} ${level}${component} ${String(entry.msg ?? '')}${shown.length ? ` ${shown.join(' ')}` : ''}${stack}\n`;
}

function fieldText(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value);
}
