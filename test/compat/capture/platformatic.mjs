// Capture driver: @platformatic/kafka 1.35.0 against BOOTSTRAP (the recording proxy).
// Admin (create/describe/alter partitions/delete topics, configs, offsets, groups), an idempotent
// lz4 producer with keys and headers, and a classic-protocol group consumer that commits.
//   node test/compat/capture/platformatic.mjs 127.0.0.1:PORT [topic]

import {
  Admin,
  ConfigResourceTypes,
  Consumer,
  Producer,
  stringDeserializers,
  stringSerializers,
} from '@platformatic/kafka';

const bootstrap = process.argv[2];
const topic = process.argv[3] ?? 'capture-platformatic';
const group = `${topic}-group`;
if (!bootstrap) throw new Error('usage: platformatic.mjs BOOTSTRAP [topic]');
setTimeout(() => {
  console.error('platformatic capture: timed out');
  process.exit(1);
}, 60_000).unref();

const base = { clientId: 'sluice-capture-platformatic', bootstrapBrokers: [bootstrap] };
const admin = new Admin(base);
await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
await admin.metadata({ topics: [topic] });
await admin.describeConfigs({
  resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic }],
});
await admin.createPartitions({ topics: [{ name: topic, count: 2 }] });

const producer = new Producer({
  ...base,
  serializers: stringSerializers,
  idempotent: true,
  compression: 'lz4',
});
await producer.send({
  messages: [
    { topic, partition: 0, key: 'k1', value: 'hello from platformatic', headers: { h1: 'v1' } },
    { topic, partition: 0, key: 'k2', value: 'second' },
    { topic, partition: 0, key: 'k3', value: 'third' },
  ],
});
await producer.close();

const consumer = new Consumer({
  ...base,
  groupId: group,
  deserializers: stringDeserializers,
  sessionTimeout: 10_000,
  heartbeatInterval: 500,
});
const stream = await consumer.consume({
  topics: [topic],
  mode: 'earliest',
  autocommit: false,
  maxWaitTime: 200,
});
let seen = 0;
for await (const message of stream) {
  seen += 1;
  await message.commit();
  if (seen === 3) break;
}
await new Promise((r) => setTimeout(r, 1200)); // let heartbeats go by
await stream.close();
await consumer.close();

await admin.listOffsets({ topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -1n }] }] });
await admin.listConsumerGroupOffsets({ groups: [group] });
await admin.listGroups();
await admin.describeGroups({ groups: [group] });
await admin.deleteTopics({ topics: [topic] });
await admin.close();
console.log(`platformatic capture: consumed ${seen}`);
