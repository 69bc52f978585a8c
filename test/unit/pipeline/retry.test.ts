// After a failure: the retry decision (in-process backoff, retry topics, dead letters) as a pure
// function of the policy, the tries and an injected time; the retry and dead-letter records with
// their headers; and reading those headers back for retry consumption and replay.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  deadLetterRecord,
  nextAttempt,
  originalMessage,
  PipelineMessage,
  type RetryPolicy,
  readPipelineHeaders,
  retryRecord,
  type StepFailure,
} from '../../../src/pipeline/index.js';
import { headersOf, message } from './fixtures.js';

const policy: RetryPolicy = {
  attempts: 3,
  backoff: { initialMs: 100, multiplier: 3, maxMs: 500 },
  retryTopics: [
    { topic: 'orders.retry.1', delayMs: 1000 },
    { topic: 'orders.retry.2', delayMs: 60_000 },
  ],
  deadLetterTopic: 'orders.dlq',
};
const NOW = 1_800_000_000_000;

describe('nextAttempt', () => {
  it('tries again in the process with exponential backoff capped at max', () => {
    assert.deepEqual(nextAttempt(policy, { local: 1, round: 0, retriable: true }, NOW), {
      action: 'retry',
      delayMs: 100,
      at: NOW + 100,
    });
    assert.deepEqual(nextAttempt(policy, { local: 2, round: 0, retriable: true }, NOW), {
      action: 'retry',
      delayMs: 300,
      at: NOW + 300,
    });
    const longer = { ...policy, attempts: 10 };
    assert.equal(
      (nextAttempt(longer, { local: 5, round: 0, retriable: true }, NOW) as { delayMs: number }).delayMs,
      500,
    );
  });

  it('then moves to the next retry topic with its delay, then to the dead-letter topic', () => {
    assert.deepEqual(nextAttempt(policy, { local: 3, round: 0, retriable: true }, NOW), {
      action: 'retry-topic',
      topic: 'orders.retry.1',
      round: 1,
      due: NOW + 1000,
    });
    assert.deepEqual(nextAttempt(policy, { local: 3, round: 1, retriable: true }, NOW), {
      action: 'retry-topic',
      topic: 'orders.retry.2',
      round: 2,
      due: NOW + 60_000,
    });
    assert.deepEqual(nextAttempt(policy, { local: 3, round: 2, retriable: true }, NOW), {
      action: 'dead-letter',
      topic: 'orders.dlq',
    });
  });

  it('a failure no retry can fix goes to the dead-letter topic at once', () => {
    assert.deepEqual(nextAttempt(policy, { local: 1, round: 0, retriable: false }, NOW), {
      action: 'dead-letter',
      topic: 'orders.dlq',
    });
  });

  it('one try and no retry topics: straight to the dead letters', () => {
    const none: RetryPolicy = { ...policy, attempts: 1, retryTopics: [] };
    assert.deepEqual(nextAttempt(none, { local: 1, round: 0, retriable: true }, NOW), {
      action: 'dead-letter',
      topic: 'orders.dlq',
    });
  });
});

const failure: StepFailure = {
  stage: 'validate',
  reason: 'schema violation: /amount must be >= 0',
  step: 0,
  stepType: 'validate',
  retriable: false,
};

