// The step types a pipeline may name, in a light file: the config schema lists them (with
// did-you-mean) without loading JSONata, ajv's drafts, avsc or protobufjs. steps/registry.ts maps
// each to its implementation, and a test checks the two lists agree.

export const STEP_TYPES = [
  'validate',
  'transform',
  'filter',
  'insertField',
  'replaceField',
  'maskField',
  'valueToKey',
  'extractField',
  'insertHeader',
  'dropHeaders',
  'cast',
  'flatten',
  'timestampConverter',
] as const;

export type StepType = (typeof STEP_TYPES)[number];
