// AlterConfigs and IncrementalAlterConfigs judged by our wire client for exact codes; changes must
// reach the logs and survive a restart.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AlterConfigs,
  DescribeConfigs,
  ErrorCode,
  IncrementalAlterConfigs,
} from '../../src/protocol/index.js';
import { startTestBroker, type TestBroker } from '../helpers/broker-fixture.js';
import { WireClient } from '../helpers/wire-client.js';
import {
  APPEND,
  BROKER,
  BROKER_LOGGER,
  DELETE,
  SET,
  SOURCE,
  SUBTRACT,
  startConfigsBroker,
  TOPIC,
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

  const overrides = (topic: string) => broker.core.logs.topic(topic)?.configs;

  function incremental(
    resources: {
      resourceType?: number;
      resourceName: string;
      configs: { name: string; configOperation: number; value: string | null }[];
    }[],
    validateOnly = false,
  ) {
    return client.request(IncrementalAlterConfigs, 1, {
      resources: resources.map((r) => ({ resourceType: TOPIC, ...r })),
      validateOnly,
    });
  }

  describe('AlterConfigs (wire)', () => {
    it('replaces the override set; refuses bad input and changes nothing then', async () => {
      await broker.core.logs.createTopic('wire-alter', 1, { 'retention.ms': '1000', 'segment.ms': '5000' });
      const alter = (
        resources: {
          resourceType?: number;
          resourceName: string;
          configs: { name: string; value: string | null }[];
        }[],
        validateOnly = false,
      ) =>
        client.request(AlterConfigs, 2, {
          resources: resources.map((r) => ({ resourceType: TOPIC, ...r })),
          validateOnly,
        });
      const codes = async (...args: Parameters<typeof alter>) =>
        (await alter(...args)).responses.map((r) => r.errorCode);
      const before = { ...overrides('wire-alter') };

      assert.deepEqual(
        await codes([{ resourceName: 'wire-alter', configs: [{ name: 'retention.hours', value: '1' }] }]),
        [ErrorCode.INVALID_CONFIG],
      );
      assert.deepEqual(
        await codes([{ resourceName: 'wire-alter', configs: [{ name: 'segment.bytes', value: '1' }] }]),
        [ErrorCode.INVALID_CONFIG],
      );
      assert.deepEqual(
        await codes([
          {
            resourceName: 'wire-alter',
            configs: [
              { name: 'retention.ms', value: '1' },
              { name: 'retention.ms', value: '2' },
            ],
          },
        ]),
        [ErrorCode.INVALID_REQUEST],
      );
      assert.deepEqual(
        await codes([{ resourceName: 'wire-alter', configs: [{ name: 'retention.ms', value: null }] }]),
        [ErrorCode.INVALID_REQUEST],
      );
      assert.deepEqual(await codes([{ resourceName: 'ghost', configs: [] }]), [
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      ]);
      assert.deepEqual(await codes([{ resourceName: '', configs: [] }]), [ErrorCode.INVALID_REQUEST]);
      const brokerRes = await alter([
        { resourceType: BROKER, resourceName: '1', configs: [{ name: 'log.dirs', value: '/elsewhere' }] },
      ]);
      assert.equal(brokerRes.responses[0].errorCode, ErrorCode.INVALID_REQUEST);
      assert.equal(
        brokerRes.responses[0].errorMessage,
        'Cannot update these configs dynamically: Set(log.dirs)',
      );
      assert.deepEqual(
        await codes([
          { resourceName: 'wire-alter', configs: [] },
          { resourceName: 'wire-alter', configs: [] },
        ]),
        [ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST],
      );
      assert.deepEqual(
        await codes([{ resourceName: 'wire-alter', configs: [{ name: 'flush.ms', value: '10' }] }], true),
        [ErrorCode.NONE],
      );
      assert.deepEqual(overrides('wire-alter'), before, 'nothing changed');

      const ok = await alter([
        { resourceName: 'wire-alter', configs: [{ name: 'cleanup.policy', value: 'delete, compact' }] },
      ]);
      assert.deepEqual(
        [ok.responses[0].errorCode, ok.responses[0].resourceName],
        [ErrorCode.NONE, 'wire-alter'],
      );
      assert.deepEqual(overrides('wire-alter'), { 'cleanup.policy': 'compact,delete' });
      assert.equal(
        broker.core.partition('wire-alter', 0)?.config.retentionMs,
        604800000,
        'the log runs with the default again',
      );
    });
  });

  describe('IncrementalAlterConfigs (wire)', () => {
    it('sets, deletes, appends and subtracts; each resource all or nothing', async () => {
      await broker.core.logs.createTopic('wire-inc', 1, { 'retention.ms': '1000' });
      const one = async (
        configs: { name: string; configOperation: number; value: string | null }[],
        validateOnly = false,
      ) => (await incremental([{ resourceName: 'wire-inc', configs }], validateOnly)).responses[0];

      assert.equal(
        (await one([{ name: 'max.message.bytes', configOperation: SET, value: '2048' }])).errorCode,
        ErrorCode.NONE,
      );
      assert.deepEqual(overrides('wire-inc'), { 'retention.ms': '1000', 'max.message.bytes': '2048' });
      assert.equal(broker.core.logs.topic('wire-inc')?.maxMessageBytes, 2048);

      const before = { ...overrides('wire-inc') };
      const refused = [
        [
          [
            { name: 'retention.ms', configOperation: SET, value: '5' },
            { name: 'segment.bytes', configOperation: SET, value: 'big' },
          ],
          ErrorCode.INVALID_CONFIG,
        ],
        [[{ name: 'retention.ms', configOperation: APPEND, value: '5' }], ErrorCode.INVALID_CONFIG],
        [[{ name: 'no.such.key', configOperation: SUBTRACT, value: 'a' }], ErrorCode.INVALID_CONFIG],
        [[{ name: 'no.such.key', configOperation: SET, value: 'a' }], ErrorCode.INVALID_CONFIG],
        [[{ name: 'retention.ms', configOperation: 7, value: '5' }], ErrorCode.INVALID_REQUEST],
        [[{ name: 'retention.ms', configOperation: SET, value: null }], ErrorCode.INVALID_REQUEST],
        [
          [
            { name: 'retention.ms', configOperation: SET, value: '5' },
            { name: 'retention.ms', configOperation: DELETE, value: null },
          ],
          ErrorCode.INVALID_REQUEST,
        ],
      ] as const;
      for (const [configs, code] of refused) {
        const res = await one([...configs]);
        assert.equal(res.errorCode, code, JSON.stringify(configs));
        assert.ok(res.errorMessage, 'with a reason');
      }
      assert.match(
        (await one([{ name: 'retention.ms', configOperation: APPEND, value: '5' }])).errorMessage ?? '',
        /not LIST/,
      );
      assert.equal(
        (await one([{ name: 'retention.ms', configOperation: DELETE, value: null }], true)).errorCode,
        ErrorCode.NONE,
      );
      assert.deepEqual(overrides('wire-inc'), before, 'nothing changed');

      await one([
        { name: 'cleanup.policy', configOperation: APPEND, value: 'compact' },
        { name: 'retention.ms', configOperation: DELETE, value: null },
      ]);
      assert.deepEqual(overrides('wire-inc'), {
        'max.message.bytes': '2048',
        'cleanup.policy': 'compact,delete',
      });
      await one([{ name: 'cleanup.policy', configOperation: SUBTRACT, value: 'delete' }]);
      assert.equal(overrides('wire-inc')?.['cleanup.policy'], 'compact');
      await one([
        { name: 'leader.replication.throttled.replicas', configOperation: APPEND, value: '0:1,1:1' },
      ]);
      await one([{ name: 'leader.replication.throttled.replicas', configOperation: SUBTRACT, value: '0:1' }]);
      assert.equal(overrides('wire-inc')?.['leader.replication.throttled.replicas'], '1:1');
    });

    it('answers each resource on its own and refuses static broker keys and loggers', async () => {
      await broker.core.logs.createTopic('wire-inc-b', 1, {});
      const res = await incremental([
        {
          resourceName: 'wire-inc-b',
          configs: [{ name: 'retention.ms', configOperation: SET, value: '7000' }],
        },
        { resourceName: 'ghost', configs: [{ name: 'retention.ms', configOperation: SET, value: '7000' }] },
        {
          resourceType: BROKER,
          resourceName: '1',
          configs: [{ name: 'node.id', configOperation: SET, value: '2' }],
        },
        {
          resourceType: BROKER_LOGGER,
          resourceName: '1',
          configs: [{ name: 'root', configOperation: SET, value: 'DEBUG' }],
        },
      ]);
      assert.deepEqual(
        res.responses.map((r) => [r.resourceName, r.errorCode]),
        [
          ['wire-inc-b', ErrorCode.NONE],
          ['ghost', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
          ['1', ErrorCode.INVALID_REQUEST],
          ['1', ErrorCode.INVALID_REQUEST],
        ],
      );
      assert.deepEqual(overrides('wire-inc-b'), { 'retention.ms': '7000' });
    });
  });

  it('altered configs survive a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sluice-configs-'));
    try {
      const first = await startTestBroker({ dataDir, autoCreateTopics: false });
      await first.core.logs.createTopic('durable-conf', 1, {});
      const c1 = await WireClient.connect(first.port);
      await c1.request(IncrementalAlterConfigs, 1, {
        resources: [
          {
            resourceType: TOPIC,
            resourceName: 'durable-conf',
            configs: [{ name: 'retention.ms', configOperation: SET, value: '1234' }],
          },
        ],
      });
      c1.close();
      await first.close();
      const second = await startTestBroker({ dataDir, autoCreateTopics: false });
      try {
        const c2 = await WireClient.connect(second.port);
        const res = await c2.request(DescribeConfigs, 4, {
          resources: [
            { resourceType: TOPIC, resourceName: 'durable-conf', configurationKeys: ['retention.ms'] },
          ],
        });
        c2.close();
        assert.deepEqual(
          res.results[0].configs.map((c) => [c.name, c.value, c.configSource]),
          [['retention.ms', '1234', SOURCE.TOPIC_CONFIG]],
        );
        assert.equal(second.core.partition('durable-conf', 0)?.config.retentionMs, 1234);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
