import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { crc32c } from '@node-rs/crc32';
import {
  BATCH,
  decodeResponse,
  encodeRequest,
  Fetch,
  Produce,
  readBatchHeader,
} from '../../src/protocol/index.js';
import { startTestBroker, type TestBroker } from '../helpers/broker-fixture.js';
import { buildBatch, decodeBatches } from '../helpers/records.js';
import { eventually } from '../helpers/waiting.js';
import { WireClient } from '../helpers/wire-client.js';

const TOPIC = 'reuse';
const PARTITIONS = 4;
const RECORDS_PER_BATCH = 64;
const VALUE_BYTES = 4096;
/** ~10 MiB per partition: one 8 MiB fetch is far more than loopback socket buffers take. */
const BATCHES = 40;
const FETCH_BYTES = 8 * 1024 * 1024;

/** Every value says which partition and offset it belongs to, in every byte. */
function valueFor(partition: number, offset: number): Buffer {
  const value = Buffer.alloc(VALUE_BYTES, (partition * 31 + offset) & 0xff);
  value.write(`p${partition}o${offset};`);
  return value;
}

function fetchBody(partition: number, fetchOffset: number) {
  return {
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: FETCH_BYTES,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic: TOPIC, partitions: [{ partition, fetchOffset, partitionMaxBytes: FETCH_BYTES }] }],
  };
}

/** Checks each batch's CRC, that offsets run on from `from`, and every value byte. Returns the count. */
function checkRecords(partition: number, from: number, records: Buffer | null | undefined): number {
  assert.ok(records && records.length > 0, `partition ${partition}: no records`);
  for (let at = 0; at + BATCH.headerSize <= records.length; ) {
    const header = readBatchHeader(records, at);
    if (at + header.size > records.length) break;
    const crc: number = crc32c(records.subarray(at + BATCH.attributes, at + header.size)) >>> 0;
    assert.equal(
      crc,
      header.crc >>> 0,
      `partition ${partition}: bad CRC in the batch at ${header.baseOffset}`,
    );
    at += header.size;
  }
  const decoded = decodeBatches(records);
  decoded.forEach((r, i) => {
    assert.equal(r.offset, from + i, `partition ${partition}: offset`);
    assert.ok(r.value?.equals(valueFor(partition, r.offset)), `partition ${partition}: value at ${r.offset}`);
  });
  return decoded.length;
}

/** A client that sends one Fetch and then does not read until told to. */
async function slowFetch(port: number, partition: number, fetchOffset: number) {
  const socket: Socket = await new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  // No 'data' listener: the socket stays paused, so the kernel's buffers fill and stay full.
  socket.write(
    Buffer.concat(
      encodeRequest(Fetch, 12, { correlationId: 7, clientId: 'slow' }, fetchBody(partition, fetchOffset)),
    ),
  );
  const readAll = () =>
    new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = -1;
      let got = 0;
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        got += chunk.length;
        if (size < 0 && got >= 4) size = Buffer.concat(chunks).readInt32BE(0);
        if (size >= 0 && got >= 4 + size) resolve(Buffer.concat(chunks).subarray(4, 4 + size));
      });
      socket.once('close', () => reject(new Error('slow client: connection closed')));
    });
  return { socket, readAll };
}

describe('fetch read buffers', () => {
  let broker: TestBroker;

  before(async () => {
    broker = await startTestBroker();
    await broker.core.logs.createTopic(TOPIC, PARTITIONS, {});
    const producer = await WireClient.connect(broker.port);
    for (let partition = 0; partition < PARTITIONS; partition++) {
      for (let b = 0; b < BATCHES; b++) {
        const base = b * RECORDS_PER_BATCH;
        const records = Array.from({ length: RECORDS_PER_BATCH }, (_, i) => ({
          value: valueFor(partition, base + i),
        }));
        await producer.request(Produce, 9, {
          transactionalId: null,
          acks: 1,
          timeoutMs: 5000,
          topicData: [{ name: TOPIC, partitionData: [{ index: partition, records: buildBatch(records) }] }],
        });
      }
    }
    producer.close();
  });
  after(async () => {
    await broker.dispose();
  });

  it('a read buffer is reused only after its response reached the kernel: slow readers get their own bytes', async () => {
    // Two clients leave large responses unread while others fetch the same sizes over and over,
    // which would reuse any slab given back too early and overwrite what the slow ones receive.
    const slow = [await slowFetch(broker.port, 0, 0), await slowFetch(broker.port, 1, 64)];
    await eventually('the slow responses to be held by the broker', 10_000, async () =>
      slow.every((s) => s.socket.readableLength > 0) && broker.core.responses.unsent > 0 ? true : undefined,
    );
    const fast = await Promise.all(Array.from({ length: 3 }, () => WireClient.connect(broker.port)));
    await Promise.all(
      fast.map(async (client, c) => {
        for (let round = 0; round < 6; round++) {
          const partition = (c + round) % PARTITIONS;
          const from = ((c * 7 + round * 3) % 8) * RECORDS_PER_BATCH;
          const res = await client.request(Fetch, 12, fetchBody(partition, from), 30_000);
          const answer = res.responses[0].partitions[0];
          assert.ok(checkRecords(partition, from, answer.records) > 0);
        }
      }),
    );
    assert.ok(broker.core.responses.unsent > 0, 'the slow responses are still unsent');
    const frames = await Promise.all(slow.map((s) => s.readAll()));
    frames.forEach((frame, i) => {
      const { body } = decodeResponse(Fetch, 12, frame);
      const count = checkRecords(i, i * 64, body.responses[0].partitions[0].records);
      assert.ok(count * VALUE_BYTES > FETCH_BYTES / 2, `slow client ${i}: only ${count} records`);
    });
    for (const s of slow) s.socket.destroy();
    for (const c of fast) c.close();
    assert.ok(broker.core.readBuffers.reused > 0, 'fetches reused pooled buffers');
    const slabs = await broker.metrics?.getSingleMetric('sluice_fetch_buffer_slabs_total')?.get();
    const reused = slabs?.values.find((v) => v.labels.outcome === 'reused')?.value;
    assert.equal(reused, broker.core.readBuffers.reused, 'the metric counts reused slabs');
  });
});
