// Pipeline definitions: the file shapes `sluice pipeline apply` takes, defaults, and every problem
// refused at load with the pipeline and the key named, as config errors are.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { ConfigError } from '../../../src/config/index.js';
import { EXPECTED_KEYWORD } from '../../../src/config/units.js';
import {
  compilePipeline,
  compilePipelines,
  parsePipelineFile,
  pipelinesConfigSection,
  STEP_TYPES,
  topicNameProblem,
} from '../../../src/pipeline/index.js';
import { STEP_KINDS } from '../../../src/pipeline/steps/registry.js';

const BASE = `
source: {topics: [orders]}
routes: {exchange: fanout, bindings: [{to: out}]}
unmatched: drop`;

/** The lines of the ConfigError that loading `yaml` throws. */
async function problems(yaml: string): Promise<string[]> {
  try {
    await compilePipelines(parsePipelineFile(yaml));
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    assert.equal(err.code, 'INVALID_CONFIG');
    return err.message.split('\n');
  }
  assert.fail('expected a ConfigError');
}

describe('pipeline files', () => {
  it('take the config file’s shape, a mapping of names, one pipeline with name:, or a list', () => {
    const def = {
      source: { topics: ['orders'] },
      routes: { exchange: 'fanout', bindings: [{ to: 'out' }] },
      unmatched: 'drop',
    };
    const shapes = [
      JSON.stringify({ pipelines: { a: def } }),
      JSON.stringify({ a: def }),
      JSON.stringify({ name: 'a', ...def }),
      `- name: a\n${BASE.replace(/\n/g, '\n  ')}`,
    ];
    for (const text of shapes) assert.deepEqual(Object.keys(parsePipelineFile(text)), ['a'], text);
  });

  it('fill in the defaults: 3 tries, 100 ms doubling to 10 s, no retry topics, <name>.dlq', async () => {
    const section = parsePipelineFile(`name: orders${BASE}\nerrors: {retryTopics: [1s, 5m]}`);
    assert.deepEqual(section.orders.errors, {
      attempts: 3,
      backoff: { initial: 100, multiplier: 2, max: 10_000 },
      retryTopics: [1000, 300_000],
      deadLetter: { connectHeaders: false },
    });
    const compiled = await compilePipeline('orders', section.orders);
    assert.deepEqual(compiled.retry, {
      attempts: 3,
      backoff: { initialMs: 100, multiplier: 2, maxMs: 10_000 },
      retryTopics: [
        { topic: 'orders.retry.1', delayMs: 1000 },
        { topic: 'orders.retry.2', delayMs: 300_000 },
      ],
      deadLetterTopic: 'orders.dlq',
    });
    assert.equal(compiled.group, 'sluice-pipeline-orders');
    assert.deepEqual(compiled.steps, []);
  });

  it('a source is listed topics and/or one RE2 regex matching whole names', async () => {
    const section = parsePipelineFile(`name: p
source: {topics: [audit], pattern: 'orders\\.(eu|us)'}
routes: {exchange: fanout, bindings: [{to: out}]}
unmatched: drop`);
    const { source } = await compilePipeline('p', section.p);
    assert.deepEqual(
      ['audit', 'orders.eu', 'orders.us', 'orders.eu.x', 'xorders.eu', 'out'].map((t) => source.matches(t)),
      [true, true, true, false, false, false],
    );
  });

  it('the section schema compiles as the config room compiles sections (strict, with its keywords)', () => {
    assert.equal(pipelinesConfigSection.name, 'pipelines');
    assert.deepEqual(Object.keys(STEP_KINDS).sort(), [...STEP_TYPES].sort());
    for (const kind of Object.values(STEP_KINDS)) {
      const ajv = new Ajv({ strict: true, allErrors: true });
      ajv.addKeyword(EXPECTED_KEYWORD);
      assert.doesNotThrow(() => ajv.compile(kind.schema), kind.type);
    }
  });
});

