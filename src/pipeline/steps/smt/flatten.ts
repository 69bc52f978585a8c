// flatten (Connect's Flatten): nested objects become top-level fields whose names join the path
// with `delimiter` (default `.`): {"a":{"b":1}} → {"a.b":1}. Arrays are kept as they are.

import { fail, ok } from '../../failure.js';
import { isObject } from '../../field-path.js';
import { jsonStep, type Step, type StepKind } from '../step.js';
import { asObject } from './shared.js';

function flattenInto(
  value: Record<string, unknown>,
  prefix: string,
  delimiter: string,
  out: Record<string, unknown>,
) {
  for (const [key, child] of Object.entries(value)) {
    const name = prefix === '' ? key : `${prefix}${delimiter}${key}`;
    if (isObject(child)) flattenInto(child, name, delimiter, out);
    else out[name] = child;
  }
}

export const flattenStep: StepKind<{ readonly delimiter?: string }> = {
  type: 'flatten',
  schema: { type: 'object', additionalProperties: false, properties: { delimiter: { type: 'string' } } },
  compile(options): Step {
    const delimiter = options.delimiter ?? '.';
    return jsonStep('flatten', (value, message) => {
      const object = asObject(value, 'flatten');
      if (typeof object === 'string') return fail(object);
      const out: Record<string, unknown> = {};
      flattenInto(object, '', delimiter, out);
      return ok(message.withJson(out));
    });
  },
};
