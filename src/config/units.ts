// The `unit` keyword: durations (`30s`, `1h30m`, `7d`) and sizes (`500MB`, `2GiB`) in the config
// file, checked and replaced by milliseconds and bytes, so a component reads plain numbers.

import type { FuncKeywordDefinition, SchemaValidateFunction } from 'ajv';
// The LogQL units file itself, not the logs room's door: that door loads the Kafka client library.
import { parseBytes, parseDurationMs } from '../logs/logql/units.js';

/** The value of a `unit` keyword in a section's schema. */
export interface UnitSchema {
  kind: 'duration' | 'size';
  /** Smallest value accepted, in ms or bytes. */
  min: number;
  /** -1 (and, for a duration, `forever`) means no limit. */
  noLimit?: boolean;
}

const INTEGER = /^-?\d+$/;

/** Milliseconds or bytes, or undefined when `value` is neither a number nor a spelled unit. */
function toNumber(schema: UnitSchema, value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.round(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (INTEGER.test(text)) return Number(text);
  if (schema.kind === 'duration') {
    if (schema.noLimit && text === 'forever') return -1;
    const ms = parseDurationMs(text);
    return ms === undefined ? undefined : Math.round(ms);
  }
  const bytes = parseBytes(text);
  return bytes === undefined ? undefined : Math.round(bytes);
}

/** What a value of this unit looks like, for error messages. */
export function describeUnit(schema: UnitSchema): string {
  const base =
    schema.kind === 'duration'
      ? 'a duration like 30s, 5m or 7d, or a number of milliseconds'
      : 'a size like 500MB or 2GiB, or a number of bytes';
  const notes: string[] = [];
  if (schema.min === 1 && schema.kind === 'duration') notes.push('longer than 0');
  else if (schema.min > 1) notes.push(`at least ${schema.min}`);
  if (schema.min === 0 && schema.kind === 'size') notes.push('0 turns it off');
  if (schema.noLimit) notes.push(schema.kind === 'duration' ? '-1 or forever: no limit' : '-1: no limit');
  return notes.length === 0 ? base : `${base} (${notes.join('; ')})`;
}

function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

const validate: SchemaValidateFunction = (schema: UnitSchema, data: unknown, _parent, cxt) => {
  const value = toNumber(schema, data);
  const ok = value !== undefined && (value >= schema.min || (schema.noLimit === true && value === -1));
  if (!ok) {
    validate.errors = [
      { keyword: 'unit', message: `must be ${describeUnit(schema)}, got ${show(data)}`, params: {} },
    ];
    return false;
  }
  // Replaced in place: the resolved config holds numbers, whatever the file spelled.
  if (cxt !== undefined) cxt.parentData[cxt.parentDataProperty] = value;
  return true;
};

export const UNIT_KEYWORD: FuncKeywordDefinition = {
  keyword: 'unit',
  schemaType: 'object',
  modifying: true,
  errors: true,
  validate,
};

/** `expected`: what a value must look like, in words, where the schema alone says it poorly. */
export const EXPECTED_KEYWORD: FuncKeywordDefinition = { keyword: 'expected', schemaType: 'string' };
