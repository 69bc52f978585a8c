// What the Loki API does with hostile or broken input: a regex that backtracks forever, queries
// nested past any reason, a regex of 100 KB, a push with 200,000 streams, text that is not UTF-8.
// Each is answered at once with a 4xx saying what was wrong, and the platform stays responsive.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import protobuf from 'protobufjs';
import { snappyCompress } from '../helpers/loki-push-proto.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform-fixture.js';
import { eventually } from '../helpers/waiting.js';

/** Loki's push messages with `bytes` where Loki has `string`, so a test can send bytes that are not UTF-8. */
const RAW_PROTO = `
syntax = "proto3";
message Timestamp { int64 seconds = 1; int32 nanos = 2; }
message Entry { Timestamp timestamp = 1; bytes line = 2; }
message Stream { bytes labels = 1; repeated Entry entries = 2; }
message PushRequest { repeated Stream streams = 1; }
`;
const RawPush = protobuf.parse(RAW_PROTO).root.lookupType('PushRequest');

describe('Loki API: bad input is a 4xx, never a stall or a 500', () => {
  let platform: TestPlatform;
  const nowNs = () => BigInt(Date.now()) * 1_000_000n;
  const push = (body: string | Buffer, type = 'application/json') =>
    fetch(`${platform.http.url}/loki/api/v1/push`, {
      method: 'POST',
      headers: { 'content-type': type },
      body,
    });
  // As a form (Grafana's way), so that long queries fit.
  const query = async (q: string) => {
    const end = nowNs() + 60_000_000_000n;
    const params = new URLSearchParams({
      query: q,
      start: String(end - 3_600_000_000_000n),
      end: String(end),
    });
    const res = await fetch(`${platform.http.url}/loki/api/v1/query_range`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: params.toString(),
    });
    return { status: res.status, text: await res.text() };
  };
  const indexed = (service: string) =>
    eventually(`${service} to be indexed`, 15_000, async () => {
      const { text } = await query(`{service="${service}"}`);
      return text.includes('"values":[[') ? true : undefined;
    });

  before(async () => {
    platform = await startTestPlatform();
  });
  after(() => platform?.dispose());

  it('bug 4: a catastrophic-backtracking regex answers at once (RE2, linear time)', {
    timeout: 120_000,
  }, async () => {
    const line = `${'a'.repeat(40)}!`;
    const body = JSON.stringify({
      streams: [{ stream: { service: 'redos' }, values: [[String(nowNs()), line]] }],
    });
    assert.equal((await push(body)).status, 204);
    await indexed('redos');
    // With backtracking this took ~3 s at 28 a's and doubled with each one more: hours at 40.
    const res = await query('{service="redos"} |~ "(a+)+$"');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(JSON.parse(res.text).data.result, []);
    const hit = await query('{service="redos"} |~ "^(a+)+!$"');
    assert.equal(JSON.parse(hit.text).data.result[0].values[0][1], line);
    assert.equal((await platform.get('/actuator/health')).status, 200);
  });

  it("bug 4: Go's regexp dialect, as Loki: backreferences and lookarounds are parse errors", async () => {
    const backref = await query('{service="redos"} |~ "(a)\\\\1"');
    assert.equal(backref.status, 400);
    assert.equal(
      backref.text,
      'parse error at line 1, col 22: error parsing regexp: invalid escape sequence: `\\1`',
    );
    const look = await query('{service=~"re(?=dos)"}');
    assert.equal(look.status, 400);
    assert.match(
      look.text,
      /^parse error at line 1, col 11: error parsing regexp: invalid or unsupported Perl syntax/,
    );
  });

  it('bug 9: 10,000 nested parentheses are a 400 at the position, not a stack overflow', async () => {
    const res = await query(
      `${'('.repeat(10_000)}count_over_time({service="redos"}[1m])${')'.repeat(10_000)}`,
    );
    assert.equal(res.status, 400);
    assert.equal(
      res.text,
      'parse error at line 1, col 1001: syntax error: the query nests more than 1000 levels deep',
    );
    const chain = await query(Array.from({ length: 5000 }, () => 'vector(1)').join(' + '));
    assert.equal(chain.status, 400);
    assert.match(
      chain.text,
      /^parse error at line 1, col \d+: syntax error: the query nests more than 1000 levels/,
    );
  });

  it('bug 9: an invalid 100 KB regex is a 400 at its position, quoting only the start of it', async () => {
    const { status, text } = await query(`{service="redos"} |~ "${'('.repeat(100_000)}"`);
    assert.equal(status, 400);
    assert.match(text, /^parse error at line 1, col 22: error parsing regexp: missing closing \): `\(+/);
    assert.ok(text.length < 300, `the message stays short (${text.length} chars)`);
  });

  it('bug 9: a push of 200,000 streams is refused before it is built in memory (JSON and protobuf)', async () => {
    const ts = String(nowNs());
    const count = 200_000;
    const json = JSON.stringify({
      streams: Array.from({ length: count }, (_, i) => ({
        stream: { service: 'wide', id: String(i) },
        values: [[ts, 'x']],
      })),
    });
    const res = await push(json);
    assert.equal(res.status, 400);
    assert.match(await res.text(), /^push has 200000 streams, more than the limit of 5000 per push/);
    const proto = Buffer.from(
      snappyCompress(
        RawPush.encode(
          RawPush.fromObject({
            streams: Array.from({ length: count }, (_, i) => ({
              labels: Buffer.from(`{service="wide", id="${i}"}`),
              entries: [{ timestamp: { seconds: Math.floor(Date.now() / 1000) }, line: Buffer.from('x') }],
            })),
          }),
        ).finish(),
      ),
    );
    const resProto = await push(proto, 'application/x-protobuf');
    assert.equal(resProto.status, 400);
    assert.match(await resProto.text(), /^push has 200000 streams/);
    const stats = await platform.get(
      `/loki/api/v1/series?${new URLSearchParams({ 'match[]': '{service="wide"}' })}`,
    );
    assert.deepEqual(((await stats.json()) as { data: unknown }).data, [], 'nothing of it was stored');
  });

  it('bug 9: labels that are not UTF-8 are a 400; bad bytes in a line become U+FFFD, as Loki reads them', async () => {
    const body = (labels: Buffer, line: Buffer) =>
      Buffer.from(
        snappyCompress(
          RawPush.encode(
            RawPush.fromObject({
              streams: [
                { labels, entries: [{ timestamp: { seconds: Math.floor(Date.now() / 1000) }, line }] },
              ],
            }),
          ).finish(),
        ),
      );
    const badLabels = Buffer.concat([
      Buffer.from('{service="utf8", host="w'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]);
    const res = await push(body(badLabels, Buffer.from('fine')), 'application/x-protobuf');
    assert.equal(res.status, 400);
    assert.equal(await res.text(), 'streams[0].labels: not valid UTF-8');

    const badLine = Buffer.concat([Buffer.from('before-'), Buffer.from([0xff, 0xfe]), Buffer.from('-after')]);
    assert.equal(
      (await push(body(Buffer.from('{service="utf8"}'), badLine), 'application/x-protobuf')).status,
      204,
    );
    const jsonBad = Buffer.concat([
      Buffer.from(`{"streams":[{"stream":{"service":"utf8"},"values":[["${nowNs()}","json-`),
      Buffer.from([0xc3]),
      Buffer.from('-line"]]}]}'),
    ]);
    assert.equal((await push(jsonBad)).status, 204);
    const jsonBadLabel = Buffer.concat([
      Buffer.from('{"streams":[{"stream":{"service":"utf8-'),
      Buffer.from([0xc3]),
      Buffer.from(`"},"values":[["${nowNs()}","x"]]}]}`),
    ]);
    assert.equal((await push(jsonBadLabel)).status, 400);
    await eventually('both lines to be readable', 15_000, async () => {
      const { text } = await query('{service="utf8"}');
      const lines = (JSON.parse(text).data.result as { values: [string, string][] }[]).flatMap((s) =>
        s.values.map((v) => v[1]),
      );
      return lines.length === 2 ? lines : undefined;
    }).then((lines) => assert.deepEqual(lines.sort(), ['before-\uFFFD\uFFFD-after', 'json-\uFFFD-line']));
  });

  it('bug 9: a snappy body that claims a huge size is refused before decompression (413)', async () => {
    // Snappy block format starts with the uncompressed length as a varint: 1 GiB here.
    const claim = Buffer.from([0x80, 0x80, 0x80, 0x80, 0x04, 0x00]);
    const res = await push(claim, 'application/x-protobuf');
    assert.equal(res.status, 413);
    assert.match(await res.text(), /larger than 67108864 bytes after snappy decompression/);
  });
});
