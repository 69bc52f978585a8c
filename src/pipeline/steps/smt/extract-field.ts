// extractField (Connect's ExtractField$Value and $Key): the value (or the key) becomes one field
// of itself. Where Connect writes a null for a missing field (a tombstone), this is an error.

import { fail, ok } from '../../failure.js';
import { getField, parseFieldPath } from '../../field-path.js';
import { jsonStep, type Step, type StepKind } from '../step.js';
import { asObject, keyBytes } from './shared.js';

interface ExtractFieldOptions {
  readonly field: string;
  readonly from?: 'value' | 'key';
}

export const extractFieldStep: StepKind<ExtractFieldOptions> = {
  type: 'extractField',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['field'],
    properties: { field: { type: 'string', minLength: 1 }, from: { enum: ['value', 'key'] } },
  },
  compile(options): Step {
    const path = parseFieldPath(options.field);
    if (options.from === 'key') {
      return {
        type: 'extractField',
        async run(message) {
          let key: unknown;
          try {
            key = message.key === null ? null : JSON.parse(message.key.toString('utf8'));
          } catch {
            return fail('extractField: the key is not JSON');
          }
          const object = asObject(key, 'extractField from the key');
          if (typeof object === 'string') return fail(object);
          const field = getField(object, path);
          if (field === undefined) return fail(`extractField: the key has no field '${options.field}'`);
          return ok(message.with({ key: keyBytes(field) }));
        },
      };
    }
    return jsonStep('extractField', (value, message) => {
      const object = asObject(value, 'extractField');
      if (typeof object === 'string') return fail(object);
      const field = getField(object, path);
      if (field === undefined) return fail(`extractField: the value has no field '${options.field}'`);
      return ok(message.withJson(field));
    });
  },
};
