// timestampConverter (Connect's TimestampConverter): a field (or the whole value) from Unix time or
// a date string to `unix` (a number in `unixPrecision`, default milliseconds) or `string` (in
// `format`, SimpleDateFormat letters, UTC; ISO 8601 with milliseconds without one). Input strings
// are read with `format` when given, else as ISO 8601; numbers as Unix time in `unixPrecision`.

import { fail, ok } from '../../failure.js';
import { getField, parseFieldPath, setField } from '../../field-path.js';
import { jsonStep, OptionError, type Step, type StepKind } from '../step.js';
import { compileDateFormat, type DateFormat } from './date-format.js';
import { asObject } from './shared.js';

interface TimestampConverterOptions {
  readonly field?: string;
  readonly targetType: 'unix' | 'string';
  readonly format?: string;
  readonly unixPrecision?: 'seconds' | 'milliseconds' | 'microseconds' | 'nanoseconds';
}

const PER_MS = { seconds: 1 / 1000, milliseconds: 1, microseconds: 1000, nanoseconds: 1_000_000 } as const;
const ISO = /^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)?)?$/;

export const timestampConverterStep: StepKind<TimestampConverterOptions> = {
  type: 'timestampConverter',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['targetType'],
    properties: {
      field: { type: 'string', minLength: 1 },
      targetType: { enum: ['unix', 'string'] },
      format: { type: 'string', minLength: 1 },
      unixPrecision: { enum: ['seconds', 'milliseconds', 'microseconds', 'nanoseconds'] },
    },
  },
  compile(options): Step {
    let format: DateFormat | undefined;
    if (options.format !== undefined) {
      try {
        format = compileDateFormat(options.format);
      } catch (err) {
        throw new OptionError(['format'], (err as Error).message);
      }
    }
    const perMs = PER_MS[options.unixPrecision ?? 'milliseconds'];
    const toMs = (input: unknown): number | string => {
      if (typeof input === 'number') return Math.floor(input / perMs);
      if (typeof input !== 'string')
        return `expected a Unix time or a date string, got ${JSON.stringify(input)}`;
      const ms = format !== undefined ? format.parse(input) : ISO.test(input) ? Date.parse(input) : undefined;
      if (ms === undefined || Number.isNaN(ms)) {
        return `'${input}' is not a date in ${options.format === undefined ? 'ISO 8601' : `format ${options.format}`}`;
      }
      return ms;
    };
    const convert = (input: unknown): { value: unknown } | { error: string } => {
      const ms = toMs(input);
      if (typeof ms === 'string') return { error: ms };
      if (options.targetType === 'unix') return { value: Math.floor(ms * perMs) };
      return { value: format === undefined ? new Date(ms).toISOString() : format.format(ms) };
    };
    const path = options.field === undefined ? undefined : parseFieldPath(options.field);
    return jsonStep('timestampConverter', (value, message) => {
      if (path === undefined) {
        const out = convert(value);
        return 'error' in out ? fail(`timestampConverter: ${out.error}`) : ok(message.withJson(out.value));
      }
      const object = asObject(value, 'timestampConverter');
      if (typeof object === 'string') return fail(object);
      const current = getField(object, path);
      if (current === undefined || current === null) return ok(message);
      const out = convert(current);
      if ('error' in out) return fail(`timestampConverter: field '${options.field}': ${out.error}`);
      return ok(message.withJson(setField(object, path, out.value)));
    });
  },
};
