import { RE2JS } from 're2js';

/**
 * A LogQL regular expression, compiled with RE2 semantics (Go's regexp dialect, as Loki uses):
 * matching takes time linear in the input, so no pattern can stall the process, and what RE2
 * lacks (backreferences, lookarounds) does not parse, as in Loki.
 */
export interface LogRegex {
  readonly source: string;
  test(input: string): boolean;
}

/** Text with none of RE2's metacharacters matches itself: a plain substring or equality test. */
const LITERAL = /^[^\\.+*?()|[\]{}^$]*$/;

/**
 * Compile `source`. Label matchers are anchored at both ends (Prometheus semantics), line filters
 * are not. Throws with Go's wording (`error parsing regexp: missing closing ): ...`).
 */
export function compileRegex(source: string, anchored: boolean): LogRegex {
  if (LITERAL.test(source)) {
    return anchored
      ? { source, test: (input) => input === source }
      : { source, test: (input) => input.includes(source) };
  }
  const re = RE2JS.compile(source);
  return anchored
    ? { source, test: (input) => re.testExact(input) }
    : { source, test: (input) => re.test(input) };
}
