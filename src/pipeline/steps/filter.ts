// filter: keeps a message when a JSONata predicate holds (JSONata's $boolean of the result) and
// drops it otherwise. Mind the direction: Kafka Connect's Filter drops the records its predicate
// matches; here the expression says what to keep, as in JSONata's own [predicate] filters.

import { truthy } from '../expression.js';
import { ok } from '../failure.js';
import type { Step, StepKind } from './step.js';
import { compileOption, EXPRESSION_OPTIONS_SCHEMA, evaluateOn } from './transform.js';

export const filterStep: StepKind<{ readonly expression: string }> = {
  type: 'filter',
  schema: EXPRESSION_OPTIONS_SCHEMA,
  compile(options, context): Step {
    const expression = compileOption(options.expression, context.limits);
    return {
      type: 'filter',
      async run(message) {
        const evaluated = await evaluateOn(expression, message);
        if ('kind' in evaluated) return evaluated;
        return truthy(evaluated.result)
          ? ok(message)
          : { kind: 'filtered', reason: `filter ${expression.source} is false` };
      },
    };
  },
};
