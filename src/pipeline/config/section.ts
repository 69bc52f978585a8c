// The `pipelines:` section of Sluice's config file: a mapping of pipeline names to definitions. Its
// JSON Schema checks the structure and fills in defaults (durations like `1s` become ms, by the
// config room's `unit` keyword); each step's and binding's own options, the expressions, regexes,
// schemas and topic names are checked when a definition is compiled (compile.ts), with errors
// naming the same key paths.

import type { RoutesDefinition } from '../routing/router.js';
import { STEP_TYPES } from '../steps/step-types.js';

export interface ErrorPolicyDefinition {
  /** Tries in the process, the first included (1: no in-process retry). */
  readonly attempts: number;
  readonly backoff: { readonly initial: number; readonly multiplier: number; readonly max: number };
  /** Delay of each retry topic, ms: `<name>.retry.1`, `.retry.2`, ... */
  readonly retryTopics: readonly number[];
  readonly deadLetter: { readonly topic?: string; readonly connectHeaders: boolean };
}

/** One pipeline as written in the file, defaults filled in. */
export interface PipelineDefinition {
  readonly source: { readonly topics?: readonly string[]; readonly pattern?: string };
  readonly steps: readonly StepDefinition[];
  readonly routes: RoutesDefinition;
  readonly unmatched: 'drop' | { readonly to: string };
  readonly errors: ErrorPolicyDefinition;
  readonly limits: { readonly expressionTimeout: number; readonly maxMessageBytes: number };
  readonly paused: boolean;
}

/** A step: its `type` and the options of that type (checked by the step's own schema). */
export interface StepDefinition {
  readonly type: string;
  readonly [option: string]: unknown;
}

export type PipelinesSection = Readonly<Record<string, PipelineDefinition>>;

/** Pipeline names: they name the consumer group and the retry and dead-letter topics. */
export const PIPELINE_NAME_PATTERN = '^[a-zA-Z0-9_-]{1,200}$';

const duration = (min: number, fallback: number, description: string) => ({
  unit: { kind: 'duration', min },
  default: fallback,
  description,
});

const TOPIC_LIST = {
  anyOf: [
    { type: 'string', minLength: 1, expected: 'a topic name or a list of topic names' },
    { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
  ],
};

const BINDING_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['to'],
  properties: {
    key: { type: 'string', description: 'direct: the routing key this binding takes' },
    pattern: { type: 'string', description: 'topic: dot-separated words, * one word, # zero or more' },
    match: { enum: ['all', 'any', 'all-with-x', 'any-with-x'], description: 'headers: x-match' },
    headers: {
      type: 'object',
      additionalProperties: { anyOf: [{ type: 'string' }, { type: 'null' }] },
      expected: 'a mapping of header names to values (null: any value)',
    },
    when: { type: 'string', minLength: 1, description: 'JSONata predicate' },
    to: TOPIC_LIST,
  },
};

const ROUTES_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['exchange', 'bindings'],
  properties: {
    exchange: { enum: ['direct', 'topic', 'headers', 'fanout'] },
    routingKey: {
      anyOf: [
        { const: 'key', expected: "'key', {header: NAME} or {field: PATH}" },
        {
          type: 'object',
          additionalProperties: false,
          required: ['header'],
          properties: { header: { type: 'string', minLength: 1 } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['field'],
          properties: { field: { type: 'string', minLength: 1 } },
        },
      ],
    },
    bindings: { type: 'array', items: BINDING_SCHEMA, minItems: 1 },
  },
};

const ERRORS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    attempts: {
      type: 'integer',
      minimum: 1,
      maximum: 100,
      default: 3,
      description: 'tries in the process, the first included',
    },
    backoff: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        initial: duration(0, 100, 'wait before the second try'),
        multiplier: {
          type: 'number',
          minimum: 1,
          default: 2,
          description: 'each wait this many times the last',
        },
        max: duration(0, 10_000, 'longest wait'),
      },
    },
    retryTopics: {
      type: 'array',
      items: { unit: { kind: 'duration', min: 0 } },
      maxItems: 20,
      default: [],
      description: 'delay of each retry topic <name>.retry.<n>, in order',
    },
    deadLetter: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        topic: { type: 'string', minLength: 1, description: 'default <name>.dlq' },
        connectHeaders: {
          type: 'boolean',
          default: false,
          description: "also write Kafka Connect's __connect.errors.* headers",
        },
      },
    },
  },
};

export const PIPELINE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['source', 'routes', 'unmatched'],
  properties: {
    source: {
      type: 'object',
      additionalProperties: false,
      properties: {
        topics: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
        pattern: { type: 'string', minLength: 1, description: 'RE2 regex matched against whole topic names' },
      },
      minProperties: 1,
      expected: 'a mapping with topics (a list of names) and/or pattern (a regex)',
    },
    steps: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        required: ['type'],
        properties: { type: { enum: [...STEP_TYPES] } },
      },
    },
    routes: ROUTES_SCHEMA,
    unmatched: {
      anyOf: [
        { const: 'drop', expected: "{to: TOPIC} or 'drop'" },
        {
          type: 'object',
          additionalProperties: false,
          required: ['to'],
          properties: { to: { type: 'string', minLength: 1 } },
        },
      ],
    },
    errors: ERRORS_SCHEMA,
    limits: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        expressionTimeout: duration(1, 250, 'time one JSONata evaluation may take'),
        maxMessageBytes: {
          unit: { kind: 'size', min: 1 },
          default: 1_000_000,
          description: 'a larger message (key and value) goes to the dead-letter topic unread',
        },
      },
    },
    paused: { type: 'boolean', default: false, description: 'defined but not consuming' },
  },
};

export const PIPELINES_SECTION_SCHEMA = {
  type: 'object',
  propertyNames: {
    pattern: PIPELINE_NAME_PATTERN,
    expected: 'a pipeline name: 1 to 200 characters of a-z A-Z 0-9 _ - (it names topics and a group)',
  },
  additionalProperties: PIPELINE_SCHEMA,
  description: 'message pipelines by name',
};

/** The pipelines' entry for the config room's list of sections (the pipelines component's). */
export const pipelinesConfigSection = {
  name: 'pipelines',
  schema: PIPELINES_SECTION_SCHEMA,
  /** Type only: what the section resolves to. */
  value: undefined as PipelinesSection | undefined,
} as const;
