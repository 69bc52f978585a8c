// RabbitMQ's headers exchange: a binding's headers compared with the message's, `all` of them or
// `any`. Binding keys starting with `x-` are left out of the comparison unless the match is
// `all-with-x` or `any-with-x` (RabbitMQ 3.10+). A value of null asks only that the header be
// present. A message header that repeats is compared by its last value, as Kafka's lastHeader.
// With nothing to compare, `all` matches every message and `any` none, as in RabbitMQ.

import type { PipelineMessage } from '../message.js';

export type HeadersMatchMode = 'all' | 'any' | 'all-with-x' | 'any-with-x';

export interface HeadersMatcher {
  matches(message: PipelineMessage): boolean;
}

export function compileHeadersMatch(
  mode: HeadersMatchMode,
  headers: Readonly<Record<string, string | null>>,
): HeadersMatcher {
  const withX = mode.endsWith('-with-x');
  const all = mode.startsWith('all');
  const pairs = Object.entries(headers)
    .filter(([name]) => withX || !name.startsWith('x-'))
    .map(([name, value]) => [name, value === null ? null : Buffer.from(value, 'utf8')] as const);
  return {
    matches(message) {
      const one = ([name, value]: (typeof pairs)[number]) => {
        const actual = message.header(name);
        return actual !== undefined && (value === null || actual.equals(value));
      };
      return all ? pairs.every(one) : pairs.some(one);
    },
  };
}
