// The root JSON Schema (the sections of SECTIONS, each defaulting to {}) and its compiled validator.

import { Ajv, type AnySchemaObject, type ValidateFunction } from 'ajv';
import { SECTIONS } from './sections.js';
import { EXPECTED_KEYWORD, UNIT_KEYWORD } from './units.js';

/** The schema of the whole file. */
export function configSchema(): AnySchemaObject {
  return {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(SECTIONS.map((s) => [s.name, { ...s.schema, default: {} }])),
  };
}

let compiled: ValidateFunction | undefined;

/**
 * Validates in place: fills in defaults and turns durations and sizes into numbers. Compiled once,
 * on first use; strict, so a mistake in a section's schema fails at once rather than passing input.
 */
export function configValidator(): ValidateFunction {
  if (compiled === undefined) {
    const ajv = new Ajv({ allErrors: true, useDefaults: true, verbose: true, strict: true });
    ajv.addKeyword(UNIT_KEYWORD);
    ajv.addKeyword(EXPECTED_KEYWORD);
    compiled = ajv.compile(configSchema());
  }
  return compiled;
}

/** The subschema at a key path, or undefined where the schema has no such key. */
export function schemaAt(path: readonly (string | number)[]): AnySchemaObject | undefined {
  let schema: AnySchemaObject | undefined = configSchema();
  for (const segment of path) {
    if (schema === undefined) return undefined;
    schema = typeof segment === 'number' ? schema.items : schema.properties?.[segment];
  }
  return schema;
}
