// What the Connect-style steps share: the value must be a JSON object for field operations, and
// field names are dotted paths into it.

import { isObject } from '../../field-path.js';

export const FIELD_LIST = {
  type: 'array',
  items: { type: 'string', minLength: 1 },
  minItems: 1,
  expected: 'a non-empty list of field names',
};

/** The value as an object, or the reason it is not one. */
export function asObject(value: unknown, step: string): Record<string, unknown> | string {
  if (isObject(value)) return value;
  const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  return `${step} needs the value to be a JSON object, got ${what}`;
}

/** A record key from a JSON value: strings as their text (as most keys are), the rest as JSON. */
export function keyBytes(value: unknown): Buffer | null {
  if (value === null || value === undefined) return null;
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8');
}
