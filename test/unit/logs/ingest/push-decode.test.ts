import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import {
  decodePushRequest,
  entryToRecord,
  PushError,
  pushStreamToEntries,
  recordToEntry,
} from '../../../../src/logs/ingest/index.js';
import { snappyCompress as compress, protobufPushBody } from '../../../helpers/loki-push-proto.js';

const protobufBody = protobufPushBody;

const JSON_BODY = {
  streams: [
    {
      stream: { job: 'promtail', host: 'web-1' },
      values: [
        ['1714564800000000001', 'first line'],
        ['1714564800000000002', 'ERROR second', { trace_id: 't-1' }],
      ],
    },
    { stream: { service: 'cart', level: 'warn' }, values: [['1714564801000000000', 'x']] },
  ],
};

const EXPECTED = {
  streams: [
    {
      labels: { job: 'promtail', host: 'web-1' },
      entries: [
        { timestampNs: 1_714_564_800_000_000_001n, line: 'first line' },
        { timestampNs: 1_714_564_800_000_000_002n, line: 'ERROR second', metadata: { trace_id: 't-1' } },
      ],
    },
    {
      labels: { service: 'cart', level: 'warn' },
      entries: [{ timestampNs: 1_714_564_801_000_000_000n, line: 'x' }],
    },
  ],
};

test('JSON push, plain, gzip and deflate (zlib or raw)', () => {
  const body = Buffer.from(JSON.stringify(JSON_BODY));
  assert.deepEqual(decodePushRequest(body, 'application/json'), EXPECTED);
  assert.deepEqual(decodePushRequest(body, 'application/json; charset=utf-8', 'identity'), EXPECTED);
  assert.deepEqual(decodePushRequest(gzipSync(body), 'application/json', 'gzip'), EXPECTED);
  assert.deepEqual(decodePushRequest(deflateSync(body), 'application/json', 'deflate'), EXPECTED);
  assert.deepEqual(decodePushRequest(deflateRawSync(body), 'application/json', 'deflate'), EXPECTED);
});

test('the older JSON form with labels text and RFC 3339 entries', () => {
  const body = JSON.stringify({
    streams: [{ labels: '{job="old"}', entries: [{ ts: '2024-05-01T12:00:00.000000009Z', line: 'l' }] }],
  });
  assert.deepEqual(decodePushRequest(Buffer.from(body), 'application/json'), {
    streams: [{ labels: { job: 'old' }, entries: [{ timestampNs: 1_714_564_800_000_000_009n, line: 'l' }] }],
  });
});

test('snappy protobuf push, as Promtail, Alloy and Fluent Bit send it', () => {
  const body = protobufBody({
    streams: [
      {
        labels: '{job="promtail", host="web-1"}',
        entries: [
          { timestamp: { seconds: 1714564800, nanos: 1 }, line: 'first line' },
          {
            timestamp: { seconds: 1714564800, nanos: 2 },
            line: 'ERROR second',
            structuredMetadata: [{ name: 'trace_id', value: 't-1' }],
          },
        ],
        hash: 12345,
      },
      {
        labels: '{service="cart", level="warn"}',
        entries: [{ timestamp: { seconds: 1714564801 }, line: 'x' }],
      },
    ],
  });
  assert.deepEqual(decodePushRequest(body, 'application/x-protobuf'), EXPECTED);
  assert.deepEqual(decodePushRequest(body, ''), EXPECTED, 'no Content-Type: protobuf, as Loki assumes');
});

function rejects(fn: () => unknown, message: RegExp, status = 400) {
  assert.throws(fn, (e: unknown) => e instanceof PushError && e.status === status && message.test(e.message));
}

