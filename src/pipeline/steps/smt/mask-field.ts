// maskField (Connect's MaskField): replaces the fields' values with `replacement`, or without one
// with the empty value of their type (0, false, "", [] or {}), as Connect does. Null stays null.

import { fail, ok } from '../../failure.js';
import { getField, parseFieldPath, setField } from '../../field-path.js';
import { jsonStep, type Step, type StepKind } from '../step.js';
import { asObject, FIELD_LIST } from './shared.js';

interface MaskFieldOptions {
  readonly fields: readonly string[];
  readonly replacement?: string | number | boolean;
}

function emptyOf(value: unknown): unknown {
  if (typeof value === 'number') return 0;
  if (typeof value === 'boolean') return false;
  if (typeof value === 'string') return '';
  return Array.isArray(value) ? [] : {};
}

export const maskFieldStep: StepKind<MaskFieldOptions> = {
  type: 'maskField',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['fields'],
    properties: {
      fields: FIELD_LIST,
      replacement: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
    },
  },
  compile(options): Step {
    const paths = options.fields.map(parseFieldPath);
    return jsonStep('maskField', (value, message) => {
      let out = asObject(value, 'maskField');
      if (typeof out === 'string') return fail(out);
      for (const path of paths) {
        const current = getField(out, path);
        if (current === undefined || current === null) continue;
        out = setField(out, path, options.replacement ?? emptyOf(current));
      }
      return ok(message.withJson(out));
    });
  },
};
