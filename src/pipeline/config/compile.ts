// A pipeline definition compiled once into what runs: the source topics and their RE2 regex, the
// steps (expressions, schemas, date formats compiled), the router, the retry policy and topic
// names. Everything that can be wrong is found here, at load, and reported as one ConfigError
// whose lines each name the pipeline's key: `pipelines.orders.steps[2].expression: JSONata syntax
// error at position 14: ...`, in the config room's key syntax.

import { Ajv, type ValidateFunction } from 'ajv';
import { RE2JS } from 're2js';
import { ConfigError, type ConfigProblem } from '../../config/index.js';
// The config room's ajv-error wording and key syntax (light files, not on its door): pipeline
// errors read like every other config error.
import { formatKey } from '../../config/key-path.js';
import { problemsOf } from '../../config/problems.js';
import { EXPECTED_KEYWORD } from '../../config/units.js';
import { DEFAULT_EXPRESSION_LIMITS, type ExpressionLimits } from '../expression.js';
import { deadLetterTopicName, type RetryPolicy, retryTopicName } from '../retry/policy.js';
import { compileRouter, type Router } from '../routing/router.js';
import type { SchemaResolver } from '../schemas/resolver.js';
import { SchemaValidators } from '../schemas/validators.js';
import { STEP_KINDS } from '../steps/registry.js';
import { OptionError, type OptionPath, type Step, type StepContext } from '../steps/step.js';
import type { StepType } from '../steps/step-types.js';
import { topicNameProblem } from '../topic-name.js';
import type { PipelineDefinition, PipelinesSection } from './section.js';

export interface CompiledSource {
  readonly topics: readonly string[];
  readonly pattern?: string;
  /** Whether the pipeline consumes this topic (a listed name, or a whole match of the regex). */
  matches(topic: string): boolean;
}

export interface CompiledPipeline {
  readonly name: string;
  /** Its consumer group, `sluice-pipeline-<name>`: the pipeline's lag and Burrow status show under it. */
  readonly group: string;
  readonly definition: PipelineDefinition;
  readonly source: CompiledSource;
  readonly steps: readonly Step[];
  readonly router: Router;
  readonly unmatched: 'drop' | { readonly to: string };
  readonly retry: RetryPolicy;
  readonly connectHeaders: boolean;
  readonly paused: boolean;
}

export interface CompileOptions {
  /** Resolves `subject:` at load and schema ids per message; without it those are refused. */
  readonly resolver?: SchemaResolver;
  /** Overrides of the JSONata depth limit (the time budget comes from `limits.expressionTimeout`). */
  readonly maxExpressionDepth?: number;
  /** Shared by the pipelines of one process: one cache of schemas by id. */
  readonly validators?: SchemaValidators;
}

const optionValidators = new Map<string, ValidateFunction>();

function optionValidator(type: StepType): ValidateFunction {
  let validate = optionValidators.get(type);
  if (validate === undefined) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true });
    ajv.addKeyword(EXPECTED_KEYWORD);
    validate = ajv.compile(STEP_KINDS[type].schema);
    optionValidators.set(type, validate);
  }
  return validate;
}

class Problems {
  readonly list: ConfigProblem[] = [];
  constructor(readonly base: OptionPath) {}

  add(path: OptionPath, message: string): void {
    this.list.push({ key: formatKey([...this.base, ...path]), message });
  }

  /** Runs `fn`, turning an OptionError into a problem under `at`. */
  async catch<T>(at: OptionPath, fn: () => T | Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof OptionError)) throw err;
      this.add([...at, ...err.path], err.message);
      return undefined;
    }
  }
}

function checkTopic(problems: Problems, path: OptionPath, topic: string): void {
  const problem = topicNameProblem(topic);
  if (problem !== undefined) problems.add(path, problem);
}

function compileSource(def: PipelineDefinition, problems: Problems): CompiledSource | undefined {
  const topics = def.source.topics ?? [];
  for (const [i, topic] of topics.entries()) checkTopic(problems, ['source', 'topics', i], topic);
  let regex: RE2JS | undefined;
  if (def.source.pattern !== undefined) {
    try {
      regex = RE2JS.compile(def.source.pattern);
    } catch (err) {
      problems.add(['source', 'pattern'], `not a valid RE2 regex: ${(err as Error).message}`);
      return undefined;
    }
  }
  const names = new Set(topics);
  return {
    topics,
    ...(def.source.pattern === undefined ? {} : { pattern: def.source.pattern }),
    matches: (topic) => names.has(topic) || (regex?.matches(topic) ?? false),
  };
}

