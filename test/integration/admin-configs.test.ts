// Config administration (DescribeConfigs, AlterConfigs, IncrementalAlterConfigs) judged by real
// clients — KafkaJS, @platformatic/kafka, Apache Kafka's kafka-configs.sh — and by our wire
// client for exact codes, types and sources. Changes must reach the logs: produce limits, retention.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Admin } from '@platformatic/kafka';
import kafkajsModule from 'kafkajs';
import {
  AlterConfigs,
  DescribeConfigs,
  ErrorCode,
  IncrementalAlterConfigs,
} from '../../src/protocol/index.js';
import { kafkaTool, peerMissing } from '../compat/peers.js';
import { startTestBroker, type TestBroker } from '../helpers/broker-fixture.js';
import { WireClient } from '../helpers/wire-client.js';

// KafkaJS is CommonJS: its ConfigResourceTypes is reachable only through the default export.
const { ConfigResourceTypes: ConfigResourceType, Kafka, logLevel } = kafkajsModule;
const TOPIC = 2;
const BROKER = 4;
const BROKER_LOGGER = 8;
const [SET, DELETE, APPEND, SUBTRACT] = [0, 1, 2, 3] as const;
const SOURCE = { TOPIC_CONFIG: 1, STATIC_BROKER_CONFIG: 4, DEFAULT_CONFIG: 5 };
const TYPE = { BOOLEAN: 1, STRING: 2, INT: 3, SHORT: 4, LONG: 5, DOUBLE: 6, LIST: 7 };
/** Started with a retention.bytes default other than Kafka's, to see STATIC_BROKER_CONFIG. */
const BROKER_RETENTION_BYTES = 1 << 30;

