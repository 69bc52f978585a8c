// A long-running KafkaJS 2.2.4 group member. One JSON argument: {bootstrap, group, topic, clientId,
// sessionTimeoutMs, heartbeatIntervalMs, rebalanceTimeoutMs, debug}. Prints one JSON line per
// assignment ({"ev":"assigned","partitions":[...]}) and per message ({"ev":"msg","p","o","k","v"}),
// commits after each processed batch, and on SIGTERM stops, commits, leaves the group and prints
// {"ev":"closed"}. Logs go to stderr.
import { Kafka, logLevel } from 'kafkajs';

const cfg = JSON.parse(process.argv[2]);
const out = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
const logCreator =
  () =>
  ({ level, log }) => {
    const { message, timestamp: _t, logger: _l, ...rest } = log;
    process.stderr.write(`[kafkajs ${level}] ${message} ${JSON.stringify(rest)}\n`);
  };

const kafka = new Kafka({
  clientId: cfg.clientId,
  brokers: [cfg.bootstrap],
  logLevel: cfg.debug ? logLevel.DEBUG : logLevel.WARN,
  logCreator,
});
const consumer = kafka.consumer({
  groupId: cfg.group,
  sessionTimeout: cfg.sessionTimeoutMs,
  heartbeatInterval: cfg.heartbeatIntervalMs,
  rebalanceTimeout: cfg.rebalanceTimeoutMs,
  maxWaitTimeInMs: 200,
});
consumer.on(consumer.events.GROUP_JOIN, (e) => {
  const partitions = (e.payload.memberAssignment[cfg.topic] ?? []).slice().sort((a, b) => a - b);
  out({ ev: 'assigned', partitions, memberId: e.payload.memberId, leader: e.payload.isLeader });
});
consumer.on(consumer.events.CRASH, (e) =>
  process.stderr.write(`[kafkajs crash] ${e.payload.error?.stack}\n`),
);

let closing = false;
process.on('SIGTERM', async () => {
  if (closing) return;
  closing = true;
  await consumer.disconnect(); // waits for the batch in hand, commits it, sends LeaveGroup
  out({ ev: 'closed' });
  process.exit(0);
});

await consumer.connect();
await consumer.subscribe({ topic: cfg.topic, fromBeginning: true });
await consumer.run({
  autoCommit: true, // committed after each batch is processed (eachBatch)
  eachBatchAutoResolve: true,
  eachBatch: async ({ batch }) => {
    for (const m of batch.messages) {
      out({
        ev: 'msg',
        p: batch.partition,
        o: Number(m.offset),
        k: m.key?.toString(),
        v: m.value?.toString(),
      });
    }
  },
});
out({ ev: 'started' });
