import { LogQLParseError } from './errors.js';
import { parseBytes, parseDurationMs } from './units.js';

export type TokenKind = 'ident' | 'string' | 'number' | 'duration' | 'bytes' | 'range' | 'op' | 'eof';

export interface Token {
  kind: TokenKind;
  /** The source text (for strings: the decoded value; for ranges: the duration inside). */
  text: string;
  /** Durations and ranges in ms, bytes in bytes, numbers as themselves. */
  value?: number;
  line: number;
  col: number;
}

/** Words that Loki's grammar has as tokens of their own, so errors name them as written. */
const KEYWORDS = new Set([
  'by',
  'without',
  'bool',
  'offset',
  'and',
  'or',
  'unless',
  'json',
  'logfmt',
  'drop',
  'keep',
  'vector',
  'sum',
  'count',
  'min',
  'max',
  'avg',
  'count_over_time',
  'rate',
  'bytes_over_time',
  'bytes_rate',
  'line_format',
  'label_format',
  'unwrap',
  'regexp',
  'pattern',
]);

/** Longest first, so `|=` wins over `|` and `=~` over `=`. */
const OPERATORS = [
  '|=',
  '|~',
  '|>',
  '!=',
  '!~',
  '=~',
  '==',
  '>=',
  '<=',
  '|',
  '=',
  '>',
  '<',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '(',
  ')',
  '{',
  '}',
  ',',
  '[',
  ']',
];

/** How Loki's parser names a token in `unexpected X` (yacc names for value tokens, text for the rest). */
export function describe(token: Token): string {
  switch (token.kind) {
    case 'eof':
      return '$end';
    case 'ident':
      return KEYWORDS.has(token.text) ? token.text : 'IDENTIFIER';
    case 'string':
      return 'STRING';
    case 'number':
      return 'NUMBER';
    case 'duration':
      return 'DURATION';
    case 'bytes':
      return 'BYTES';
    case 'range':
      return 'RANGE';
    default:
      return token.text;
  }
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  '"': '"',
  "'": "'",
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
};

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const fail = (msg: string, at: number): never => {
    throw new LogQLParseError(msg, line, at - lineStart + 1);
  };
  while (i < src.length) {
    const c = src[i];
    if (c === '\n') {
      line++;
      i++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    const start = i;
    const at = { line, col: start - lineStart + 1 };
    if (c === '"' || c === '`') {
      let out = '';
      i++;
      for (;;) {
        if (i >= src.length || (c === '"' && src[i] === '\n')) fail('literal not terminated', start);
        const ch = src[i++];
        if (ch === c) break;
        if (ch !== '\\' || c === '`') {
          out += ch;
          continue;
        }
        const e = src[i++];
        if (e === 'u' || e === 'x' || e === 'U') {
          const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
          const hex = src.slice(i, i + len);
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) fail('invalid char escape', i);
          out += String.fromCodePoint(Number.parseInt(hex, 16));
          i += len;
        } else if (e !== undefined && e in ESCAPES) out += ESCAPES[e];
        else fail('invalid char escape', i - 1);
      }
      tokens.push({ kind: 'string', text: out, ...at });
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?[a-zA-Zµ0-9.]*/y;
      m.lastIndex = i;
      const text = m.exec(src)![0];
      i += text.length;
      const n = Number(text);
      if (!Number.isNaN(n)) tokens.push({ kind: 'number', text, value: n, ...at });
      else if (parseDurationMs(text) !== undefined)
        tokens.push({ kind: 'duration', text, value: parseDurationMs(text), ...at });
      else if (parseBytes(text) !== undefined)
        tokens.push({ kind: 'bytes', text, value: parseBytes(text), ...at });
      else fail(`syntax error: unexpected IDENTIFIER`, start);
      continue;
    }
    if (/[a-zA-Z_]/.test(c)) {
      const m = /[a-zA-Z_][a-zA-Z0-9_]*/y;
      m.lastIndex = i;
      const text = m.exec(src)![0];
      i += text.length;
      tokens.push({ kind: 'ident', text, ...at });
      continue;
    }
    if (c === '[') {
      // Loki lexes `[5m]` as one RANGE token.
      const close = src.indexOf(']', i);
      const inner = close < 0 ? '' : src.slice(i + 1, close).trim();
      const ms = parseDurationMs(inner);
      if (close >= 0 && ms !== undefined) {
        tokens.push({ kind: 'range', text: inner, value: ms, ...at });
        i = close + 1;
        continue;
      }
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (!op) fail(`syntax error: unexpected character: '${c}'`, start);
    i += op!.length;
    tokens.push({ kind: 'op', text: op!, ...at });
  }
  tokens.push({ kind: 'eof', text: '', line, col: i - lineStart + 1 });
  return tokens;
}
