// What every step is: a kind (its `type:`, the JSON Schema of its options, and how it compiles
// them once) and the compiled step (a function of a message). A problem found while compiling
// names the option it concerns, relative to the step; compile.ts prefixes the pipeline's path.

import type { ExpressionLimits } from '../expression.js';
import type { StepOutcome } from '../failure.js';
import type { PipelineMessage } from '../message.js';
import type { SchemaResolver } from '../schemas/resolver.js';
import type { SchemaValidators } from '../schemas/validators.js';

export type OptionPath = readonly (string | number)[];

/** A step's option is wrong: `path` says which, relative to the step (`['expression']`). */
export class OptionError extends Error {
  readonly path: OptionPath;

  constructor(path: OptionPath, message: string) {
    super(message);
    this.path = path;
  }
}

export interface StepContext {
  readonly pipeline: string;
  readonly limits: ExpressionLimits;
  /** Absent when no schema registry is wired: steps naming a subject are refused at load. */
  readonly resolver?: SchemaResolver;
  readonly validators: SchemaValidators;
}

export interface Step {
  readonly type: string;
  run(message: PipelineMessage): Promise<StepOutcome<PipelineMessage>>;
}

export interface StepKind<Options = Record<string, unknown>> {
  readonly type: string;
  /** JSON Schema of the options (the step's keys besides `type`). */
  readonly schema: object;
  compile(options: Options, context: StepContext): Step | Promise<Step>;
}

/** A step whose work is synchronous and needs the value as JSON: a Connect-style SMT. */
export function jsonStep(
  type: string,
  apply: (value: unknown, message: PipelineMessage) => StepOutcome<PipelineMessage>,
): Step {
  return {
    type,
    async run(message) {
      const json = message.json();
      if (!json.ok) return { kind: 'error', reason: json.reason };
      return apply(json.value, message);
    },
  };
}
