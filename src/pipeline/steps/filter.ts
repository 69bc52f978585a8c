// filter: keeps a message when a JSONata predicate holds (JSONata's $boolean of the result) and
// drops it otherwise. Mind the direction: Kafka Connect's Filter drops the records its predicate
// matches; here the expression says what to keep, as in JSONata's own [predicate] filters.

import { truthy } from '../expression.js';
import { fail, ok } from '../failure.js';
import type { Step, StepKind } from './step.js';
import { compileOption, EXPRESSION_OPTIONS_SCHEMA } from './transform.js';

export const filterStep: StepKind<{ readonly expression: string }> = {
  type: 'filter',
  schema: EXPRESSION_OPTIONS_SCHEMA,
  compile(options, context): Step {
    const expression = compileOption(options.expression, context.limits);
    return {
      type: 'filter',
      async run(message) {
        const json = message.json();
        if (!json.ok) return fail(json.reason);
        let result: unknown;
        try {
          result = await expression.evaluate(json.value, message);
        } catch (err) {
          return fail((err as Error).message);
        }
        return truthy(result)
          ? ok(message)
          : { kind: 'filtered', reason: `filter ${expression.source} is false` };
      },
    };
  },
};
