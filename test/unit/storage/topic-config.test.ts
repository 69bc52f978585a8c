import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_LOG_CONFIG,
  describeTopicConfigs,
  logConfigFor,
  newTopicId,
  type StorageError,
  validateLogConfig,
  validateTopicConfigs,
} from '../../../src/storage/index.js';

describe('topic configs', () => {
  it('map Kafka keys onto LogConfig', () => {
    const config = logConfigFor(
      {
        'retention.ms': '-1',
        'retention.bytes': '1048576',
        'segment.bytes': '2048',
        'segment.ms': '3600000',
        'segment.index.bytes': '4096',
        'index.interval.bytes': '128',
        'max.message.bytes': '500000',
        'cleanup.policy': 'compact',
        'flush.ms': '1000',
        'min.insync.replicas': '2',
      },
      DEFAULT_LOG_CONFIG,
    );
    assert.deepEqual(config, {
      ...DEFAULT_LOG_CONFIG,
      retentionMs: -1,
      retentionBytes: 1048576,
      segmentBytes: 2048,
      segmentMs: 3600000,
      segmentIndexBytes: 4096,
      indexIntervalBytes: 128,
      maxMessageBytes: 500000,
      cleanupPolicy: 'compact',
      flushIntervalMs: 1000,
    });
    validateLogConfig(config);
  });

  it('reject unknown keys and bad values', () => {
    for (const [key, value] of [
      ['retention.ms', '1.5'],
      ['retention.bytes', ''],
      ['segment.bytes', '13'],
      ['index.interval.bytes', '-1'],
      ['max.message.bytes', '99999999999'],
      ['flush.ms', '99999999999999999999'],
      ['cleanup.policy', 'delete,delete,compact,x'],
      ['preallocate', 'yes'],
      ['retention', '1'],
      ['__proto__', '1'],
    ]) {
      assert.throws(
        () => validateTopicConfigs({ [key]: value }),
        (e: StorageError) => e.reason === 'INVALID_CONFIG' && e.kafkaError === 'INVALID_CONFIG',
        `${key}=${value}`,
      );
    }
  });

  it('describe every config with its source', () => {
    const entries = describeTopicConfigs({ 'retention.ms': '5' }, DEFAULT_LOG_CONFIG);
    const byName = new Map(entries.map((e) => [e.name, e]));
    assert.deepEqual(byName.get('retention.ms'), {
      name: 'retention.ms',
      value: '5',
      isDefault: false,
      type: 'long',
    });
    assert.deepEqual(byName.get('segment.bytes'), {
      name: 'segment.bytes',
      value: '1073741824',
      isDefault: true,
      type: 'int',
    });
    assert.equal(byName.get('cleanup.policy')?.value, 'delete');
    assert.equal(byName.get('flush.ms')?.value, '9223372036854775807');
  });

  it('validate LogConfig ranges', () => {
    assert.throws(() => validateLogConfig({ ...DEFAULT_LOG_CONFIG, segmentBytes: 0 }), /segmentBytes/);
    assert.throws(() => validateLogConfig({ ...DEFAULT_LOG_CONFIG, retentionMs: -5 }), /retentionMs/);
    assert.throws(
      () => validateLogConfig({ ...DEFAULT_LOG_CONFIG, indexIntervalBytes: Number.NaN }),
      /indexIntervalBytes/,
    );
  });

  it('make topic ids in Kafka Uuid string form', () => {
    const ids = new Set(Array.from({ length: 200 }, () => newTopicId()));
    assert.equal(ids.size, 200);
    for (const id of ids) {
      assert.match(id, /^[A-Za-z0-9_-]{22}$/);
      assert.ok(!id.startsWith('-'));
      assert.equal(Buffer.from(id, 'base64url').length, 16);
    }
  });
});
