// Every step type and its implementation.

import { filterStep } from './filter.js';
import { castStep } from './smt/cast.js';
import { extractFieldStep } from './smt/extract-field.js';
import { flattenStep } from './smt/flatten.js';
import { dropHeadersStep, insertHeaderStep } from './smt/headers.js';
import { insertFieldStep } from './smt/insert-field.js';
import { maskFieldStep } from './smt/mask-field.js';
import { replaceFieldStep } from './smt/replace-field.js';
import { timestampConverterStep } from './smt/timestamp-converter.js';
import { valueToKeyStep } from './smt/value-to-key.js';
import type { StepKind } from './step.js';
import type { StepType } from './step-types.js';
import { transformStep } from './transform.js';
import { validateStep } from './validate.js';

// biome-ignore lint/suspicious/noExplicitAny: each kind takes its own options type
type AnyStepKind = StepKind<any>;

export const STEP_KINDS: Readonly<Record<StepType, AnyStepKind>> = {
  validate: validateStep,
  transform: transformStep,
  filter: filterStep,
  insertField: insertFieldStep,
  replaceField: replaceFieldStep,
  maskField: maskFieldStep,
  valueToKey: valueToKeyStep,
  extractField: extractFieldStep,
  insertHeader: insertHeaderStep,
  dropHeaders: dropHeadersStep,
  cast: castStep,
  flatten: flattenStep,
  timestampConverter: timestampConverterStep,
};