describe('config administration', { concurrency: 1 }, () => {
  let broker: TestBroker;
  let client: WireClient;

  before(async () => {
    broker = await startTestBroker({
      autoCreateTopics: false,
      retentionCheckIntervalMs: 100,
      topicDefaults: { retentionBytes: BROKER_RETENTION_BYTES },
    });
    client = await WireClient.connect(broker.port);
  });
  after(async () => {
    client.close();
    await broker.dispose();
  });

  const overrides = (topic: string) => broker.core.logs.topic(topic)?.configs;
  const kafkajs = () =>
    new Kafka({ clientId: 'admin-configs-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });

  async function describeV4(resourceType: number, resourceName: string, keys: string[] | null = null) {
    const res = await client.request(DescribeConfigs, 4, {
      resources: [{ resourceType, resourceName, configurationKeys: keys }],
      includeSynonyms: true,
      includeDocumentation: true,
    });
    return res.results[0];
  }

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

  describe('KafkaJS admin', () => {
    it('describes topic and broker configs and replaces topic configs with alterConfigs', async () => {
      await broker.core.logs.createTopic('kjs-conf', 1, { 'retention.ms': '86400000' });
      const admin = kafkajs().admin();
      await admin.connect();
      try {
        const described = await admin.describeConfigs({
          resources: [{ type: ConfigResourceType.TOPIC, name: 'kjs-conf' }],
          includeSynonyms: true,
        });
        const entries = described.resources[0].configEntries;
        const retention = entries.find((e) => e.configName === 'retention.ms');
        assert.equal(retention?.configValue, '86400000');
        assert.equal(retention?.configSource, SOURCE.TOPIC_CONFIG);
        assert.equal(retention?.isDefault, false);
        assert.deepEqual(
          retention?.configSynonyms.map((s) => [s.configName, s.configValue, s.configSource]),
          [
            ['retention.ms', '86400000', SOURCE.TOPIC_CONFIG],
            ['log.retention.ms', '604800000', SOURCE.DEFAULT_CONFIG],
          ],
        );
        const byBroker = entries.find((e) => e.configName === 'retention.bytes');
        assert.equal(byBroker?.configValue, String(BROKER_RETENTION_BYTES));
        assert.equal(byBroker?.configSource, SOURCE.STATIC_BROKER_CONFIG);
        assert.equal(
          entries.find((e) => e.configName === 'segment.bytes')?.configSource,
          SOURCE.DEFAULT_CONFIG,
        );

        const filtered = await admin.describeConfigs({
          resources: [{ type: ConfigResourceType.TOPIC, name: 'kjs-conf', configNames: ['cleanup.policy'] }],
          includeSynonyms: false,
        });
        assert.deepEqual(
          filtered.resources[0].configEntries.map((e) => [e.configName, e.configValue]),
          [['cleanup.policy', 'delete']],
        );

        const brokerConfigs = await admin.describeConfigs({
          resources: [{ type: ConfigResourceType.BROKER, name: String(broker.core.nodeId) }],
          includeSynonyms: false,
        });
        const brokerEntries = Object.fromEntries(
          brokerConfigs.resources[0].configEntries.map((e) => [e.configName, e]),
        );
        assert.equal(brokerEntries['num.partitions']?.configValue, '1');
        assert.equal(brokerEntries['default.replication.factor']?.configValue, '1');
        assert.equal(brokerEntries['log.dirs']?.configValue, broker.dataDir);
        assert.equal(brokerEntries['log.retention.bytes']?.configValue, String(BROKER_RETENTION_BYTES));
        assert.equal(brokerEntries['num.partitions']?.readOnly, true);

        await admin.alterConfigs({
          validateOnly: false,
          resources: [
            {
              type: ConfigResourceType.TOPIC,
              name: 'kjs-conf',
              configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
            },
          ],
        });
        assert.deepEqual(overrides('kjs-conf'), { 'cleanup.policy': 'compact' }, 'retention.ms reverted');

        await assert.rejects(
          admin.alterConfigs({
            validateOnly: false,
            resources: [
              {
                type: ConfigResourceType.TOPIC,
                name: 'kjs-conf',
                configEntries: [{ name: 'retention.ms', value: 'x' }],
              },
            ],
          }),
          (err: { type?: string }) => err.type === 'INVALID_CONFIG',
        );
        await assert.rejects(
          admin.alterConfigs({
            validateOnly: false,
            resources: [
              {
                type: ConfigResourceType.BROKER,
                name: String(broker.core.nodeId),
                configEntries: [{ name: 'log.retention.ms', value: '1' }],
              },
            ],
          }),
          (err: { type?: string }) => err.type === 'INVALID_REQUEST',
        );
        assert.deepEqual(
          overrides('kjs-conf'),
          { 'cleanup.policy': 'compact' },
          'refused changes left no trace',
        );
      } finally {
        await admin.disconnect();
      }
    });

    it('a lowered max.message.bytes refuses larger batches at once; reverting lifts the limit', async () => {
      await broker.core.logs.createTopic('kjs-limit', 1, {});
      const admin = kafkajs().admin();
      const producer = kafkajs().producer();
      await Promise.all([admin.connect(), producer.connect()]);
      const big = { value: 'x'.repeat(4000) };
      const setLimit = (configEntries: { name: string; value: string }[]) =>
        admin.alterConfigs({
          validateOnly: false,
          resources: [{ type: ConfigResourceType.TOPIC, name: 'kjs-limit', configEntries }],
        });
      try {
        await producer.send({ topic: 'kjs-limit', messages: [big] });
        await setLimit([{ name: 'max.message.bytes', value: '1000' }]);
        await assert.rejects(
          producer.send({ topic: 'kjs-limit', messages: [big] }),
          (err: { type?: string }) => err.type === 'MESSAGE_TOO_LARGE',
        );
        await producer.send({ topic: 'kjs-limit', messages: [{ value: 'small' }] });
        await setLimit([]);
        await producer.send({ topic: 'kjs-limit', messages: [big] });
      } finally {
        await Promise.all([admin.disconnect(), producer.disconnect()]);
      }
    });

    it('a lowered retention.ms deletes old records at the next retention check', async () => {
      await broker.core.logs.createTopic('kjs-retention', 1, {});
      const admin = kafkajs().admin();
      const producer = kafkajs().producer();
      await Promise.all([admin.connect(), producer.connect()]);
      try {
        await producer.send({
          topic: 'kjs-retention',
          messages: [{ value: 'a', timestamp: String(Date.now() - 60_000) }, { value: 'b' }],
        });
        await admin.alterConfigs({
          validateOnly: false,
          resources: [
            {
              type: ConfigResourceType.TOPIC,
              name: 'kjs-retention',
              configEntries: [{ name: 'retention.ms', value: '1' }],
            },
          ],
        });
        const deadline = Date.now() + 10_000;
        let offsets = await admin.fetchTopicOffsets('kjs-retention');
        while (offsets[0].low !== '2' && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          offsets = await admin.fetchTopicOffsets('kjs-retention');
        }
        assert.deepEqual(offsets[0], { partition: 0, offset: '2', high: '2', low: '2' });
      } finally {
        await Promise.all([admin.disconnect(), producer.disconnect()]);
      }
    });
  });

  describe('@platformatic/kafka Admin', () => {
    it('describes, alters and incrementally alters topic configs', async () => {
      await broker.core.logs.createTopic('plt-conf', 1, {});
      const admin = new Admin({ clientId: 'admin-configs-test', bootstrapBrokers: [broker.bootstrap] });
      try {
        await admin.incrementalAlterConfigs({
          resources: [
            {
              resourceType: TOPIC,
              resourceName: 'plt-conf',
              configs: [
                { name: 'segment.bytes', configOperation: SET, value: '1048576' },
                { name: 'cleanup.policy', configOperation: APPEND, value: 'compact' },
              ],
            },
          ],
        });
        assert.deepEqual(overrides('plt-conf'), {
          'segment.bytes': '1048576',
          'cleanup.policy': 'compact,delete',
        });
        const [described] = await admin.describeConfigs({
          resources: [
            {
              resourceType: TOPIC,
              resourceName: 'plt-conf',
              configurationKeys: ['segment.bytes', 'cleanup.policy'],
            },
          ],
          includeSynonyms: true,
        });
        assert.deepEqual(
          described.configs.map((c) => [c.name, c.value, c.configSource, c.configType]),
          [
            ['segment.bytes', '1048576', SOURCE.TOPIC_CONFIG, TYPE.INT],
            ['cleanup.policy', 'compact,delete', SOURCE.TOPIC_CONFIG, TYPE.LIST],
          ],
        );
        await admin.alterConfigs({
          validateOnly: false,
          resources: [
            {
              resourceType: TOPIC,
              resourceName: 'plt-conf',
              configs: [{ name: 'retention.ms', value: '1000000' }],
            },
          ],
        });
        assert.deepEqual(overrides('plt-conf'), { 'retention.ms': '1000000' });
        await admin.incrementalAlterConfigs({
          resources: [
            {
              resourceType: TOPIC,
              resourceName: 'plt-conf',
              configs: [{ name: 'retention.ms', configOperation: DELETE }],
            },
          ],
        });
        assert.deepEqual(overrides('plt-conf'), {});
      } finally {
        await admin.close();
      }
    });
  });

  describe("Apache Kafka's kafka-configs.sh", () => {
    it('adds, describes and deletes topic configs; shows broker configs; refuses broker changes', async (t) => {
      if (await peerMissing('kafka-tools')) {
        t.skip('Apache Kafka tools not installed: run scripts/peers/install-kafka.sh');
        return;
      }
      await broker.core.logs.createTopic('java-conf', 1, {});
      const configs = async (args: string[]) =>
        (await kafkaTool('configs', ['--bootstrap-server', broker.bootstrap, ...args])).stdout.toString();
      const topic = ['--entity-type', 'topics', '--entity-name', 'java-conf'];
      await configs([
        ...topic,
        '--alter',
        '--add-config',
        'retention.ms=5000,cleanup.policy=[compact,delete]',
      ]);
      assert.deepEqual(overrides('java-conf'), {
        'retention.ms': '5000',
        'cleanup.policy': 'compact,delete',
      });
      const described = await configs([...topic, '--describe']);
      assert.match(
        described,
        /retention\.ms=5000 sensitive=false synonyms=\{DYNAMIC_TOPIC_CONFIG:retention\.ms=5000/,
      );
      await configs([...topic, '--alter', '--delete-config', 'retention.ms']);
      assert.deepEqual(overrides('java-conf'), { 'cleanup.policy': 'compact,delete' });

      const brokerArgs = ['--entity-type', 'brokers', '--entity-name', String(broker.core.nodeId)];
      const brokerConfigs = await configs([...brokerArgs, '--describe', '--all']);
      assert.match(
        brokerConfigs,
        /num\.partitions=1 sensitive=false synonyms=\{STATIC_BROKER_CONFIG:num\.partitions=1\}/,
      );
      await assert.rejects(configs([...brokerArgs, '--alter', '--add-config', 'log.retention.ms=1']));
    });
  });

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
      assert.ok(own.configs.every((c) => c.readOnly && c.configSource === SOURCE.STATIC_BROKER_CONFIG));

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
        { resourceType: BROKER, resourceName: '1', configs: [{ name: 'log.retention.ms', value: '1' }] },
      ]);
      assert.equal(brokerRes.responses[0].errorCode, ErrorCode.INVALID_REQUEST);
      assert.equal(brokerRes.responses[0].errorMessage, 'broker configs are static; set them at start-up');
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

    it('answers each resource on its own and refuses broker ones', async () => {
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
          configs: [{ name: 'log.retention.ms', configOperation: SET, value: '1' }],
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
