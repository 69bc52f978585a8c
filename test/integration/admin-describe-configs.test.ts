// DescribeConfigs judged by our wire client for exact codes, types, sources and synonyms.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DescribeConfigs, ErrorCode } from '../../src/protocol/index.js';
import type { TestBroker } from '../helpers/broker-fixture.js';
import type { WireClient } from '../helpers/wire-client.js';
import {
  BROKER,
  BROKER_LOGGER,
  BROKER_RETENTION_BYTES,
  SOURCE,
  startConfigsBroker,
  TOPIC,
  TYPE,
} from './admin-configs-fixture.js';

describe('config administration', { concurrency: 1 }, () => {
  let broker: TestBroker;
  let client: WireClient;

  before(async () => {
    ({ broker, client } = await startConfigsBroker());
  });
  after(async () => {
    client.close();
    await broker.dispose();
  });

  async function describeV4(resourceType: number, resourceName: string, keys: string[] | null = null) {
    const res = await client.request(DescribeConfigs, 4, {
      resources: [{ resourceType, resourceName, configurationKeys: keys }],
      includeSynonyms: true,
      includeDocumentation: true,
    });
    return res.results[0];
  }

  describe('DescribeConfigs (wire)', () => {
    it('reports each config with its Kafka type, source and synonyms', async () => {
      await broker.core.logs.createTopic('wire-conf', 1, { 'retention.ms': '1000' });
      const result = await describeV4(TOPIC, 'wire-conf');
      assert.equal(result.errorCode, ErrorCode.NONE);
      const byName = Object.fromEntries(result.configs.map((c) => [c.name, c]));
      const types = Object.fromEntries(
        [
          'retention.ms',
          'segment.bytes',
          'cleanup.policy',
          'compression.type',
          'preallocate',
          'min.cleanable.dirty.ratio',
        ].map((k) => [k, byName[k]?.configType]),
      );
      assert.deepEqual(types, {
        'retention.ms': TYPE.LONG,
        'segment.bytes': TYPE.INT,
        'cleanup.policy': TYPE.LIST,
        'compression.type': TYPE.STRING,
        preallocate: TYPE.BOOLEAN,
        'min.cleanable.dirty.ratio': TYPE.DOUBLE,
      });
      assert.deepEqual(byName['retention.ms'], {
        name: 'retention.ms',
        value: '1000',
        readOnly: false,
        isDefault: false,
        configSource: SOURCE.TOPIC_CONFIG,
        isSensitive: false,
        synonyms: [
          { name: 'retention.ms', value: '1000', source: SOURCE.TOPIC_CONFIG },
          { name: 'log.retention.ms', value: '604800000', source: SOURCE.DEFAULT_CONFIG },
        ],
        configType: TYPE.LONG,
        documentation: null,
      });
      assert.deepEqual(byName['retention.bytes'].synonyms, [
        {
          name: 'log.retention.bytes',
          value: String(BROKER_RETENTION_BYTES),
          source: SOURCE.STATIC_BROKER_CONFIG,
        },
        { name: 'log.retention.bytes', value: '-1', source: SOURCE.DEFAULT_CONFIG },
      ]);
      assert.ok(
        result.configs.every((c) => c.configType > 0),
        'every config has a type',
      );

      const only = await describeV4(TOPIC, 'wire-conf', ['retention.ms', 'no.such.key']);
      assert.deepEqual(
        only.configs.map((c) => c.name),
        ['retention.ms'],
      );
    });

    it('v0 reports isDefault and no synonyms', async () => {
      const res = await client.request(DescribeConfigs, 0, {
        resources: [
          {
            resourceType: TOPIC,
            resourceName: 'wire-conf',
            configurationKeys: ['retention.ms', 'segment.ms'],
          },
        ],
      });
      assert.deepEqual(
        res.results[0].configs.map((c) => [c.name, c.value, c.isDefault]),
        [
          ['retention.ms', '1000', false],
          ['segment.ms', '604800000', true],
        ],
      );
    });

    it('answers broker, default-broker and broker-logger resources, and refuses bad ones', async () => {
      const node = String(broker.core.nodeId);
      const own = await describeV4(BROKER, node);
      assert.equal(own.errorCode, ErrorCode.NONE);
      const byName = Object.fromEntries(own.configs.map((c) => [c.name, c]));
      assert.equal(byName['node.id'].value, node);
      assert.equal(byName['offsets.topic.replication.factor'].configType, TYPE.SHORT);
      assert.equal(byName['auto.create.topics.enable'].value, 'false');
      // Nothing set at run time: every value is static; only the dynamic broker keys are writable.
      assert.ok(own.configs.every((c) => c.configSource === SOURCE.STATIC_BROKER_CONFIG));
      assert.equal(byName['node.id'].readOnly, true);
      assert.equal(byName['log.retention.ms'].readOnly, false);

      assert.deepEqual((await describeV4(BROKER, '')).configs, [], 'no dynamic cluster defaults');
      const logger = await describeV4(BROKER_LOGGER, node);
      assert.deepEqual([logger.errorCode, logger.configs], [ErrorCode.NONE, []]);

      assert.equal((await describeV4(BROKER, '99')).errorCode, ErrorCode.INVALID_REQUEST);
      assert.equal((await describeV4(BROKER, 'one')).errorCode, ErrorCode.INVALID_REQUEST);
      assert.equal((await describeV4(BROKER_LOGGER, '')).errorCode, ErrorCode.INVALID_REQUEST);
      assert.equal((await describeV4(99, 'x')).errorCode, ErrorCode.INVALID_REQUEST);
      const missing = await describeV4(TOPIC, 'no-such-topic');
      assert.deepEqual([missing.errorCode, missing.configs], [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, []]);
      assert.equal((await describeV4(TOPIC, 'bad name')).errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION);
    });
  });
});
