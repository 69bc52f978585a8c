// transform: a JSONata expression whose result becomes the new value (written as JSON). It reads
// the value as `$`, and `$key`, `$headers`, `$topic`, `$partition`, `$offset`, `$timestamp`.
// An expression that selects nothing is an error: an empty value is never produced by accident.

import {
  type CompiledExpression,
  compileExpression,
  type ExpressionLimits,
  ExpressionSyntaxError,
} from '../expression.js';
import { fail, ok, type StepOutcome } from '../failure.js';
import type { PipelineMessage } from '../message.js';
import { OptionError, type OptionPath, type Step, type StepKind } from './step.js';

interface ExpressionOptions {
  readonly expression: string;
}

export const EXPRESSION_OPTIONS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['expression'],
  properties: { expression: { type: 'string', minLength: 1 } },
};

/** The expression compiled, or an OptionError naming `expression` (used by filter and routes too). */
export function compileOption(source: string, limits: ExpressionLimits, path: OptionPath = ['expression']) {
  try {
    return compileExpression(source, limits);
  } catch (err) {
    if (err instanceof ExpressionSyntaxError) throw new OptionError(path, err.message);
    throw err;
  }
}

/**
 * The expression's result on the message's JSON value, or the step's error when the value is not
 * JSON or the evaluation fails (shared with filter).
 */
export async function evaluateOn(
  expression: CompiledExpression,
  message: PipelineMessage,
): Promise<{ readonly result: unknown } | StepOutcome<PipelineMessage>> {
  const json = message.json();
  if (!json.ok) return fail(json.reason);
  try {
    return { result: await expression.evaluate(json.value, message) };
  } catch (err) {
    return fail((err as Error).message);
  }
}

export const transformStep: StepKind<ExpressionOptions> = {
  type: 'transform',
  schema: EXPRESSION_OPTIONS_SCHEMA,
  compile(options, context): Step {
    const expression = compileOption(options.expression, context.limits);
    return {
      type: 'transform',
      async run(message) {
        const evaluated = await evaluateOn(expression, message);
        if ('kind' in evaluated) return evaluated;
        const { result } = evaluated;
        if (result === undefined) return fail('the expression selected nothing (no value to write)');
        if (typeof result === 'function') return fail('the expression produced a function, not a value');
        return ok(message.withJson(result));
      },
    };
  },
};
