// insertField (Connect's InsertField): adds a static field and/or fields from the record's
// metadata — topic, partition, offset, timestamp (ms) — to the value.

import { fail, ok } from '../../failure.js';
import { parseFieldPath, setField } from '../../field-path.js';
import { jsonStep, OptionError, type Step, type StepKind } from '../step.js';
import { asObject } from './shared.js';

interface InsertFieldOptions {
  readonly staticField?: string;
  readonly staticValue?: unknown;
  readonly topicField?: string;
  readonly partitionField?: string;
  readonly offsetField?: string;
  readonly timestampField?: string;
}

const name = { type: 'string', minLength: 1 };

export const insertFieldStep: StepKind<InsertFieldOptions> = {
  type: 'insertField',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      staticField: name,
      staticValue: {},
      topicField: name,
      partitionField: name,
      offsetField: name,
      timestampField: name,
    },
    minProperties: 1,
  },
  compile(options): Step {
    if ((options.staticField === undefined) !== (options.staticValue === undefined)) {
      const missing = options.staticField === undefined ? 'staticField' : 'staticValue';
      throw new OptionError([missing], 'staticField and staticValue go together');
    }
    const paths = {
      static: options.staticField === undefined ? undefined : parseFieldPath(options.staticField),
      topic: options.topicField === undefined ? undefined : parseFieldPath(options.topicField),
      partition: options.partitionField === undefined ? undefined : parseFieldPath(options.partitionField),
      offset: options.offsetField === undefined ? undefined : parseFieldPath(options.offsetField),
      timestamp: options.timestampField === undefined ? undefined : parseFieldPath(options.timestampField),
    };
    return jsonStep('insertField', (value, message) => {
      let out = asObject(value, 'insertField');
      if (typeof out === 'string') return fail(out);
      if (paths.static) out = setField(out, paths.static, options.staticValue);
      if (paths.topic) out = setField(out, paths.topic, message.source.topic);
      if (paths.partition) out = setField(out, paths.partition, message.source.partition);
      if (paths.offset) out = setField(out, paths.offset, Number(message.source.offset));
      if (paths.timestamp) out = setField(out, paths.timestamp, message.timestamp);
      return ok(message.withJson(out));
    });
  },
};
