// Log levels from every source mapped onto one small vocabulary (pino's names plus `unknown`),
// so `{level="error"}` finds errors whichever shipper sent them.

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'unknown';

const WORDS: Record<string, LogLevel> = {
  trace: 'trace',
  trc: 'trace',
  finest: 'trace',
  debug: 'debug',
  dbg: 'debug',
  fine: 'debug',
  info: 'info',
  inf: 'info',
  information: 'info',
  informational: 'info',
  notice: 'info',
  warn: 'warn',
  warning: 'warn',
  wrn: 'warn',
  error: 'error',
  err: 'error',
  eror: 'error',
  severe: 'error',
  fatal: 'fatal',
  critical: 'fatal',
  crit: 'fatal',
  alert: 'fatal',
  emerg: 'fatal',
  emergency: 'fatal',
  panic: 'fatal',
};

/** Syslog severities 0-7 (RFC 5424). */
const SYSLOG: LogLevel[] = ['fatal', 'fatal', 'fatal', 'error', 'warn', 'info', 'info', 'debug'];

/** pino's numeric levels: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal; custom levels fall in between. */
export function pinoLevel(level: number): LogLevel {
  if (!Number.isFinite(level)) return 'unknown';
  if (level < 20) return 'trace';
  if (level < 30) return 'debug';
  if (level < 40) return 'info';
  if (level < 50) return 'warn';
  if (level < 60) return 'error';
  return 'fatal';
}

export function syslogSeverityLevel(severity: number): LogLevel {
  return SYSLOG[severity] ?? 'unknown';
}

/** A level field's value: a name in any case, or a number (pino's scale when >= 10, else syslog's). */
export function normalizeLevel(value: unknown): LogLevel {
  if (typeof value === 'number') return value >= 10 ? pinoLevel(value) : syslogSeverityLevel(value);
  if (typeof value !== 'string') return 'unknown';
  const word = value.trim().toLowerCase();
  if (/^\d+$/.test(word)) return normalizeLevel(Number(word));
  return WORDS[word] ?? 'unknown';
}

/**
 * Guesses a plain-text line's level from a level word at its start, after any leading tokens that
 * hold digits such as a date and time (`ERROR boom`, `[WARN] x`, `2024-05-01 12:00:00 INFO y`).
 * Only upper-case or capitalised words, or a lower-case `word:`, count, so an ordinary sentence
 * ("info about...") does not.
 */
export function guessLevel(line: string): LogLevel {
  const tokens = line.slice(0, 160).trimStart().split(/\s+/, 4);
  for (const token of tokens) {
    const word = token.replace(/^[[(<]+/, '').replace(/[\])>:|,]+$/, '');
    if (/^[A-Za-z]{3,13}$/.test(word)) {
      const capitalised = word[0].toUpperCase() + word.slice(1).toLowerCase();
      const shouted = word === word.toUpperCase() || word === capitalised;
      // Lower case counts only as a `word:` prefix (sshd's `error: ...`, compilers' `warning: ...`).
      if (!shouted && !token.endsWith(':')) return 'unknown';
      return WORDS[word.toLowerCase()] ?? 'unknown';
    }
    if (!/\d/.test(word)) return 'unknown';
  }
  return 'unknown';
}
