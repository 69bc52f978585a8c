// transform: a JSONata expression whose result becomes the new value (written as JSON). It reads
// the value as `$`, and `$key`, `$headers`, `$topic`, `$partition`, `$offset`, `$timestamp`.
// An expression that selects nothing is an error: an empty value is never produced by accident.

import { compileExpression, type ExpressionLimits, ExpressionSyntaxError } from '../expression.js';
import { fail, ok } from '../failure.js';
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

export const transformStep: StepKind<ExpressionOptions> = {
  type: 'transform',
  schema: EXPRESSION_OPTIONS_SCHEMA,
  compile(options, context): Step {
    const expression = compileOption(options.expression, context.limits);
    return {
      type: 'transform',
      async run(message) {
        const json = message.json();
        if (!json.ok) return fail(json.reason);
        let result: unknown;
        try {
          result = await expression.evaluate(json.value, message);
        } catch (err) {
          return fail((err as Error).message);
        }
        if (result === undefined) return fail('the expression selected nothing (no value to write)');
        if (typeof result === 'function') return fail('the expression produced a function, not a value');
        return ok(message.withJson(result));
      },
    };
  },
};