test('bad bodies get a PushError saying what is wrong', () => {
  const json = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
  rejects(() => decodePushRequest(json('{"streams":['), 'application/json'), /not valid JSON/);
  rejects(() => decodePushRequest(json({ stream: [] }), 'application/json'), /"streams" array/);
  rejects(
    () =>
      decodePushRequest(
        json({ streams: [{ stream: { a: 'b' }, values: [['17e17', 'x']] }] }),
        'application/json',
      ),
    /streams\[0\]\.values\[0\]: timestamp must be a string of Unix epoch nanoseconds/,
  );
  rejects(
    () =>
      decodePushRequest(json({ streams: [{ stream: { a: 'b' }, values: [['1', 2]] }] }), 'application/json'),
    /the line must be a string/,
  );
  rejects(
    () => decodePushRequest(json({ streams: [{ stream: { a: 1 }, values: [] }] }), 'application/json'),
    /the value of 'a' must be a string/,
  );
  rejects(
    () => decodePushRequest(json({ streams: [{ stream: {}, values: [['1', 'x']] }] }), 'application/json'),
    /at least one label pair/,
  );
  rejects(
    () => decodePushRequest(json({ streams: [{ stream: { 'a-b': 'x' }, values: [] }] }), 'application/json'),
    /invalid label name 'a-b'/,
  );
  rejects(
    () => decodePushRequest(Buffer.from('not snappy at all'), 'application/x-protobuf'),
    /not valid snappy/,
  );
  rejects(
    () => decodePushRequest(Buffer.from(compress(Buffer.from([0x0a, 0xff]))), 'application/x-protobuf'),
    /not a valid logproto.PushRequest/,
  );
  rejects(
    () => decodePushRequest(protobufBody({ streams: [{ labels: '{job=x}' }] }), 'application/x-protobuf'),
    /streams\[0\]\.labels: expected '"'/,
  );
  rejects(() => decodePushRequest(Buffer.from('x'), 'application/json', 'gzip'), /not valid gzip/);
  rejects(
    () => decodePushRequest(Buffer.from('{}'), 'text/plain'),
    /unsupported Content-Type 'text\/plain'/,
    415,
  );
  rejects(
    () => decodePushRequest(Buffer.from('{}'), 'application/json', 'br'),
    /unsupported Content-Encoding 'br'/,
    415,
  );
});

test("Loki's limits: line size, label count and lengths, decompressed size", () => {
  const stream = (labels: object, line: string) =>
    Buffer.from(JSON.stringify({ streams: [{ stream: labels, values: [['1', line]] }] }));
  rejects(
    () => decodePushRequest(stream({ a: 'b' }, 'x'.repeat(256 * 1024 + 1)), 'application/json'),
    /line of 262145 bytes exceeds the max line size of 262144 bytes/,
  );
  assert.equal(
    decodePushRequest(stream({ a: 'b' }, 'x'.repeat(256 * 1024)), 'application/json').streams.length,
    1,
  );
  const many = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`l${i}`, 'v']));
  rejects(
    () => decodePushRequest(stream(many, 'x'), 'application/json'),
    /16 labels, more than the limit of 15/,
  );
  rejects(
    () => decodePushRequest(stream({ a: 'v'.repeat(2049) }, 'x'), 'application/json'),
    /longer than 2048/,
  );
  const limits = {
    maxLineBytes: 1e6,
    maxLabelNames: 15,
    maxLabelNameLength: 1024,
    maxLabelValueLength: 2048,
    maxDecompressedBytes: 1000,
    maxStreams: 5000,
  };
  const big = gzipSync(stream({ a: 'b' }, 'x'.repeat(5000)));
  rejects(() => decodePushRequest(big, 'application/json', 'gzip', limits), /larger than 1000 bytes/, 413);
  const bigProto = protobufBody({ streams: [{ labels: '{a="b"}', entries: [{ line: 'x'.repeat(5000) }] }] });
  rejects(
    () => decodePushRequest(bigProto, 'application/x-protobuf', '', limits),
    /larger than 1000 bytes/,
    413,
  );
});

test('pushed streams become entries with service and level, and survive the topic', () => {
  const request = decodePushRequest(Buffer.from(JSON.stringify(JSON_BODY)), 'application/json');
  const entries = request.streams.flatMap(pushStreamToEntries);
  assert.deepEqual(
    entries.map((e) => e.labels),
    [
      { job: 'promtail', host: 'web-1', service: 'promtail', level: 'unknown' },
      { job: 'promtail', host: 'web-1', service: 'promtail', level: 'error' },
      { service: 'cart', level: 'warn' },
    ],
  );
  for (const entry of entries) assert.deepEqual(recordToEntry(entryToRecord(entry)), entry);
});
