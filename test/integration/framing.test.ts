import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiVersions, decodeResponse, Metadata } from '../../src/protocol/index.js';
import { startTestBroker, type TestBroker } from '../helpers/broker-fixture.js';
import { WireClient } from '../helpers/wire-client.js';

describe('request framing', () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startTestBroker();
  });
  after(() => broker.dispose());

  it('answers pipelined requests in order however the bytes are split', async () => {
    const client = await WireClient.connect(broker.port);
    const frames: Buffer[] = [];
    for (let i = 0; i < 20; i++) {
      frames.push(
        Buffer.concat(
          i % 2 === 0
            ? client.encode(ApiVersions, 3, { clientSoftwareName: 'split', clientSoftwareVersion: String(i) })
            : client.encode(Metadata, 9, { topics: [], allowAutoTopicCreation: false }),
        ),
      );
    }
    const correlationIds = frames.map((f) => f.readInt32BE(8));
    const answers = frames.map((f) => client.requestRaw(Buffer.alloc(0), 5000, f.readInt32BE(8)));
    const all = Buffer.concat(frames);
    let seed = 42;
    for (let at = 0; at < all.length; ) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const size = 1 + (seed % 37);
      client.sendBytes(all.subarray(at, at + size));
      at += size;
      if (seed % 5 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    const bodies = await Promise.all(answers);
    assert.deepEqual(
      bodies.map((b) => b.readInt32BE(0)),
      correlationIds,
    );
    assert.equal(decodeResponse(ApiVersions, 3, bodies[0]).body.errorCode, 0);
    client.close();
  });
});
