// valueToKey (Connect's ValueToKey): the record key becomes a JSON object of the named fields of
// the value. A missing field is an error, as in Connect.

import { fail, ok } from '../../failure.js';
import { getField, parseFieldPath } from '../../field-path.js';
import { jsonStep, type Step, type StepKind } from '../step.js';
import { asObject, FIELD_LIST, keyBytes } from './shared.js';

export const valueToKeyStep: StepKind<{ readonly fields: readonly string[] }> = {
  type: 'valueToKey',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['fields'],
    properties: { fields: FIELD_LIST },
  },
  compile(options): Step {
    const fields = options.fields.map((f) => [f, parseFieldPath(f)] as const);
    return jsonStep('valueToKey', (value, message) => {
      const object = asObject(value, 'valueToKey');
      if (typeof object === 'string') return fail(object);
      const key: Record<string, unknown> = {};
      for (const [name, path] of fields) {
        const field = getField(object, path);
        if (field === undefined) return fail(`valueToKey: field '${name}' is missing`);
        key[name] = field;
      }
      return ok(message.with({ key: keyBytes(key) }));
    });
  },
};