describe('problems refused at load', () => {
  it('a broken JSONata expression, with the position', async () => {
    const yaml = `name: orders${BASE}
steps:
  - {type: flatten}
  - {type: cast, spec: {a: int32}}
  - {type: transform, expression: '{"total": amount * }'}`;
    assert.deepEqual(await problems(yaml), [
      'pipelines.orders.steps[2].expression: JSONata syntax error at position 20: The symbol "}" cannot be used as a unary operator',
    ]);
  });

  it('an unknown step type, and a step’s unknown or missing option', async () => {
    const yaml = `name: orders${BASE}
steps: [{type: transfrom, expression: x}, {type: transform, expresion: x}, {type: maskField, fields: []}]`;
    assert.deepEqual(await problems(yaml), [
      `pipelines.orders.steps[0].type: must be one of ${STEP_TYPES.join(', ')}, got 'transfrom'`,
    ]);
    const options = `name: orders${BASE}
steps: [{type: transform, expresion: x}, {type: maskField, fields: []}]`;
    assert.deepEqual(await problems(options), [
      'pipelines.orders.steps[0].expression: required',
      "pipelines.orders.steps[0].expresion: unknown key (did you mean 'expression'?)",
      'pipelines.orders.steps[1].fields: must be a non-empty list of field names, got a list',
    ]);
  });

  it('illegal topic names, wherever a topic is named', async () => {
    const yaml = `name: orders
source: {topics: ['in put']}
routes: {exchange: fanout, bindings: [{to: ['ok', 'bad/name']}, {to: '..'}]}
unmatched: {to: '${'x'.repeat(250)}'}
errors: {deadLetter: {topic: 'dead letters'}}`;
    assert.deepEqual(await problems(yaml), [
      `pipelines.orders.source.topics[0]: 'in put' is not a legal topic name: " " is not one of a-z A-Z 0-9 . _ -`,
      `pipelines.orders.routes.bindings[0].to[1]: 'bad/name' is not a legal topic name: "/" is not one of a-z A-Z 0-9 . _ -`,
      `pipelines.orders.unmatched.to: a topic name is at most 249 characters, 'xxxxxxxxxxxxxxxxxxxx...' has 250`,
      `pipelines.orders.errors.deadLetter.topic: 'dead letters' is not a legal topic name: " " is not one of a-z A-Z 0-9 . _ -`,
    ]);
    // The binding's '..' is found once the first binding is fixed (one problem per binding at a time).
    assert.deepEqual(
      await problems(
        `name: o\nsource: {topics: [a]}\nroutes: {exchange: fanout, bindings: [{to: '..'}]}\nunmatched: drop`,
      ),
      [`pipelines.o.routes.bindings[0].to: '..' is not a legal topic name`],
    );
  });

  it('Kafka’s topic-name rule', () => {
    assert.equal(topicNameProblem('orders.v2_eu-1'), undefined);
    assert.equal(topicNameProblem('x'.repeat(249)), undefined);
    assert.equal(topicNameProblem(''), 'a topic name must not be empty');
    assert.equal(topicNameProblem('.'), "'.' is not a legal topic name");
    assert.match(topicNameProblem('é') ?? '', /"é" is not one of/);
  });

  it('a pipeline that would read its own output', async () => {
    const yaml = `name: orders
source: {pattern: 'orders.*'}
routes: {exchange: fanout, bindings: [{to: orders-valid}]}
unmatched: drop`;
    assert.deepEqual(await problems(yaml), [
      "pipelines.orders.routes.bindings[0].to: 'orders-valid' is also a source of this pipeline: it would read its own output",
      "pipelines.orders.errors.deadLetter.topic: 'orders.dlq' is also a source of this pipeline: it would read its own output",
    ]);
  });

  it('a source regex RE2 does not take', async () => {
    const yaml = `name: p\nsource: {pattern: '(?<=a)b'}\nroutes: {exchange: fanout, bindings: [{to: out}]}\nunmatched: drop`;
    const [line] = await problems(yaml);
    assert.match(line, /^pipelines\.p\.source\.pattern: not a valid RE2 regex: /);
  });

  it('bindings that do not fit their exchange, a missing routing key, a broken when:', async () => {
    assert.deepEqual(
      await problems(
        `name: p\nsource: {topics: [a]}\nroutes: {exchange: direct, bindings: [{key: x, to: b}]}\nunmatched: drop`,
      ),
      [
        "pipelines.p.routes.routingKey: required for a direct exchange: 'key', {header: NAME} or {field: PATH}",
      ],
    );
    assert.deepEqual(
      await problems(
        `name: p\nsource: {topics: [a]}\nroutes: {exchange: topic, routingKey: key, bindings: [{key: x, to: b}]}\nunmatched: drop`,
      ),
      ["pipelines.p.routes.bindings[0].key: a topic exchange's bindings take no key (they take pattern)"],
    );
    assert.deepEqual(
      await problems(
        `name: p\nsource: {topics: [a]}\nroutes: {exchange: fanout, bindings: [{to: b, when: 'a ='}]}\nunmatched: drop`,
      ),
      [
        'pipelines.p.routes.bindings[0].when: JSONata syntax error at position 3: Unexpected end of expression',
      ],
    );
    assert.deepEqual(
      await problems(
        `name: p\nsource: {topics: [a]}\nroutes: {exchange: fanout, bindings: [{to: b}]}\nunmatched: dropp`,
      ),
      ["pipelines.p.unmatched: must be {to: TOPIC} or 'drop', got 'dropp'"],
    );
  });

  it('a bad pipeline name; problems of several pipelines in one error', async () => {
    assert.deepEqual(
      await problems(
        `pipelines: {"my pipeline": {source: {topics: [a]}, routes: {exchange: fanout, bindings: [{to: b}]}, unmatched: drop}}`,
      ),
      [
        "pipelines: must be a pipeline name: 1 to 200 characters of a-z A-Z 0-9 _ - (it names topics and a group), got 'my pipeline'",
      ],
    );
    const two = `pipelines:
  a: {source: {topics: [x]}, steps: [{type: filter, expression: '('}], routes: {exchange: fanout, bindings: [{to: y}]}, unmatched: drop}
  b: {source: {topics: [x]}, routes: {exchange: fanout, bindings: [{to: 'y z'}]}, unmatched: drop}`;
    const lines = await problems(two);
    assert.equal(lines.length, 2);
    assert.match(lines[0], /^pipelines\.a\.steps\[0\]\.expression: JSONata syntax error/);
    assert.match(lines[1], /^pipelines\.b\.routes\.bindings\[0\]\.to: 'y z' is not a legal topic name/);
  });

  it('text that is not YAML or JSON', () => {
    assert.throws(
      () => parsePipelineFile('name: p\nsource: {topics: [a]\n'),
      (err: ConfigError) => {
        assert.match(err.message, /^pipeline file is not valid YAML or JSON: /);
        return true;
      },
    );
  });
});
