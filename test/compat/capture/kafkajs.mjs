// Capture driver: KafkaJS 2.2.4 against BOOTSTRAP (the recording proxy).
// Admin (create/describe/alter partitions/delete topics, configs, groups), an idempotent gzip
// producer with keys and headers, and a group consumer that commits.
//   node test/compat/capture/kafkajs.mjs 127.0.0.1:PORT [topic]

import kafkajs from 'kafkajs';

const { CompressionTypes, ConfigResourceTypes, Kafka, logLevel } = kafkajs;

const bootstrap = process.argv[2];
const topic = process.argv[3] ?? 'capture-kafkajs';
const group = `${topic}-group`;
if (!bootstrap) throw new Error('usage: kafkajs.mjs BOOTSTRAP [topic]');
setTimeout(() => {
  console.error('kafkajs capture: timed out');
  process.exit(1);
}, 60_000).unref();

const kafka = new Kafka({
  clientId: 'sluice-capture-kafkajs',
  brokers: [bootstrap],
  logLevel: logLevel.ERROR,
});
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
await admin.fetchTopicMetadata({ topics: [topic] });
await admin.describeConfigs({
  resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
  includeSynonyms: false,
});
await admin.createPartitions({ topicPartitions: [{ topic, count: 2 }] });

const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
await producer.connect();
await producer.send({
  topic,
  compression: CompressionTypes.GZIP,
  acks: -1,
  messages: [
    { key: 'k1', value: 'hello from kafkajs', headers: { h1: 'v1' }, partition: 0 },
    { key: null, value: 'no key', partition: 0 },
    { key: 'k3', value: null, partition: 0 },
  ],
});
await producer.disconnect();

const consumer = kafka.consumer({ groupId: group, heartbeatInterval: 500, sessionTimeout: 10_000 });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
let seen = 0;
await new Promise((resolve) => {
  consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message, heartbeat }) => {
      seen += 1;
      if (seen === 1) {
        await new Promise((r) => setTimeout(r, 600));
        await heartbeat();
      }
      await consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
      if (seen === 3) setTimeout(resolve, 1500); // let a heartbeat go by
    },
  });
});
await consumer.disconnect();

await admin.fetchTopicOffsets(topic);
await admin.fetchOffsets({ groupId: group, topics: [topic] });
await admin.listGroups();
await admin.describeGroups([group]);
await admin.deleteTopics({ topics: [topic] });
await admin.disconnect();
console.log(`kafkajs capture: consumed ${seen}`);
