// cast (Connect's Cast): fields (or the whole value) to int8 ... int64, float32, float64, boolean
// or string (`int` and `float` are int64 and float64). Text is parsed strictly: 'abc' is no
// number and 'yes' no boolean; an integer out of its type's range is an error, not wrapped.

import { fail, ok } from '../../failure.js';
import { getField, parseFieldPath, setField } from '../../field-path.js';
import { jsonStep, type Step, type StepKind } from '../step.js';
import { asObject } from './shared.js';

const RANGES = {
  int8: 2 ** 7,
  int16: 2 ** 15,
  int32: 2 ** 31,
  int64: 2 ** 63,
} as const;

const TYPES = [
  'int8',
  'int16',
  'int32',
  'int64',
  'int',
  'float32',
  'float64',
  'float',
  'boolean',
  'string',
] as const;
type CastType = (typeof TYPES)[number];

function toNumber(value: unknown): number | string {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return `cannot cast ${JSON.stringify(value)} to a number`;
}

/** The cast value, or `{error}`. */
export function castValue(value: unknown, type: CastType): { value: unknown } | { error: string } {
  if (value === null) return { value: null };
  switch (type) {
    case 'string':
      return { value: typeof value === 'string' ? value : JSON.stringify(value) };
    case 'boolean': {
      if (typeof value === 'boolean') return { value };
      if (typeof value === 'number') return { value: value !== 0 };
      if (value === 'true' || value === '1') return { value: true };
      if (value === 'false' || value === '0') return { value: false };
      return { error: `cannot cast ${JSON.stringify(value)} to boolean` };
    }
    case 'float32':
    case 'float64':
    case 'float': {
      const n = toNumber(value);
      if (typeof n === 'string') return { error: n };
      return { value: type === 'float32' ? Math.fround(n) : n };
    }
    default: {
      const n = toNumber(value);
      if (typeof n === 'string') return { error: n };
      const limit = RANGES[type === 'int' ? 'int64' : type];
      const int = Math.trunc(n);
      if (int < -limit || int >= limit)
        return { error: `${JSON.stringify(value)} is out of the range of ${type}` };
      if (!Number.isSafeInteger(int))
        return { error: `${JSON.stringify(value)} is beyond JSON's exact integers` };
      return { value: int };
    }
  }
}

export const castStep: StepKind<{ readonly spec: CastType | Readonly<Record<string, CastType>> }> = {
  type: 'cast',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['spec'],
    properties: {
      spec: {
        anyOf: [
          { enum: [...TYPES] },
          { type: 'object', additionalProperties: { enum: [...TYPES] }, minProperties: 1 },
        ],
      },
    },
  },
  compile(options): Step {
    const spec = options.spec;
    if (typeof spec === 'string') {
      return jsonStep('cast', (value, message) => {
        const cast = castValue(value, spec);
        return 'error' in cast ? fail(`cast: ${cast.error}`) : ok(message.withJson(cast.value));
      });
    }
    const fields = Object.entries(spec).map(([field, type]) => [field, parseFieldPath(field), type] as const);
    return jsonStep('cast', (value, message) => {
      let out = asObject(value, 'cast');
      if (typeof out === 'string') return fail(out);
      for (const [name, path, type] of fields) {
        const current = getField(out, path);
        if (current === undefined) continue;
        const cast = castValue(current, type);
        if ('error' in cast) return fail(`cast: field '${name}': ${cast.error}`);
        out = setField(out, path, cast.value);
      }
      return ok(message.withJson(out));
    });
  },
};
