import type { Matcher } from './ast.js';

/**
 * Compile a LogQL (RE2) regular expression. Leading flag groups such as `(?i)` become JavaScript
 * flags; label matchers are anchored at both ends (Prometheus semantics), line filters are not.
 */
export function compileRegex(source: string, anchored: boolean): RegExp {
  let body = source;
  let flags = '';
  for (let m = /^\(\?([imsU]+)\)/.exec(body); m; m = /^\(\?([imsU]+)\)/.exec(body)) {
    for (const f of m[1]) if (f !== 'U' && !flags.includes(f)) flags += f;
    body = body.slice(m[0].length);
  }
  return new RegExp(anchored ? `^(?:${body})$` : body, flags);
}

/** Does one matcher accept a label value (absent labels count as the empty string)? */
export function matcherMatches(m: Matcher, value: string | undefined): boolean {
  const v = value ?? '';
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return m.regex!.test(v);
    case '!~':
      return !m.regex!.test(v);
  }
}

/** Does a stream with these labels match every matcher of a selector? */
export function selectorMatches(
  matchers: readonly Matcher[],
  labels: Readonly<Record<string, string>>,
): boolean {
  for (const m of matchers) if (!matcherMatches(m, labels[m.name])) return false;
  return true;
}
