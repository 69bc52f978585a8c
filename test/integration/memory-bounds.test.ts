import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CreateTopics, encodeRequest, Fetch, Produce } from '../../src/protocol/index.js';
import { startTestBroker } from '../helpers/broker-fixture.js';
import { spawnBroker } from '../helpers/broker-process.js';
import { buildBatch, decodeBatches } from '../helpers/records.js';
import { eventually } from '../helpers/waiting.js';
import { WireClient } from '../helpers/wire-client.js';

const PARTITIONS = 4;
const BATCHES_PER_PARTITION = 16;
const BATCH_BYTES = 256 * 1024; // 16 MiB in all
/** Growth of the broker's peak RSS we accept; without bounds it is ~1 GiB here. */
const GROWTH_LIMIT = 160 * 1024 * 1024;

/** 200 pipelined fetches of everything in `topic` from offset 0, as a hostile client sends them. */
function hostileFetches(topic: string, partitions: number): Buffer {
  const frames: Buffer[] = [];
  for (let i = 0; i < 200; i++) {
    frames.push(
      ...encodeRequest(
        Fetch,
        4,
        { correlationId: i + 1, clientId: 'hostile' },
        {
          replicaId: -1,
          maxWaitMs: 500,
          minBytes: 1,
          maxBytes: 0x7fffffff,
          isolationLevel: 0,
          topics: [
            {
              topic,
              partitions: Array.from({ length: partitions }, (_, p) => ({
                partition: p,
                fetchOffset: 0,
                partitionMaxBytes: 64 * 1024 * 1024,
              })),
            },
          ],
        },
      ),
    );
  }
  return Buffer.concat(frames);
}

/** One Fetch (v12, no wait) of `partitions` of `topic` from offset 0, as a reading consumer sends it. */
function fetchFromStart(client: WireClient, topic: string, partitions: number[], partitionMaxBytes: number) {
  return client.request(Fetch, 12, {
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 0x7fffffff,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic,
        partitions: partitions.map((partition) => ({ partition, fetchOffset: 0, partitionMaxBytes })),
      },
    ],
  });
}

/** A connection that sends `bytes` and never reads. */
async function nonReader(port: number, bytes: Buffer): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.pause();
  socket.on('error', () => {});
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(bytes);
  return socket;
}

/** Peak resident set of a process (VmHWM), in bytes. */
function peakRss(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

async function scrape(url: string): Promise<(name: string, labels?: string) => number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return (name, labels = '') => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
    return line === undefined ? undefined : Number(line.split(' ')[1]);
  };
}

