import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ApiVersions,
  decodeRequest,
  ErrorCode,
  encodeRequest,
  Fetch,
  ListOffsets,
  MalformedFrameError,
  Metadata,
  Produce,
} from '../../src/protocol/index.js';
import { startTestBroker, type TestBroker } from '../helpers/broker-fixture.js';
import { buildBatch } from '../helpers/records.js';
import { WireClient } from '../helpers/wire-client.js';

/** An ApiVersions request with a correlation id no valid frame of this test uses. */
const PROBE = Buffer.concat(
  encodeRequest(
    ApiVersions,
    3,
    { correlationId: 0x7ffffff0, clientId: 'probe' },
    { clientSoftwareName: 'probe', clientSoftwareVersion: '1' },
  ),
);

/** A small deterministic PRNG (mulberry32), so a failing case can be replayed from its seed. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function validFrames(client: WireClient): Buffer[] {
  const batch = buildBatch([{ key: 'k', value: 'v', headers: { h: '1' } }]);
  const produce = (version: number) =>
    client.encode(Produce, version, {
      transactionalId: null,
      acks: 1,
      timeoutMs: 1000,
      topicData: [{ name: 'fuzz', partitionData: [{ index: 0, records: batch }] }],
    });
  return [
    client.encode(ApiVersions, 3, { clientSoftwareName: 'fuzz', clientSoftwareVersion: '1' }),
    client.encode(Metadata, 1, { topics: [{ name: 'fuzz' }] }),
    client.encode(Metadata, 12, { topics: [{ name: 'fuzz' }], allowAutoTopicCreation: false }),
    produce(3),
    produce(9),
    client.encode(Fetch, 4, {
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes: 1 << 20,
      topics: [{ topic: 'fuzz', partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }],
    }),
    client.encode(ListOffsets, 7, {
      replicaId: -1,
      topics: [{ name: 'fuzz', partitions: [{ partitionIndex: 0, timestamp: -1 }] }],
    }),
  ].map((chunks) => Buffer.concat(chunks));
}

function mutate(frame: Buffer, next: () => number): Buffer {
  const out = Buffer.from(frame);
  const kind = Math.floor(next() * 4);
  if (kind === 0) {
    // flip a few bytes after the size prefix and api key
    for (let i = 0; i < 1 + Math.floor(next() * 4); i++) {
      const at = 6 + Math.floor(next() * (out.length - 6));
      out[at] ^= 1 + Math.floor(next() * 255);
    }
    return out;
  }
  if (kind === 1) {
    // truncate, keeping the size prefix honest
    const cut = out.subarray(0, 8 + Math.floor(next() * (out.length - 8)));
    cut.writeInt32BE(cut.length - 4, 0);
    return cut;
  }
  if (kind === 2) {
    // overwrite an int32 somewhere with an extreme length
    const at = 12 + Math.floor(next() * Math.max(1, out.length - 16));
    if (at + 4 <= out.length) out.writeInt32BE([0x7fffffff, -2, -1, 0][Math.floor(next() * 4)], at);
    return out;
  }
  // random garbage body behind a real header prefix
  const garbage = Buffer.alloc(Math.floor(next() * 64));
  for (let i = 0; i < garbage.length; i++) garbage[i] = Math.floor(next() * 256);
  const mixed = Buffer.concat([out.subarray(0, 12), garbage]);
  mixed.writeInt32BE(mixed.length - 4, 0);
  return mixed;
}

describe('fuzzing the request decoder and the broker', () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startTestBroker({ autoCreateTopics: false });
    await broker.core.logs.createTopic('fuzz', 1, {});
  });
  after(() => broker.dispose());

  it('decodes mutated frames either correctly or with MalformedFrameError, never anything else', async () => {
    const client = await WireClient.connect(broker.port);
    const apis = [ApiVersions, Metadata, Metadata, Produce, Produce, Fetch, ListOffsets];
    const frames = validFrames(client);
    client.close();
    const next = rng(12345);
    for (let i = 0; i < 20_000; i++) {
      const which = Math.floor(next() * frames.length);
      const mutated = mutate(frames[which], next).subarray(4);
      const version = mutated.length >= 4 ? mutated.readInt16BE(2) : -1;
      const api = apis[which];
      if (version < api.versions.min || version > api.versions.max) continue;
      try {
        decodeRequest(api, mutated);
      } catch (err) {
        assert.ok(err instanceof MalformedFrameError, `case ${i}: ${(err as Error).stack}`);
      }
    }
  });

  it('survives random and mutated frames on the wire, and appends only valid batches', async () => {
    const next = rng(777);
    const setup = await WireClient.connect(broker.port);
    const frames = validFrames(setup);
    setup.close();
    const log = broker.core.partition('fuzz', 0);
    assert.ok(log);
    for (let round = 0; round < 300; round++) {
      const c = await WireClient.connect(broker.port);
      const before = log.logEndOffset;
      const which = Math.floor(next() * frames.length);
      c.sendBytes(mutate(frames[which], next));
      // Mutations keep the api key, so only a Produce can append. The broker answers in request
      // order (an acks=0 produce included): once the probe behind it is answered, or the
      // connection is closed over it, the broker is done with the frame. Other frames (a Fetch
      // may now wait for minutes) are left to the broker; the probe after the loop checks it lives.
      if (frames[which].readInt16BE(4) === Produce.key) {
        await c.requestRaw(PROBE, 10_000).catch((err: Error) => {
          if (err.message !== 'connection closed') throw err;
        });
      }
      c.close();
      const grown = log.logEndOffset - before;
      assert.ok(grown === 0 || grown === 1, `round ${round}: log grew by ${grown}`);
    }
    const probe = await WireClient.connect(broker.port);
    const res = await probe.request(ApiVersions, 3, { clientSoftwareName: 'p', clientSoftwareVersion: '1' });
    probe.close();
    assert.equal(res.errorCode, ErrorCode.NONE);
  });
});
