// Config administration (DescribeConfigs, AlterConfigs, IncrementalAlterConfigs) judged by real
// clients — KafkaJS, @platformatic/kafka, Apache Kafka's kafka-configs.sh. Changes must reach the
// logs: produce limits, retention.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Admin } from '@platformatic/kafka';
import kafkajsModule from 'kafkajs';
import { kafkaTool, peerMissing } from '../compat/peers.js';
import type { TestBroker } from '../helpers/broker-fixture.js';
import type { WireClient } from '../helpers/wire-client.js';
import {
  APPEND,
  BROKER_RETENTION_BYTES,
  DELETE,
  SET,
  SOURCE,
  startConfigsBroker,
  TOPIC,
  TYPE,
} from './admin-configs-fixture.js';

// KafkaJS is CommonJS: its ConfigResourceTypes is reachable only through the default export.
const { ConfigResourceTypes: ConfigResourceType, Kafka, logLevel } = kafkajsModule;

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
  const kafkajs = () =>
    new Kafka({ clientId: 'admin-configs-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });

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
                configEntries: [{ name: 'log.dirs', value: '/elsewhere' }],
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
    it('adds, describes and deletes topic configs; shows broker configs; refuses static broker keys', async (t) => {
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
      await assert.rejects(
        configs([...brokerArgs, '--alter', '--add-config', 'log.dirs=/elsewhere']),
        /Cannot update these configs dynamically: Set\(log\.dirs\)/,
      );
    });
  });
});
