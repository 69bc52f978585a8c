import type { Matcher } from './ast.js';

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
