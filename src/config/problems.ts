// ajv's errors as problems a user can act on: the key path, what the value must be (in words, from
// the key's own schema), what it was, and for an unknown key the likely intended one.

import type { AnySchemaObject, ErrorObject } from 'ajv';
import type { ConfigProblem } from './config-error.js';
import { closest } from './did-you-mean.js';
import { formatKey, type KeyPath, pointerPath } from './key-path.js';

/** What a value must be, in words. */
export function describeSchema(schema: AnySchemaObject): string {
  if (typeof schema.expected === 'string') return schema.expected;
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.join(', ')}`;
  switch (schema.type) {
    case 'integer':
    case 'number': {
      const noun = schema.type === 'integer' ? 'an integer' : 'a number';
      const low = schema.minimum ?? schema.exclusiveMinimum;
      const high = schema.maximum < Number.MAX_SAFE_INTEGER ? schema.maximum : undefined;
      const above = schema.minimum === undefined ? '>' : '≥';
      if (low !== undefined && high !== undefined && above === '≥')
        return `${noun} between ${low} and ${high}`;
      if (low !== undefined) return `${noun} ${above} ${low}${high === undefined ? '' : ` and ≤ ${high}`}`;
      return high === undefined ? noun : `${noun} ≤ ${high}`;
    }
    case 'boolean':
      return 'true or false';
    case 'string':
      return schema.minLength ? 'a non-empty string' : 'a string';
    case 'object':
      return 'a mapping of keys to values';
    case 'array':
      return 'a list';
    default:
      return 'a valid value';
  }
}

function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value !== null && typeof value === 'object') return Array.isArray(value) ? 'a list' : 'a mapping';
  return String(value);
}

export interface LocatedProblem extends Omit<ConfigProblem, 'origin'> {
  readonly path: KeyPath;
}

/** One problem per key (ajv may report several keywords of one value), in the order found. */
export function problemsOf(errors: readonly ErrorObject[], data: unknown): LocatedProblem[] {
  const byKey = new Map<string, LocatedProblem>();
  for (const error of errors) {
    const problem = problemOf(error, data);
    if (!byKey.has(problem.key)) byKey.set(problem.key, problem);
  }
  return [...byKey.values()];
}

function problemOf(error: ErrorObject, data: unknown): LocatedProblem {
  const at = pointerPath(error.instancePath, data);
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = String(error.params.additionalProperty);
      const known = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
      const guess = closest(name, known);
      const what = at.length === 0 ? 'unknown section' : 'unknown key';
      const hint = guess === undefined ? `known: ${known.join(', ')}` : `did you mean '${guess}'?`;
      const path = [...at, name];
      return { path, key: formatKey(path), message: `${what} (${hint})` };
    }
    case 'required': {
      const path = [...at, String(error.params.missingProperty)];
      return { path, key: formatKey(path), message: 'required' };
    }
    case 'unit':
      return { path: at, key: formatKey(at), message: error.message ?? 'invalid value' };
    default: {
      const schema = error.parentSchema;
      const message =
        schema === undefined
          ? (error.message ?? 'invalid value')
          : `must be ${describeSchema(schema)}, got ${show(error.data)}`;
      return { path: at, key: formatKey(at), message };
    }
  }
}
