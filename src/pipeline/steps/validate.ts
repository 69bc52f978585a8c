// validate: checks each message against a schema. A message that names its schema (Confluent
// framing, or the `__value_schema_id` header) is decoded and checked with that schema, looked up
// by id; the step's own JSON Schema (inline, or a registry subject resolved at load) then checks
// the decoded value too, whatever its encoding. A message naming no schema is checked against the
// step's schema (JSON, or the subject's Avro/Protobuf), and refused when the step has none.

import { isSluiceError } from '../../errors/index.js';
import { fail, ok, type StepOutcome } from '../failure.js';
import type { PipelineMessage } from '../message.js';
import { type CompiledSchema, compileJsonSchema, compileRegistered } from '../schemas/compile-schema.js';
import { readFraming, VALUE_SCHEMA_ID_HEADER } from '../schemas/wire-format.js';
import { OptionError, type Step, type StepContext, type StepKind } from './step.js';

interface ValidateOptions {
  readonly schema?: unknown;
  readonly subject?: string;
  readonly version?: number | 'latest';
}

async function ownSchema(
  options: ValidateOptions,
  context: StepContext,
): Promise<CompiledSchema | undefined> {
  if (options.schema !== undefined) {
    if (options.subject !== undefined) throw new OptionError(['subject'], 'give schema or subject, not both');
    try {
      return compileJsonSchema(options.schema);
    } catch (err) {
      throw new OptionError(['schema'], `not a valid JSON Schema: ${(err as Error).message}`);
    }
  }
  if (options.subject === undefined) {
    if (options.version !== undefined) throw new OptionError(['version'], 'a version needs a subject');
    return undefined;
  }
  if (context.resolver === undefined) {
    throw new OptionError(['subject'], `subject '${options.subject}': no schema registry is configured`);
  }
  const version = options.version ?? 'latest';
  let registered: Awaited<ReturnType<typeof context.resolver.bySubject>>;
  try {
    registered = await context.resolver.bySubject(options.subject, version);
  } catch (err) {
    const what = isSluiceError(err, 'NOT_FOUND') ? 'not found' : `lookup failed: ${(err as Error).message}`;
    throw new OptionError(['subject'], `subject '${options.subject}' version ${version}: ${what}`);
  }
  try {
    return compileRegistered(registered.schemaType, registered.schema, registered.references);
  } catch (err) {
    throw new OptionError(
      ['subject'],
      `subject '${options.subject}' (${registered.schemaType}) does not compile: ${(err as Error).message}`,
    );
  }
}

async function run(
  own: CompiledSchema | undefined,
  context: StepContext,
  message: PipelineMessage,
): Promise<StepOutcome<PipelineMessage>> {
  const found = readFraming(message.value, message.header(VALUE_SCHEMA_ID_HEADER));
  if ('error' in found) return fail(found.error);
  const framing = found.framing;
  if (framing === undefined) {
    if (own === undefined) {
      return fail(
        `the message names no schema (no Confluent framing, no ${VALUE_SCHEMA_ID_HEADER} header) and the step has none`,
      );
    }
    if (message.value === null) {
      const problem = own.type === 'JSON' ? own.check(null) : 'the message has no value (a tombstone)';
      return problem === undefined ? ok(message) : fail(problem);
    }
    const decoded = own.decode(message.value, false);
    return decoded.ok ? ok(message.withDecoded(decoded.value)) : fail(decoded.reason);
  }
  const resolved = await context.validators.byRef(framing.ref);
  if (!resolved.ok) return fail(resolved.reason, resolved.retriable);
  const schema = resolved.schema;
  // With the id in a header, Protobuf's message indexes are in the header too, the message in the value.
  const bytes =
    framing.payload === undefined
      ? framing.rest
      : schema.type === 'PROTOBUF'
        ? Buffer.concat([framing.rest.length === 0 ? Buffer.from([0]) : framing.rest, framing.payload])
        : framing.payload;
  const decoded = schema.decode(bytes, true);
  if (!decoded.ok) return fail(decoded.reason);
  if (own?.type === 'JSON') {
    const problem = own.check(decoded.value);
    if (problem !== undefined) return fail(problem);
  }
  return ok(message.withDecoded(decoded.value));
}

export const validateStep: StepKind<ValidateOptions> = {
  type: 'validate',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      schema: { anyOf: [{ type: 'object' }, { type: 'boolean' }] },
      subject: { type: 'string', minLength: 1 },
      version: { anyOf: [{ type: 'integer', minimum: 1 }, { const: 'latest' }] },
    },
  },
  async compile(options, context): Promise<Step> {
    const own = await ownSchema(options, context);
    return { type: 'validate', run: (message) => run(own, context, message) };
  },
};
