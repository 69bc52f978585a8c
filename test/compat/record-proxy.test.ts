// The recording proxy, against a fake upstream on loopback: bytes pass unchanged both ways,
// frames split across chunks are reassembled, and each pair is written under its API's name.

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FrameSplitter, isAcksZero, readRequestHeader, startRecordProxy } from './record-proxy.js';

function frame(body: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

function request(apiKey: number, version: number, correlationId: number, rest = Buffer.alloc(0)): Buffer {
  const h = Buffer.alloc(10);
  h.writeInt16BE(apiKey, 0);
  h.writeInt16BE(version, 2);
  h.writeInt32BE(correlationId, 4);
  h.writeInt16BE(2, 8);
  return frame(Buffer.concat([h, Buffer.from('me'), rest]));
}

describe('FrameSplitter', () => {
  it('returns frames whole, however the bytes are chunked', () => {
    const a = request(18, 3, 1);
    const b = request(3, 12, 2, Buffer.from([1, 2, 3]));
    const all = Buffer.concat([a, b]);
    const s = new FrameSplitter();
    const got: Buffer[] = [];
    for (let i = 0; i < all.length; i += 3) got.push(...s.push(all.subarray(i, i + 3)));
    assert.deepEqual(got, [a, b]);
  });
});

describe('readRequestHeader / isAcksZero', () => {
  it('reads key, version, correlation id and client id', () => {
    assert.deepEqual(readRequestHeader(request(1, 11, 77)), {
      apiKey: 1,
      apiVersion: 11,
      correlationId: 77,
      clientId: 'me',
    });
  });

  it('finds acks after the transactional id (v3-v8)', () => {
    const body = (acks: number) => {
      const b = Buffer.alloc(4);
      b.writeInt16BE(-1, 0); // null transactional id
      b.writeInt16BE(acks, 2);
      return b;
    };
    assert.equal(isAcksZero(request(0, 7, 1, body(0))), true);
    assert.equal(isAcksZero(request(0, 7, 1, body(-1))), false);
  });
});

describe('record proxy', () => {
  const out = mkdtempSync(join(tmpdir(), 'sluice-record-proxy-'));
  let upstream: Server;
  after(() => {
    upstream?.close();
    rmSync(out, { recursive: true, force: true });
  });

  it('forwards both ways and writes each request with its response', async () => {
    // Upstream answers every frame with [correlation id, 0xbeef], each split in two writes.
    upstream = createServer((sock) => {
      const s = new FrameSplitter();
      let writes = Promise.resolve();
      const later = (b: Buffer) => new Promise<void>((r) => setTimeout(() => sock.write(b, () => r()), 5));
      sock.on('data', (chunk: Buffer) => {
        for (const f of s.push(chunk)) {
          const body = Buffer.alloc(6);
          body.writeInt32BE(f.readInt32BE(8), 0);
          body.writeUInt16BE(0xbeef, 4);
          const res = frame(body);
          writes = writes.then(() => later(res.subarray(0, 5))).then(() => later(res.subarray(5)));
        }
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const address = upstream.address();
    assert.ok(address && typeof address === 'object');
    const proxy = await startRecordProxy({
      listenPort: 0,
      targetHost: '127.0.0.1',
      targetPort: address.port,
      outDir: out,
    });

    const client = createConnection({ host: '127.0.0.1', port: proxy.port });
    const received: Buffer[] = [];
    const splitter = new FrameSplitter();
    const two = new Promise<void>((resolve) => {
      client.on('data', (chunk: Buffer) => {
        received.push(...splitter.push(chunk));
        if (received.length === 2) resolve();
      });
    });
    client.write(Buffer.concat([request(18, 3, 7), request(3, 12, 8)]));
    await two;
    client.destroy();
    await proxy.close();

    assert.deepEqual(
      received.map((f) => f.readInt32BE(4)),
      [7, 8],
    );
    assert.deepEqual(readdirSync(out).sort(), [
      'ApiVersions-v3-req-000.bin',
      'ApiVersions-v3-res-000.bin',
      'Metadata-v12-req-000.bin',
      'Metadata-v12-res-000.bin',
      'index.jsonl',
    ]);
    assert.deepEqual(readFileSync(join(out, 'ApiVersions-v3-req-000.bin')), request(18, 3, 7));
    assert.equal(readFileSync(join(out, 'Metadata-v12-res-000.bin')).readInt32BE(4), 8);
    const index = readFileSync(join(out, 'index.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      index.map((e) => [e.api, e.version, e.correlationId, e.clientId]),
      [
        ['ApiVersions', 3, 7, 'me'],
        ['Metadata', 12, 8, 'me'],
      ],
    );
  });
});
