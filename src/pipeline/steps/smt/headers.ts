// insertHeader (Connect's InsertHeader) and dropHeaders (Connect's DropHeaders). insertHeader
// appends, as Connect does (headers may repeat; readers take the last); `replace: true` removes
// the header's earlier values first. The value is a literal or, from `field`, a field of the value
// (strings as their text, the rest as JSON), like Connect's HeaderFrom.

import { fail, ok } from '../../failure.js';
import { getField, parseFieldPath } from '../../field-path.js';
import { OptionError, type Step, type StepKind } from '../step.js';

interface InsertHeaderOptions {
  readonly header: string;
  readonly value?: string;
  readonly field?: string;
  readonly replace?: boolean;
}

export const insertHeaderStep: StepKind<InsertHeaderOptions> = {
  type: 'insertHeader',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['header'],
    properties: {
      header: { type: 'string', minLength: 1 },
      value: { type: 'string' },
      field: { type: 'string', minLength: 1 },
      replace: { type: 'boolean' },
    },
  },
  compile(options): Step {
    if ((options.value === undefined) === (options.field === undefined)) {
      throw new OptionError(['value'], 'give value (a literal) or field (a field of the value), one of them');
    }
    const path = options.field === undefined ? undefined : parseFieldPath(options.field);
    const literal = options.value === undefined ? undefined : Buffer.from(options.value, 'utf8');
    return {
      type: 'insertHeader',
      async run(message) {
        let bytes = literal;
        if (path !== undefined) {
          const json = message.json();
          if (!json.ok) return fail(json.reason);
          const field = getField(json.value, path);
          if (field === undefined) return fail(`insertHeader: the value has no field '${options.field}'`);
          bytes = Buffer.from(typeof field === 'string' ? field : JSON.stringify(field), 'utf8');
        }
        const kept = options.replace
          ? message.headers.filter(([n]) => n !== options.header)
          : message.headers;
        return ok(message.with({ headers: [...kept, [options.header, bytes as Buffer]] }));
      },
    };
  },
};

export const dropHeadersStep: StepKind<{ readonly headers: readonly string[] }> = {
  type: 'dropHeaders',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['headers'],
    properties: { headers: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 } },
  },
  compile(options): Step {
    const names = new Set(options.headers);
    return {
      type: 'dropHeaders',
      async run(message) {
        return ok(message.with({ headers: message.headers.filter(([name]) => !names.has(name)) }));
      },
    };
  },
};
