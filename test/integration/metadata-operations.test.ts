// Metadata's authorized-operations bitfields: with no ACLs, what Apache Kafka 4.3.1 returns (read
// off it with kafka-python's admin client, which asks for both in v8 and rejects bit 31, the
// "not asked" value, as an unknown operation).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateTopics, DescribeCluster, Metadata } from '../../src/protocol/index.js';
import { startTestBroker, type TestBroker } from '../helpers/broker-fixture.js';
import { WireClient } from '../helpers/wire-client.js';

const NOT_ASKED = -2147483648;

/** The AclOperation codes whose bits are set. */
function bits(field: number): number[] {
  return [...Array(32).keys()].filter((b) => (field >>> b) & 1);
}

describe('Metadata authorized operations', () => {
  let broker: TestBroker;
  let client: WireClient;

  before(async () => {
    broker = await startTestBroker({ autoCreateTopics: false });
    client = await WireClient.connect(broker.port);
    await client.request(CreateTopics, 7, {
      topics: [{ name: 'ops', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 5000,
      validateOnly: false,
    });
  });
  after(async () => {
    client.close();
    await broker.dispose();
  });

  it('v8 with both asked for: the topic and cluster operations Kafka grants without ACLs', async () => {
    const res = await client.request(Metadata, 8, {
      topics: null,
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: true,
      includeTopicAuthorizedOperations: true,
    });
    const topic = res.topics.find((t) => t.name === 'ops');
    assert.deepEqual(bits(topic?.topicAuthorizedOperations ?? 0), [3, 4, 5, 6, 7, 8, 10, 11]);
    assert.deepEqual(bits(res.clusterAuthorizedOperations ?? 0), [5, 7, 8, 9, 10, 11, 12]);
  });

  it('v8 with neither asked for: the "not asked" default in both', async () => {
    const res = await client.request(Metadata, 8, {
      topics: [{ name: 'ops', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }],
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
    assert.equal(res.topics[0].topicAuthorizedOperations, NOT_ASKED);
    assert.equal(res.clusterAuthorizedOperations, NOT_ASKED);
  });

  it('DescribeCluster answers the same cluster operations when asked, and "not asked" otherwise', async () => {
    const asked = await client.request(DescribeCluster, 1, {
      includeClusterAuthorizedOperations: true,
      endpointType: 1,
    });
    assert.deepEqual(bits(asked.clusterAuthorizedOperations), [5, 7, 8, 9, 10, 11, 12]);
    const notAsked = await client.request(DescribeCluster, 1, {
      includeClusterAuthorizedOperations: false,
      endpointType: 1,
    });
    assert.equal(notAsked.clusterAuthorizedOperations, NOT_ASKED);
  });
});
