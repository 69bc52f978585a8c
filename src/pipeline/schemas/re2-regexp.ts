// ajv's regular-expression engine for JSON Schema `pattern` and `patternProperties`: RE2, so a
// match takes linear time. A schema comes from users or the registry and messages from anyone, and
// one backtracking pattern would otherwise hold the platform thread on a single message. RE2's
// dialect has no lookarounds or backreferences: a schema using them is refused when compiled.

import type { RegExpEngine } from 'ajv/dist/types/index.js';
import { RE2JS } from 're2js';

export const re2RegExp: RegExpEngine = Object.assign(
  (pattern: string, _flags: string) => {
    const re = RE2JS.compile(pattern);
    return { test: (input: string) => re.matcher(input).find() };
  },
  { code: 're2js' },
);