describe('dead-letter records', () => {
  it('keep key, value, headers and timestamp, and say why, where from and how many tries', () => {
    const m = message({ amount: -1 }, { key: 'k1', headers: [['trace', 't-1']], timestamp: 1234 });
    const record = deadLetterRecord({ pipeline: 'orders', message: m, failure, attempts: 1 }, 'orders.dlq');
    assert.equal(record.topic, 'orders.dlq');
    assert.equal(record.key, m.key);
    assert.equal(record.value, m.value);
    assert.equal(record.timestamp, 1234);
    assert.deepEqual(headersOf(record), [
      ['trace', 't-1'],
      ['sluice.error.stage', 'validate'],
      ['sluice.error.reason', 'schema violation: /amount must be >= 0'],
      ['sluice.error.pipeline', 'orders'],
      ['sluice.error.step', '0'],
      ['sluice.error.step.type', 'validate'],
      ['sluice.original.topic', 'orders'],
      ['sluice.original.partition', '2'],
      ['sluice.original.offset', '41'],
      ['sluice.original.timestamp', '1234'],
      ['sluice.attempts', '1'],
    ]);
  });

  it('with connectHeaders, also Kafka Connect’s __connect.errors.* names', () => {
    const m = message({});
    const record = deadLetterRecord({ pipeline: 'orders', message: m, failure, attempts: 1 }, 'orders.dlq', {
      connectHeaders: true,
    });
    const connect = headersOf(record).filter(([n]) => n.startsWith('__connect.'));
    assert.deepEqual(connect, [
      ['__connect.errors.topic', 'orders'],
      ['__connect.errors.partition', '2'],
      ['__connect.errors.offset', '41'],
      ['__connect.errors.connector.name', 'orders'],
      ['__connect.errors.task.id', '0'],
      ['__connect.errors.stage', 'VALUE_CONVERTER'],
      ['__connect.errors.class.name', 'validate'],
      ['__connect.errors.exception.class.name', 'sluice.pipeline.StepFailure'],
      ['__connect.errors.exception.message', 'schema violation: /amount must be >= 0'],
    ]);
  });
});

describe('retry records and reading them back', () => {
  it('a retry record carries the due time; read back it gives the original message', () => {
    const m = message({ a: 1 }, { key: 'k', headers: [['trace', 't']], timestamp: 999 });
    const retried = retryRecord(
      { pipeline: 'orders', message: m, failure: { ...failure, retriable: true }, attempts: 3 },
      { topic: 'orders.retry.1', round: 1, due: NOW + 1000 },
    );
    assert.equal(retried.topic, 'orders.retry.1');
    const read = readPipelineHeaders(retried.headers);
    assert.deepEqual(read, {
      error: { stage: 'validate', reason: failure.reason, pipeline: 'orders', step: 0, stepType: 'validate' },
      original: { topic: 'orders', partition: 2, offset: 41n, timestamp: 999 },
      attempts: 3,
      retry: { round: 1, due: NOW + 1000 },
    });

    // As the runtime consumes it from orders.retry.1, partition 0, offset 7:
    const consumed = new PipelineMessage({
      ...retried,
      source: { topic: 'orders.retry.1', partition: 0, offset: 7n },
    });
    const original = originalMessage(consumed);
    assert.deepEqual(original.source, { topic: 'orders', partition: 2, offset: 41n });
    assert.equal(original.timestamp, 999);
    assert.deepEqual(headersOf(original), [['trace', 't']]);
    assert.ok(original.value?.equals(m.value!));

    // Failing again after the last retry topic, its dead letter names the first origin, not the retry topic.
    const dead = deadLetterRecord(
      { pipeline: 'orders', message: consumed, failure, attempts: 6 },
      'orders.dlq',
    );
    const header = (name: string) => headersOf(dead).filter(([n]) => n === name);
    assert.deepEqual(header('sluice.original.topic'), [['sluice.original.topic', 'orders']]);
    assert.deepEqual(header('sluice.original.offset'), [['sluice.original.offset', '41']]);
    assert.deepEqual(header('sluice.attempts'), [['sluice.attempts', '6']]);
    assert.deepEqual(header('sluice.retry.due'), []);
    assert.equal(dead.timestamp, 999);
  });

  it('headers that are missing or malformed read as absent', () => {
    const text = (pairs: [string, string][]) => pairs.map(([n, v]) => [n, Buffer.from(v)] as const);
    assert.deepEqual(readPipelineHeaders(text([['x', '1']])), {});
    assert.deepEqual(
      readPipelineHeaders(
        text([
          ['sluice.attempts', 'three'],
          ['sluice.original.topic', 't'],
          ['sluice.original.partition', '1'],
          ['sluice.original.offset', '-4'],
          ['sluice.error.stage', 'elsewhere'],
        ]),
      ),
      { error: {} },
    );
  });
});