async function compileSteps(def: PipelineDefinition, context: StepContext, problems: Problems) {
  const steps: Step[] = [];
  for (const [index, stepDef] of def.steps.entries()) {
    const type = stepDef.type as StepType;
    const { type: _type, ...options } = stepDef;
    const validate = optionValidator(type);
    if (!validate(options)) {
      for (const p of problemsOf(validate.errors ?? [], options)) {
        // The config room calls an unknown key at the top of what it checks a section's.
        problems.add(['steps', index, ...p.path], p.message.replace(/^unknown section/, 'unknown key'));
      }
      continue;
    }
    const step = await problems.catch(['steps', index], () => STEP_KINDS[type].compile(options, context));
    if (step !== undefined) steps.push(step);
  }
  return steps;
}

/** Compiles one pipeline; throws ConfigError listing every problem found. */
export async function compilePipeline(
  name: string,
  def: PipelineDefinition,
  options: CompileOptions = {},
): Promise<CompiledPipeline> {
  const problems = new Problems(['pipelines', name]);
  const limits: ExpressionLimits = {
    timeoutMs: def.limits.expressionTimeout,
    maxDepth: options.maxExpressionDepth ?? DEFAULT_EXPRESSION_LIMITS.maxDepth,
  };
  const validators = options.validators ?? new SchemaValidators(options.resolver);
  const context: StepContext = { pipeline: name, limits, resolver: options.resolver, validators };

  if (!/^[a-zA-Z0-9_-]{1,200}$/.test(name)) {
    problems.add(
      [],
      'a pipeline name is 1 to 200 characters of a-z A-Z 0-9 _ - (it names topics and a group)',
    );
  }
  const source = compileSource(def, problems);
  const steps = await compileSteps(def, context, problems);
  const router = await problems.catch(['routes'], () => compileRouter(def.routes, limits));

  if (typeof def.unmatched === 'object') checkTopic(problems, ['unmatched', 'to'], def.unmatched.to);
  const deadLetterTopic = def.errors.deadLetter.topic ?? deadLetterTopicName(name);
  checkTopic(problems, ['errors', 'deadLetter', 'topic'], deadLetterTopic);
  const retryTopics = def.errors.retryTopics.map((delayMs, i) => ({
    topic: retryTopicName(name, i + 1),
    delayMs,
  }));

  // A pipeline that writes to a topic it reads would feed itself its own output forever.
  if (source !== undefined) {
    const outputs: [OptionPath, string][] = def.routes.bindings.flatMap((b, i) =>
      (typeof b.to === 'string' ? [b.to] : b.to).map((t): [OptionPath, string] => [
        ['routes', 'bindings', i, 'to'],
        t,
      ]),
    );
    if (typeof def.unmatched === 'object') outputs.push([['unmatched', 'to'], def.unmatched.to]);
    outputs.push([['errors', 'deadLetter', 'topic'], deadLetterTopic]);
    for (const { topic } of retryTopics) outputs.push([['errors', 'retryTopics'], topic]);
    for (const [path, topic] of outputs) {
      if (source.matches(topic))
        problems.add(path, `'${topic}' is also a source of this pipeline: it would read its own output`);
    }
  }

  if (problems.list.length > 0) throw new ConfigError(problems.list);
  return {
    name,
    group: `sluice-pipeline-${name}`,
    definition: def,
    source: source as CompiledSource,
    steps,
    router: router as Router,
    unmatched: def.unmatched,
    retry: {
      attempts: def.errors.attempts,
      backoff: {
        initialMs: def.errors.backoff.initial,
        multiplier: def.errors.backoff.multiplier,
        maxMs: def.errors.backoff.max,
      },
      retryTopics,
      deadLetterTopic,
    },
    connectHeaders: def.errors.deadLetter.connectHeaders,
    paused: def.paused,
  };
}

/** Compiles every pipeline of the section; one ConfigError lists the problems of all of them. */
export async function compilePipelines(
  section: PipelinesSection,
  options: CompileOptions = {},
): Promise<Map<string, CompiledPipeline>> {
  const validators = options.validators ?? new SchemaValidators(options.resolver);
  const compiled = new Map<string, CompiledPipeline>();
  const problems: ConfigProblem[] = [];
  for (const [name, def] of Object.entries(section)) {
    try {
      compiled.set(name, await compilePipeline(name, def, { ...options, validators }));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(...err.problems);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return compiled;
}
