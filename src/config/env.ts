// SLUICE_* environment variables: one per scalar key of the schema, named after its path
// (`broker.dataDir` → SLUICE_BROKER_DATA_DIR: SLUICE_, then each segment in upper snake case,
// joined by `_`). Values are text, turned into the key's type by its schema.

import type { AnySchemaObject } from 'ajv';
import type { KeyPath } from './key-path.js';
import { configSchema } from './schema.js';
import { SECTION_NAMES } from './sections.js';

/** The environment variable that sets a key. */
export function envName(path: KeyPath): string {
  const words = path.map((segment) =>
    String(segment)
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .toUpperCase(),
  );
  return `SLUICE_${words.join('_')}`;
}

function collect(schema: AnySchemaObject, path: string[], into: Map<string, string[]>): void {
  if (schema.type === 'object' && schema.properties) {
    for (const [key, child] of Object.entries(schema.properties as Record<string, AnySchemaObject>)) {
      collect(child, [...path, key], into);
    }
  } else if (schema.type !== 'array') {
    into.set(envName(path), path);
  }
}

let variables: Map<string, string[]> | undefined;

/** Every variable Sluice reads, with the key it sets (lists such as alerts.webhooks have none). */
export function envVariables(): ReadonlyMap<string, readonly string[]> {
  if (variables === undefined) {
    variables = new Map();
    collect(configSchema(), [], variables);
  }
  return variables;
}

/** Text from the environment or a flag as the type the key's schema asks for; left as is if it is not. */
export function coerce(schema: AnySchemaObject | undefined, text: string): unknown {
  const value = text.trim();
  switch (schema?.type) {
    case 'integer':
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : text;
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : text;
    default:
      return text;
  }
}

/** Whether a SLUICE_* name claims to be a config key (it starts with a section's prefix). */
export function isSectionVariable(name: string): boolean {
  return SECTION_NAMES.some((section) => name.startsWith(`${envName([section])}_`));
}