test('a client that never reads its fetch responses does not grow the broker without limit', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-memory-'));
  const broker = await spawnBroker(dataDir, 0, ['--http-port', '0']);
  t.after(async () => {
    await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const httpUrl = broker.httpUrl as string;
  const pid = broker.child.pid as number;
  const client = await WireClient.connect(broker.port);
  t.after(() => client.close());

  await client.request(CreateTopics, 4, {
    topics: [{ name: 'big', numPartitions: PARTITIONS, replicationFactor: 1, assignments: [], configs: [] }],
    timeoutMs: 10_000,
  });
  const value = Buffer.alloc(BATCH_BYTES - 100, 'x');
  for (let i = 0; i < BATCHES_PER_PARTITION; i++) {
    for (let p = 0; p < PARTITIONS; p++) {
      const res = await client.request(Produce, 9, {
        transactionalId: null,
        acks: 1,
        timeoutMs: 10_000,
        topicData: [{ name: 'big', partitionData: [{ index: p, records: buildBatch([{ value }]) }] }],
      });
      assert.equal(res.responses[0].partitionResponses[0].errorCode, 0);
    }
  }
  const baseline = peakRss(pid);

  // The hostile client: 200 pipelined fetches of everything, and it never reads.
  const hostile = await nonReader(broker.port, hostileFetches('big', PARTITIONS));

  // Wait until the broker has stopped reading the hostile connection (or memory ran away).
  const outcome = await eventually('the hostile connection to be held back', 60_000, async () => {
    if (peakRss(pid) - baseline > GROWTH_LIMIT) return 'grew';
    const metric = await scrape(httpUrl);
    return (metric('sluice_connections_blocked', '{reason="unsent_responses"}') ?? 0) >= 1
      ? 'blocked'
      : undefined;
  });
  const growth = peakRss(pid) - baseline;
  t.diagnostic(`peak RSS growth ${(growth / 1048576).toFixed(1)} MiB`);
  assert.equal(outcome, 'blocked', `peak RSS grew by ${growth} bytes`);
  assert.ok(growth < GROWTH_LIMIT, `peak RSS grew by ${growth} bytes`);

  // A well-behaved client is served meanwhile.
  const other = await WireClient.connect(broker.port);
  t.after(() => other.close());
  const { values } = await other.fetchValues('big', 0);
  assert.equal(values.length > 0, true);

  // Closing the hostile client releases what was held for it: ~16 MiB of responses and the
  // ~20 KiB of requests it queued.
  hostile.destroy();
  await eventually('unsent responses released', 30_000, async () => {
    const metric = await scrape(httpUrl);
    // The platform's own clients may have a small request in progress (a long-poll fetch).
    const buffered = metric('sluice_request_buffered_bytes') ?? Number.POSITIVE_INFINITY;
    return metric('sluice_response_unsent_bytes') === 0 && buffered < 4096 ? true : undefined;
  });
});

test('many clients that never read are held to the broker-wide unsent response budget', async (t) => {
  const MiB = 1024 * 1024;
  const budget = 4 * MiB;
  const batch = 256 * 1024;
  const broker = await startTestBroker({
    fetchMaxBytes: 4 * MiB,
    unsentResponseBudgetBytes: budget,
    maxUnsentResponseBytes: 64 * 1024,
  });
  t.after(() => broker.dispose());
  await broker.core.logs.createTopic('wide', 1, {});
  const client = await WireClient.connect(broker.port);
  t.after(() => client.close());
  const value = Buffer.alloc(batch - 100, 'y');
  for (let i = 0; i < 32; i++) {
    await client.request(Produce, 9, {
      transactionalId: null,
      acks: 1,
      timeoutMs: 10_000,
      topicData: [{ name: 'wide', partitionData: [{ index: 0, records: buildBatch([{ value }]) }] }],
    });
  }

  const sockets: Socket[] = [];
  t.after(() => {
    for (const s of sockets) s.destroy();
  });
  for (let i = 0; i < 8; i++) sockets.push(await nonReader(broker.port, hostileFetches('wide', 1)));
  await eventually('all eight non-readers held back', 30_000, async () =>
    broker.network.blockedConnections().unsent_responses === 8 ? true : undefined,
  );
  // Past the budget each fetch answers one batch; eight fetches may each add one.
  const unsent = broker.network.unsentResponseBytes();
  assert.ok(unsent <= budget + 8 * batch, `${unsent} bytes unsent`);

  // A consumer that reads still gets data, a batch at a time.
  const res = await fetchFromStart(client, 'wide', [0], 64 * MiB);
  assert.ok(decodeBatches(res.responses[0].partitions[0].records ?? Buffer.alloc(0)).length >= 1);

  for (const s of sockets) s.destroy();
  await eventually('unsent responses released', 10_000, async () =>
    broker.network.unsentResponseBytes() === 0 ? true : undefined,
  );
});

test('a fetch answers at most fetch.max.bytes whatever max_bytes the client asks', async (t) => {
  const MiB = 1024 * 1024;
  const broker = await startTestBroker({ fetchMaxBytes: MiB });
  t.after(() => broker.dispose());
  await broker.core.logs.createTopic('capped', 2, {});
  const client = await WireClient.connect(broker.port);
  t.after(() => client.close());
  const value = Buffer.alloc(200 * 1024, 'z');
  for (let i = 0; i < 8; i++) {
    await client.request(Produce, 9, {
      transactionalId: null,
      acks: 1,
      timeoutMs: 10_000,
      topicData: [{ name: 'capped', partitionData: [{ index: i % 2, records: buildBatch([{ value }]) }] }],
    });
  }
  const res = await fetchFromStart(client, 'capped', [0, 1], 64 * MiB);
  const sizes = res.responses[0].partitions.map((p) => p.records?.length ?? 0);
  const total = sizes[0] + sizes[1];
  assert.ok(total > 0 && total <= MiB, `${total} bytes returned`);
  // Both partitions answered with their offsets, the second with what still fitted.
  assert.deepEqual(
    res.responses[0].partitions.map((p) => p.highWatermark),
    [4, 4],
  );
});

test('bug: clients that used up the unsent budget left every reader one batch of one partition per fetch', async (t) => {
  const MiB = 1024 * 1024;
  const broker = await startTestBroker({ fetchMaxBytes: 4 * MiB, unsentResponseBudgetBytes: 4 * MiB });
  t.after(() => broker.dispose());
  await broker.core.logs.createTopic('wide', 1, {});
  await broker.core.logs.createTopic('orders', 3, {});
  const client = await WireClient.connect(broker.port);
  t.after(() => client.close());
  const produce = (topic: string, index: number, value: Buffer) =>
    client.request(Produce, 9, {
      transactionalId: null,
      acks: 1,
      timeoutMs: 10_000,
      topicData: [{ name: topic, partitionData: [{ index, records: buildBatch([{ value }]) }] }],
    });
  for (let i = 0; i < 32; i++) await produce('wide', 0, Buffer.alloc(256 * 1024 - 100, 'y'));
  for (let i = 0; i < 5; i++)
    for (let p = 0; p < 3; p++) await produce('orders', p, Buffer.from(`order ${i}`));

  const sockets: Socket[] = [];
  t.after(() => {
    for (const s of sockets) s.destroy();
  });
  for (let i = 0; i < 4; i++) sockets.push(await nonReader(broker.port, hostileFetches('wide', 1)));
  await eventually('the unsent budget used up by the non-readers', 30_000, async () =>
    broker.network.unsentResponseBytes() >= 4 * MiB ? true : undefined,
  );

  // A consumer that reads gets every partition it asks for, several batches each.
  const res = await fetchFromStart(client, 'orders', [0, 1, 2], MiB);
  const batches = res.responses[0].partitions.map((p) => decodeBatches(p.records ?? Buffer.alloc(0)).length);
  assert.deepEqual(batches, [5, 5, 5]);
});
