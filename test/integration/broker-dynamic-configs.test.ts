// Dynamic broker configs (kafka-configs.sh --entity-type brokers --entity-default / --entity-name):
// changed at run time, applied to topics without their own value, described with Kafka's
// sources, and kept across a restart.
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
import { kafkaTool, peerMissing } from '../compat/peers.js';
import { startTestBroker, type TestBroker } from '../helpers/broker-fixture.js';
import { WireClient } from '../helpers/wire-client.js';

const BROKER = 4;
const [SET, DELETE, APPEND] = [0, 1, 2];
const DYNAMIC_BROKER_CONFIG = 2;
const DYNAMIC_DEFAULT_BROKER_CONFIG = 3;
const STATIC_BROKER_CONFIG = 4;
const WEEK_MS = 7 * 24 * 3600 * 1000;

type Change = { name: string; configOperation: number; value: string | null };

describe('dynamic broker configs', { concurrency: 1 }, () => {
  let dataDir: string;
  let broker: TestBroker;
  let client: WireClient;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sluice-dynamic-'));
    broker = await startTestBroker({ dataDir, autoCreateTopics: false });
    await broker.core.logs.createTopic('follows', 1, {});
    await broker.core.logs.createTopic('overrides', 1, { 'retention.ms': '5000' });
    client = await WireClient.connect(broker.port);
  });
  after(async () => {
    client.close();
    await broker.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const node = () => String(broker.core.nodeId);
  const incremental = async (name: string, configs: Change[], validateOnly = false) =>
    (
      await client.request(IncrementalAlterConfigs, 1, {
        resources: [{ resourceType: BROKER, resourceName: name, configs }],
        validateOnly,
      })
    ).responses[0];
  const describeBroker = async (name: string) =>
    (
      await client.request(DescribeConfigs, 4, {
        resources: [{ resourceType: BROKER, resourceName: name, configurationKeys: null }],
        includeSynonyms: true,
        includeDocumentation: false,
      })
    ).results[0];
  const retention = (topic: string) => broker.core.partition(topic, 0)?.config.retentionMs;

  it('the cluster default changes every topic without its own value, at once', async () => {
    const res = await incremental('', [{ name: 'log.retention.ms', configOperation: SET, value: '3600000' }]);
    assert.deepEqual([res.errorCode, res.errorMessage], [ErrorCode.NONE, null]);
    assert.equal(retention('follows'), 3_600_000);
    assert.equal(retention('overrides'), 5000, 'a topic override still wins');
    const described = await describeBroker('');
    assert.deepEqual(
      described.configs.map((c) => [c.name, c.value, c.configSource, c.readOnly]),
      [['log.retention.ms', '3600000', DYNAMIC_DEFAULT_BROKER_CONFIG, false]],
    );
  });

  it("this node's value wins over the cluster default and shows both as synonyms", async () => {
    const res = await incremental(node(), [
      { name: 'log.retention.hours', configOperation: SET, value: '2' },
      { name: 'message.max.bytes', configOperation: SET, value: '500000' },
    ]);
    assert.equal(res.errorCode, ErrorCode.NONE);
    // log.retention.ms (default level) outranks log.retention.hours (node level), as in Kafka.
    assert.equal(retention('follows'), 3_600_000);
    assert.equal(broker.core.logs.topic('follows')?.maxMessageBytes, 500_000);
    const own = Object.fromEntries((await describeBroker(node())).configs.map((c) => [c.name, c]));
    assert.equal(own['message.max.bytes'].value, '500000');
    assert.equal(own['message.max.bytes'].configSource, DYNAMIC_BROKER_CONFIG);
    assert.deepEqual(
      own['message.max.bytes'].synonyms.map((s) => s.source),
      [DYNAMIC_BROKER_CONFIG, STATIC_BROKER_CONFIG],
    );
    assert.equal(own['log.retention.ms'].configSource, DYNAMIC_DEFAULT_BROKER_CONFIG);
    assert.equal(own['log.retention.hours'].value, '2');
    const topic = (
      await client.request(DescribeConfigs, 4, {
        resources: [{ resourceType: 2, resourceName: 'follows', configurationKeys: ['max.message.bytes'] }],
        includeSynonyms: true,
        includeDocumentation: false,
      })
    ).results[0].configs[0];
    assert.deepEqual(
      [topic.value, topic.configSource, topic.synonyms[0].name],
      ['500000', DYNAMIC_BROKER_CONFIG, 'message.max.bytes'],
    );
    await incremental(node(), [{ name: 'log.retention.hours', configOperation: DELETE, value: null }]);
  });

  it('refuses static keys and bad values as Kafka does, changing nothing', async () => {
    const fixed = await incremental('', [
      { name: 'log.retention.ms', configOperation: SET, value: '1' },
      { name: 'log.dirs', configOperation: SET, value: '/elsewhere' },
    ]);
    assert.equal(fixed.errorCode, ErrorCode.INVALID_REQUEST);
    assert.equal(fixed.errorMessage, 'Cannot update these configs dynamically: Set(log.dirs)');
    const bad = await incremental(node(), [{ name: 'log.segment.bytes', configOperation: SET, value: '10' }]);
    assert.equal(bad.errorCode, ErrorCode.INVALID_REQUEST);
    assert.match(bad.errorMessage ?? '', /log\.segment\.bytes/);
    const notList = await incremental('', [
      { name: 'log.retention.ms', configOperation: APPEND, value: '1' },
    ]);
    assert.equal(notList.errorCode, ErrorCode.INVALID_CONFIG);
    const otherNode = await incremental('7', [
      { name: 'log.retention.ms', configOperation: SET, value: '1' },
    ]);
    assert.equal(otherNode.errorCode, ErrorCode.INVALID_REQUEST);
    const dryRun = await incremental(
      '',
      [{ name: 'log.retention.ms', configOperation: SET, value: '1' }],
      true,
    );
    assert.equal(dryRun.errorCode, ErrorCode.NONE);
    assert.equal(retention('follows'), 3_600_000, 'nothing above changed the default');
  });

  it('legacy AlterConfigs replaces a level whole; the values survive a restart', async () => {
    const res = await client.request(AlterConfigs, 1, {
      resources: [
        {
          resourceType: BROKER,
          resourceName: '',
          configs: [{ name: 'log.retention.bytes', value: '123456' }],
        },
      ],
      validateOnly: false,
    });
    assert.equal(res.responses[0].errorCode, ErrorCode.NONE);
    assert.equal(retention('follows'), WEEK_MS, 'log.retention.ms was dropped from the default level');
    assert.equal(broker.core.partition('follows', 0)?.config.retentionBytes, 123_456);

    client.close();
    await broker.close();
    broker = await startTestBroker({ dataDir, autoCreateTopics: false });
    client = await WireClient.connect(broker.port);
    assert.equal(broker.core.partition('follows', 0)?.config.retentionBytes, 123_456);
    assert.equal(broker.core.logs.topic('follows')?.maxMessageBytes, 500_000);
    assert.equal(broker.core.partition('overrides', 0)?.config.retentionBytes, 123_456);
    const own = Object.fromEntries((await describeBroker(node())).configs.map((c) => [c.name, c]));
    assert.equal(own['message.max.bytes'].configSource, DYNAMIC_BROKER_CONFIG);
  });

  it("Apache Kafka's kafka-configs.sh alters, describes and deletes broker configs", async (t) => {
    const missing = await peerMissing('kafka-tools');
    if (missing) return t.skip(missing);
    const configs = async (args: string[]) =>
      (await kafkaTool('configs', ['--bootstrap-server', broker.bootstrap, ...args])).stdout.toString();
    const byDefault = ['--entity-type', 'brokers', '--entity-default'];
    const byNode = ['--entity-type', 'brokers', '--entity-name', node()];
    assert.match(
      await configs([...byDefault, '--alter', '--add-config', 'log.retention.ms=7200000']),
      /Completed updating default config for brokers in the cluster/,
    );
    assert.equal(retention('follows'), 7_200_000);
    assert.match(
      await configs([...byDefault, '--describe']),
      /log\.retention\.ms=7200000 sensitive=false synonyms=\{DYNAMIC_DEFAULT_BROKER_CONFIG:log\.retention\.ms=7200000\}/,
    );
    await configs([...byNode, '--alter', '--add-config', 'log.roll.ms=60000']);
    assert.equal(broker.core.partition('follows', 0)?.config.segmentMs, 60_000);
    assert.match(
      await configs([...byNode, '--describe']),
      /log\.roll\.ms=60000 sensitive=false synonyms=\{DYNAMIC_BROKER_CONFIG:log\.roll\.ms=60000/,
    );
    await configs([...byNode, '--alter', '--delete-config', 'log.roll.ms']);
    assert.equal(broker.core.partition('follows', 0)?.config.segmentMs, WEEK_MS);
    await assert.rejects(
      configs([...byNode, '--alter', '--add-config', 'num.partitions=3']),
      /Cannot update these configs dynamically: Set\(num\.partitions\)/,
    );
  });
});
