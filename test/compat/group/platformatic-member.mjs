// A long-running @platformatic/kafka 1.35.0 group member. Same contract as kafkajs-member.mjs:
// JSON config argument, JSON lines out (assigned, msg, closed), commit after each message,
// LeaveGroup on SIGTERM.
import { Consumer, stringDeserializers } from '@platformatic/kafka';

const cfg = JSON.parse(process.argv[2]);
const out = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
const err = (s) => process.stderr.write(`${s}\n`);

const consumer = new Consumer({
  groupId: cfg.group,
  clientId: cfg.clientId,
  bootstrapBrokers: [cfg.bootstrap],
  deserializers: stringDeserializers,
  sessionTimeout: cfg.sessionTimeoutMs,
  heartbeatInterval: cfg.heartbeatIntervalMs,
  rebalanceTimeout: cfg.rebalanceTimeoutMs,
});
consumer.on('consumer:group:join', (p) => {
  const mine = (p.assignments ?? []).find((a) => a.topic === cfg.topic);
  const partitions = [...(mine?.partitions ?? [])].sort((a, b) => a - b);
  out({ ev: 'assigned', partitions, memberId: p.memberId, generation: p.generationId, leader: p.isLeader });
});
if (cfg.debug) {
  for (const ev of [
    'consumer:group:leave',
    'consumer:group:rejoin',
    'consumer:group:rebalance',
    'consumer:heartbeat:error',
  ])
    consumer.on(ev, (p) =>
      err(
        `[platformatic] ${ev} ${JSON.stringify(p ?? {}, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`,
      ),
    );
}

const stream = await consumer.consume({
  topics: [cfg.topic],
  mode: 'committed',
  fallbackMode: 'earliest',
  autocommit: false,
  maxWaitTime: 200,
  sessionTimeout: cfg.sessionTimeoutMs,
  heartbeatInterval: cfg.heartbeatIntervalMs,
  rebalanceTimeout: cfg.rebalanceTimeoutMs,
});
stream.on('error', (e) => err(`[platformatic stream error] ${e?.stack ?? e}`));

let closing = false;
process.on('SIGTERM', async () => {
  if (closing) return;
  closing = true;
  try {
    await stream.close();
    await consumer.close(true); // LeaveGroup
    out({ ev: 'closed' });
    process.exit(0);
  } catch (e) {
    err(`[platformatic close] ${e?.stack ?? e}`);
    process.exit(1);
  }
});

out({ ev: 'started' });
for await (const m of stream) {
  out({ ev: 'msg', p: m.partition, o: Number(m.offset), k: m.key, v: m.value });
  try {
    await m.commit();
  } catch (e) {
    err(`[platformatic commit] ${e?.message ?? e}`);
  }
}
