// Routing: RabbitMQ's exchange semantics over topics. The pipeline has one exchange (direct, topic,
// headers or fanout) and its bindings; a binding matches by the exchange's rule and, when it has
// one, its `when:` JSONata predicate; every matched binding's topics receive the message, each
// topic once, in binding order. No match: the pipeline's `unmatched` policy decides.

import { type CompiledExpression, type ExpressionLimits, truthy } from '../expression.js';
import type { PipelineMessage } from '../message.js';
import { OptionError } from '../steps/step.js';
import { compileOption } from '../steps/transform.js';
import { topicNameProblem } from '../topic-name.js';
import { compileHeadersMatch, type HeadersMatchMode } from './headers-match.js';
import { type RoutingKeySource, routingKeyReader } from './routing-key.js';
import { compileTopicPattern } from './topic-pattern.js';

export type ExchangeType = 'direct' | 'topic' | 'headers' | 'fanout';

export interface BindingDefinition {
  readonly key?: string;
  readonly pattern?: string;
  readonly match?: HeadersMatchMode;
  readonly headers?: Readonly<Record<string, string | null>>;
  readonly when?: string;
  readonly to: string | readonly string[];
}

export interface RoutesDefinition {
  readonly exchange: ExchangeType;
  readonly routingKey?: RoutingKeySource;
  readonly bindings: readonly BindingDefinition[];
}

export type RouteResult =
  | { readonly ok: true; readonly topics: readonly string[]; readonly bindings: readonly number[] }
  | { readonly ok: false; readonly reason: string };

export interface Router {
  route(message: PipelineMessage): Promise<RouteResult>;
}

interface Binding {
  /** The exchange's own test; the routing key is undefined for headers and fanout. */
  readonly matches: (message: PipelineMessage, routingKey: string | undefined) => boolean;
  readonly when?: CompiledExpression;
  readonly to: readonly string[];
}

/** Which binding options an exchange takes. */
const OPTIONS: Record<ExchangeType, readonly string[]> = {
  direct: ['key'],
  topic: ['pattern'],
  headers: ['match', 'headers'],
  fanout: [],
};
const EXCHANGE_OPTIONS = ['key', 'pattern', 'match', 'headers'] as const;

function compileBinding(
  exchange: ExchangeType,
  def: BindingDefinition,
  index: number,
  limits: ExpressionLimits,
): Binding {
  for (const option of EXCHANGE_OPTIONS) {
    if (def[option] !== undefined && !OPTIONS[exchange].includes(option)) {
      const takes = OPTIONS[exchange].length === 0 ? 'none' : OPTIONS[exchange].join(', ');
      throw new OptionError(
        ['bindings', index, option],
        `a ${exchange} exchange's bindings take no ${option} (they take ${takes})`,
      );
    }
  }
  const to = typeof def.to === 'string' ? [def.to] : [...def.to];
  to.forEach((topic, i) => {
    const problem = topicNameProblem(topic);
    const path = typeof def.to === 'string' ? ['bindings', index, 'to'] : ['bindings', index, 'to', i];
    if (problem !== undefined) throw new OptionError(path, problem);
  });
  const when =
    def.when === undefined ? undefined : compileOption(def.when, limits, ['bindings', index, 'when']);
  let matches: Binding['matches'];
  switch (exchange) {
    case 'direct': {
      const key = def.key;
      if (key === undefined)
        throw new OptionError(['bindings', index, 'key'], 'required: the routing key this binding takes');
      matches = (_m, routingKey) => routingKey === key;
      break;
    }
    case 'topic': {
      if (def.pattern === undefined) {
        throw new OptionError(
          ['bindings', index, 'pattern'],
          'required: a pattern like orders.*.eu or orders.#',
        );
      }
      const pattern = compileTopicPattern(def.pattern);
      matches = (_m, routingKey) => routingKey !== undefined && pattern.matches(routingKey);
      break;
    }
    case 'headers': {
      if (def.headers === undefined) {
        throw new OptionError(['bindings', index, 'headers'], 'required: the headers to match (name: value)');
      }
      const matcher = compileHeadersMatch(def.match ?? 'all', def.headers);
      matches = (message) => matcher.matches(message);
      break;
    }
    case 'fanout':
      matches = () => true;
      break;
  }
  return { matches, when, to };
}

export function compileRouter(def: RoutesDefinition, limits: ExpressionLimits): Router {
  const keyed = def.exchange === 'direct' || def.exchange === 'topic';
  if (keyed && def.routingKey === undefined) {
    throw new OptionError(
      ['routingKey'],
      `required for a ${def.exchange} exchange: 'key', {header: NAME} or {field: PATH}`,
    );
  }
  if (!keyed && def.routingKey !== undefined) {
    throw new OptionError(['routingKey'], `a ${def.exchange} exchange reads no routing key`);
  }
  const readKey = def.routingKey === undefined ? undefined : routingKeyReader(def.routingKey);
  const bindings = def.bindings.map((b, i) => compileBinding(def.exchange, b, i, limits));
  return {
    async route(message) {
      let routingKey: string | undefined;
      if (readKey !== undefined) {
        const read = readKey(message);
        if ('error' in read) return { ok: false, reason: read.error };
        routingKey = read.key;
      }
      const topics = new Set<string>();
      const matched: number[] = [];
      for (let i = 0; i < bindings.length; i++) {
        const binding = bindings[i];
        if (!binding.matches(message, routingKey)) continue;
        if (binding.when !== undefined) {
          const json = message.json();
          if (!json.ok) return { ok: false, reason: `binding ${i} when: ${json.reason}` };
          try {
            if (!truthy(await binding.when.evaluate(json.value, message))) continue;
          } catch (err) {
            return { ok: false, reason: `binding ${i} when: ${(err as Error).message}` };
          }
        }
        matched.push(i);
        for (const topic of binding.to) topics.add(topic);
      }
      return { ok: true, topics: [...topics], bindings: matched };
    },
  };
}
