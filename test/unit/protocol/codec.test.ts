import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiVersions } from '../../../src/protocol/apis/api-versions.js';
import { Metadata } from '../../../src/protocol/apis/metadata.js';
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
} from '../../../src/protocol/frames.js';
import { MalformedFrameError } from '../../../src/protocol/wire/protocol-error.js';
import { Reader } from '../../../src/protocol/wire/reader.js';
import { Writer } from '../../../src/protocol/wire/writer.js';

const body = (chunks: Buffer[]) => Buffer.concat(chunks).subarray(4);

describe('wire primitives', () => {
  it('round-trips varints at their boundaries', () => {
    const values = [0, 1, -1, 63, -64, 64, 127, 128, 300, -300, 2 ** 31 - 1, -(2 ** 31)];
    const w = new Writer(4);
    for (const v of values) w.varint(v);
    const r = new Reader(w.toBuffer());
    assert.deepEqual(
      values.map(() => r.varint()),
      values,
    );
    assert.equal(r.remaining, 0);
  });

  it('round-trips int64 values within 2^53 exactly', () => {
    const values = [0, -1, 2 ** 32, -(2 ** 32) - 5, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
    const w = new Writer(4);
    for (const v of values) w.int64(v);
    const buf = w.toBuffer();
    const r = new Reader(buf);
    assert.deepEqual(
      values.map(() => r.int64()),
      values,
    );
    assert.equal(buf.readBigInt64BE(0), 0n);
    assert.equal(buf.readBigInt64BE(8), -1n);
  });

  it('refuses to read past the end', () => {
    const r = new Reader(Buffer.from([0, 1]));
    assert.throws(() => r.int32(), MalformedFrameError);
  });

  it('keeps large buffers by reference instead of copying', () => {
    const big = Buffer.alloc(4096, 7);
    const w = new Writer(16);
    w.int32(1).raw(big).int8(2);
    const chunks = w.finish();
    assert.equal(chunks.length, 3);
    assert.equal(chunks[1], big);
  });
});

describe('message codec', () => {
  const metadataRequest = {
    topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'orders' }],
    allowAutoTopicCreation: false,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  };

  for (const version of [0, 1, 4, 9, 10, 12]) {
    it(`round-trips a Metadata v${version} request`, () => {
      const frame = body(
        encodeRequest(Metadata, version, { correlationId: 7, clientId: 'test' }, metadataRequest),
      );
      const { header, body: decoded, trailing } = decodeRequest(Metadata, frame);
      assert.equal(trailing, 0);
      assert.equal(header.correlationId, 7);
      assert.equal(header.clientId, 'test');
      assert.equal(decoded.topics?.[0].name, 'orders');
      assert.equal(decoded.allowAutoTopicCreation, !(version >= 4));
      const again = body(encodeRequest(Metadata, version, { correlationId: 7, clientId: 'test' }, decoded));
      assert.deepEqual(again, frame);
    });
  }

  it('encodes a null topic list in Metadata v1+ and refuses it where not nullable', () => {
    const frame = body(encodeRequest(Metadata, 1, { correlationId: 1 }, { topics: null }));
    assert.equal(decodeRequest(Metadata, frame).body.topics, null);
    const v0 = Buffer.from(frame);
    v0.writeInt16BE(0, 2);
    assert.throws(() => decodeRequest(Metadata, v0), /not nullable/);
  });

  it('writes tagged fields only when they differ from their default', () => {
    const plain = body(
      encodeResponse(ApiVersions, 3, 1, { apiKeys: [{ apiKey: 0, minVersion: 3, maxVersion: 11 }] }),
    );
    const tagged = body(
      encodeResponse(ApiVersions, 3, 1, {
        apiKeys: [{ apiKey: 0, minVersion: 3, maxVersion: 11 }],
        finalizedFeaturesEpoch: 5,
        supportedFeatures: [{ name: 'metadata.version', minVersion: 1, maxVersion: 20 }],
      }),
    );
    assert.ok(tagged.length > plain.length);
    const decoded = decodeResponse(ApiVersions, 3, tagged).body;
    assert.equal(decoded.finalizedFeaturesEpoch, 5);
    assert.equal(decoded.supportedFeatures[0].name, 'metadata.version');
    assert.equal(decodeResponse(ApiVersions, 3, plain).body.finalizedFeaturesEpoch, -1);
  });

  it('rejects an array whose length exceeds the frame', () => {
    const frame = body(encodeRequest(Metadata, 1, { correlationId: 1 }, metadataRequest));
    const broken = Buffer.from(frame);
    broken.writeInt32BE(0x7fffffff, 4 + 2 + 4); // topics count, after header with clientId null
    assert.throws(() => decodeRequest(Metadata, broken), MalformedFrameError);
  });
});
