// Spring's PathPattern syntax, compiled to one RE2 regex (linear time, whatever the input):
//   ?            one character within a segment      *        zero or more within a segment
//   **           zero or more segments (at the end)    {name}   a segment, captured as `name`
//   {name:re}    a segment matching `re`, captured    {*name}  the rest of the path, captured
// Host patterns use the same elements with '.' between labels (Spring's AntPathMatcher for hosts).

import { RE2JS } from 're2js';
import { ArgError } from './route-error.js';

export interface CompiledPattern {
  readonly source: string;
  /** The captures when `input` matches, else undefined. */
  match(input: string): Record<string, string> | undefined;
}

const escapeRegex = (s: string) => s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A path pattern; `matchTrailingSlash` also matches the path with one '/' more at the end. */
export function compilePathPattern(pattern: string, matchTrailingSlash = false): CompiledPattern {
  if (!pattern.startsWith('/')) throw new ArgError(`path pattern '${pattern}' must start with '/'`);
  const segments = pattern.slice(1).split('/');
  let re = '';
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '**') {
      if (!last) throw new ArgError(`in '${pattern}': '**' is only allowed as the last segment`);
      re += '(?:/.*)?';
      return;
    }
    const rest = /^\{\*([^}]+)\}$/.exec(segment);
    if (rest) {
      if (!last) throw new ArgError(`in '${pattern}': {*${rest[1]}} is only allowed as the last segment`);
      re += `(?P<${groupName(rest[1] as string, pattern)}>(?:/.*)?)`;
      return;
    }
    re += `/${segmentRegex(segment, pattern, '[^/]')}`;
  });
  if (pattern === '/') re = '/';
  if (matchTrailingSlash && !re.endsWith('?')) re += '/?';
  return compiled(pattern, re);
}

/** A host pattern (`**.example.org`, `{sub}.example.org`), matched without case and without the port. */
export function compileHostPattern(pattern: string): CompiledPattern {
  const labels = pattern.split('.');
  const parts = labels.map((label, i) => {
    if (label === '**')
      return i === 0 ? '(?:.*\\.)?' : i === labels.length - 1 ? '(?:\\..*)?' : '\\.(?:.*\\.)?';
    return segmentRegex(label, pattern, '[^.]');
  });
  let re = '';
  labels.forEach((label, i) => {
    const part = parts[i] as string;
    if (label === '**') re += part;
    else re += i === 0 || labels[i - 1] === '**' ? part : `\\.${part}`;
  });
  return compiled(pattern, `(?i)${re}`);
}

function compiled(source: string, re: string): CompiledPattern {
  let regex: RE2JS;
  try {
    regex = RE2JS.compile(re);
  } catch (error) {
    throw new ArgError(`invalid pattern '${source}': ${(error as Error).message}`);
  }
  const names = Object.keys(regex.namedGroups());
  return {
    source,
    match(input) {
      const m = regex.matcher(input);
      if (!m.matches()) return undefined;
      const captures: Record<string, string> = {};
      for (const name of names) captures[name] = m.group(name) ?? '';
      return captures;
    },
  };
}

/** One segment (or host label): literals, '?', '*', {name}, {name:regex}. */
function segmentRegex(segment: string, pattern: string, any: string): string {
  let out = '';
  let i = 0;
  while (i < segment.length) {
    const c = segment[i] as string;
    if (c === '{') {
      const end = closingBrace(segment, i, pattern);
      const body = segment.slice(i + 1, end);
      const colon = body.indexOf(':');
      const name = groupName(colon < 0 ? body : body.slice(0, colon), pattern);
      const inner = colon < 0 ? `${any}+` : body.slice(colon + 1);
      out += `(?P<${name}>${inner})`;
      i = end + 1;
    } else if (c === '*') {
      out += `${any}*`;
      i++;
    } else if (c === '?') {
      out += any;
      i++;
    } else {
      out += escapeRegex(c);
      i++;
    }
  }
  return out;
}

function closingBrace(s: string, open: number, pattern: string): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '{') depth++;
    else if (s[i] === '}' && --depth === 0) return i;
  }
  throw new ArgError(`in '${pattern}': '{' without its '}'`);
}

function groupName(name: string, pattern: string): string {
  if (!NAME.test(name)) throw new ArgError(`in '${pattern}': '${name}' is not a valid capture name`);
  return name;
}
