// The documented example (docs/pipelines.md), loaded from the page itself and run end to end:
// validate, filter, SMTs, transform, topic routing; and the paths a message can take — routed,
// filtered, unmatched, failed — with the retry decision and the dead letter that follow.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  type CompiledPipeline,
  compilePipelines,
  deadLetterRecord,
  nextAttempt,
  PipelineMessage,
  parsePipelineFile,
  processMessage,
  readPipelineHeaders,
} from '../../../src/pipeline/index.js';
import { repoRoot } from '../../helpers/repo-root.js';
import { headersOf, jsonOf } from './fixtures.js';

function documentedExample(): string {
  const page = readFileSync(join(repoRoot(), 'docs', 'pipelines.md'), 'utf8');
  const block = /<!-- pipeline-example:start -->\n```yaml\n([\s\S]*?)```\n<!-- pipeline-example:end -->/.exec(
    page,
  );
  assert.ok(block, 'docs/pipelines.md has the example between its markers');
  return block[1];
}

async function orders(): Promise<CompiledPipeline> {
  const compiled = await compilePipelines(parsePipelineFile(documentedExample(), 'docs/pipelines.md'));
  return compiled.get('orders')!;
}

function read(value: unknown, headers: [string, string][] = []) {
  return new PipelineMessage({
    key: Buffer.from('o-1'),
    value: Buffer.from(JSON.stringify(value)),
    headers: headers.map(([n, v]) => [n, Buffer.from(v)]),
    timestamp: 1_700_000_000_000,
    source: { topic: 'orders', partition: 0, offset: 17n },
  });
}

const ORDER = { id: 'o-1', type: 'order.created.web', amount: 1000, customer: { card: '4111' } };

describe('the documented pipeline', () => {
  it('does what the page says to the page’s message', async () => {
    const p = await orders();
    assert.equal(p.retry.deadLetterTopic, 'orders-dlq');
    assert.deepEqual(
      p.retry.retryTopics.map((t) => [t.topic, t.delayMs]),
      [
        ['orders.retry.1', 10_000],
        ['orders.retry.2', 300_000],
      ],
    );
    const result = await processMessage(p, read(ORDER, [['trace', 't-1']]));
    assert.equal(result.error, undefined);
    assert.deepEqual(
      result.outputs.map((o) => o.topic),
      ['orders-created', 'orders-all', 'orders-large', 'audit'],
    );
    const out = result.outputs[0].message;
    assert.deepEqual(jsonOf(out), {
      id: 'o-1',
      type: 'order.created.web',
      amount: 1000,
      customer: { card: '' },
      meta: { topic: 'orders', offset: 17 },
      total: 1200,
    });
    assert.deepEqual(headersOf(out), [
      ['trace', 't-1'],
      ['event-type', 'order.created.web'],
    ]);
    assert.equal(out.key?.toString(), 'o-1');
    assert.equal(out.timestamp, 1_700_000_000_000);
    assert.ok(result.outputs.every((o) => o.message === out));
    assert.deepEqual(result.bindings, [0, 1, 2]);
  });

  it('reads the topics its source names', async () => {
    const p = await orders();
    assert.deepEqual(
      ['orders', 'orders.eu', 'orders.us', 'orders.fr', 'orders-all'].map((t) => p.source.matches(t)),
      [true, true, true, false, false],
    );
  });

  it('filters test orders, sends unknown types to the unmatched topic', async () => {
    const p = await orders();
    const test = await processMessage(p, read({ ...ORDER, type: 'test.order' }));
    assert.deepEqual(test.outputs, []);
    assert.equal(test.filtered?.step, 1);
    const refund = await processMessage(p, read({ ...ORDER, type: 'refund.created', amount: 5 }));
    assert.deepEqual(
      refund.outputs.map((o) => o.topic),
      ['orders-unrouted'],
    );
    assert.equal(refund.unmatched, 'routed');
  });

  it('a message that breaks the schema goes to the dead-letter topic with why', async () => {
    const p = await orders();
    const input = read({ ...ORDER, amount: -5 });
    const result = await processMessage(p, input);
    assert.deepEqual(result.outputs, []);
    const failure = result.error!;
    const next = nextAttempt(p.retry, { local: 1, round: 0, retriable: failure.retriable }, 0);
    assert.deepEqual(next, { action: 'dead-letter', topic: 'orders-dlq' });
    const record = deadLetterRecord({ pipeline: p.name, message: input, failure, attempts: 1 }, next.topic, {
      connectHeaders: p.connectHeaders,
    });
    assert.ok(record.value?.equals(input.value!));
    assert.deepEqual(readPipelineHeaders(record.headers), {
      error: {
        stage: 'validate',
        reason: 'schema violation: /amount must be >= 0',
        pipeline: 'orders',
        step: 0,
        stepType: 'validate',
      },
      original: { topic: 'orders', partition: 0, offset: 17n, timestamp: 1_700_000_000_000 },
      attempts: 1,
    });
    assert.ok(headersOf(record).some(([n]) => n === '__connect.errors.exception.message'));
  });
});
