import assert from 'node:assert/strict';
import { test } from 'node:test';
import { entryToRecord, type LogRecord, recordToEntry } from '../../../../src/logs/ingest/index.js';
import type { LogEntry } from '../../../../src/logs/model.js';

const RECORD_MS = 1_714_564_800_000; // 2024-05-01T12:00:00Z
const RECORD_NS = BigInt(RECORD_MS) * 1_000_000n;

function record(value: string | Buffer, key?: string, headers: LogRecord['headers'] = []): LogRecord {
  return {
    key: key === undefined ? null : Buffer.from(key),
    value: typeof value === 'string' ? Buffer.from(value) : value,
    timestamp: RECORD_MS,
    headers,
  };
}

test('pino JSON: numeric level by name, time in ms, hostname as host, the record key as service', () => {
  const line =
    '{"level":50,"time":1714564800123,"pid":41,"hostname":"web-1","name":"orders-api","msg":"payment failed"}';
  const entry = recordToEntry(record(`${line}\n`, 'orders'));
  assert.deepEqual(entry, {
    timestampNs: 1_714_564_800_123_000_000n,
    labels: { host: 'web-1', service: 'orders', level: 'error' },
    line,
  });
  // Without a key, pino's `name` names the service.
  assert.equal(recordToEntry(record(line)).labels.service, 'orders-api');
  for (const [n, level] of [
    [10, 'trace'],
    [20, 'debug'],
    [30, 'info'],
    [40, 'warn'],
    [60, 'fatal'],
  ] as const) {
    assert.equal(recordToEntry(record(`{"level":${n},"time":1,"msg":"x"}`)).labels.level, level);
  }
});

test("Fluent Bit's kafka output: @timestamp as a double in seconds (its default), exact to the digit", () => {
  const line =
    '{"@timestamp":1714564800.123456,"log":"WARN cache miss storm\\n","stream":"stderr","kubernetes":{"pod_name":"cart-7d9","namespace_name":"shop","container_name":"cart","host":"node-3"}}';
  const entry = recordToEntry(record(line));
  assert.equal(entry.timestampNs, 1_714_564_800_123_456_000n);
  assert.deepEqual(entry.labels, { host: 'node-3', namespace: 'shop', service: 'cart', level: 'warn' });
  // timestamp_format iso8601_ns
  const iso = recordToEntry(
    record('{"@timestamp":"2024-05-01T12:00:00.123456789Z","log":"x","level":"info"}'),
  );
  assert.equal(iso.timestampNs, 1_714_564_800_123_456_789n);
  assert.equal(iso.labels.level, 'info');
});

test("Vector's kafka sink JSON: RFC 3339 ns timestamp, host, source_type as source", () => {
  const line =
    '{"file":"/var/log/app.log","host":"vec-agent-1","message":"ERROR db timeout","source_type":"file","timestamp":"2024-05-01T12:00:00.987654321Z"}';
  const entry = recordToEntry(record(line, 'inventory'));
  assert.equal(entry.timestampNs, 1_714_564_800_987_654_321n);
  assert.deepEqual(entry.labels, {
    host: 'vec-agent-1',
    source: 'file',
    service: 'inventory',
    level: 'error',
  });
  assert.equal(entry.line, line);
});

test("rsyslog omkafka's default template (RSYSLOG_FileFormat): time with offset, host, program as service", () => {
  const line =
    '2024-05-01T14:00:00.250001+02:00 web-1 sshd[812]: error: maximum authentication attempts exceeded';
  const entry = recordToEntry(record(`${line}\n`));
  assert.equal(entry.timestampNs, 1_714_564_800_250_001_000n);
  assert.deepEqual(entry.labels, { host: 'web-1', service: 'sshd', level: 'error' });
  assert.equal(entry.line, line, 'the trailing newline is dropped, nothing else');
  // A message rsyslog received as RFC 5424 keeps the tag app[procid] without a colon.
  const from5424 = recordToEntry(
    record('2024-05-01T14:00:00Z web-1 checkout[4242] ERROR payment declined\n'),
  );
  assert.deepEqual(from5424.labels, { host: 'web-1', service: 'checkout', level: 'error' });
});

test('syslog variants: traditional BSD time, <PRI> forward format, RFC 5424', () => {
  const bsd = recordToEntry(record('May  1 11:59:58 db-2 kernel: Out of memory: Killed process 4242\n'));
  assert.equal(bsd.timestampNs, RECORD_NS - 2_000_000_000n);
  assert.deepEqual(bsd.labels, { host: 'db-2', service: 'kernel', level: 'unknown' });
  const forward = recordToEntry(record('<12>2024-05-01T12:00:00Z web-1 nginx: upstream slow'));
  assert.equal(forward.labels.level, 'warn', 'PRI 12 = user.warning');
  const rfc5424 = recordToEntry(
    record(
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3"] An event',
    ),
  );
  assert.equal(rfc5424.timestampNs, 1_065_910_455_003_000_000n);
  assert.deepEqual(rfc5424.labels, { host: 'mymachine.example.com', service: 'evntslog', level: 'info' });
});

test('generic JSON: severity, ts in epoch ns kept exactly, nested service.name, job label', () => {
  const entry = recordToEntry(
    record(
      '{"ts":1714564800123456789,"severity":"CRITICAL","message":"x","service":{"name":"svc"},"job":"batch"}',
    ),
  );
  assert.equal(entry.timestampNs, 1_714_564_800_123_456_789n);
  assert.deepEqual(entry.labels, { job: 'batch', service: 'svc', level: 'fatal' });
  assert.equal(
    recordToEntry(record('{"time":1714564800,"msg":"s"}')).timestampNs,
    RECORD_NS,
    'epoch seconds',
  );
  assert.equal(
    recordToEntry(record('{"time":"1714564800123456","msg":"us"}')).timestampNs,
    RECORD_NS + 123_456_000n,
  );
});

test('logfmt lines', () => {
  const entry = recordToEntry(
    record('ts=2024-05-01T12:00:01Z level=warn msg="slow query" service=db host=pg-1'),
  );
  assert.equal(entry.timestampNs, RECORD_NS + 1_000_000_000n);
  assert.deepEqual(entry.labels, { host: 'pg-1', service: 'db', level: 'warn' });
});

test('plain text: record time, level from a leading word, service from the key or unknown', () => {
  const e1 = recordToEntry(record('2024-05-01 12:00:00,123 ERROR [main] o.a.Foo - failed', 'billing'));
  assert.deepEqual(e1, {
    timestampNs: RECORD_NS,
    labels: { service: 'billing', level: 'error' },
    line: '2024-05-01 12:00:00,123 ERROR [main] o.a.Foo - failed',
  });
  assert.equal(recordToEntry(record('[WARN] disk at 91%')).labels.level, 'warn');
  assert.equal(recordToEntry(record('info about the error')).labels.level, 'unknown');
  assert.deepEqual(recordToEntry(record('hello')).labels, { service: 'unknown', level: 'unknown' });
});

test('garbage is kept: broken JSON as text, invalid UTF-8 with replacement characters plus the bytes, binary', () => {
  const broken = recordToEntry(record('{"level":30,"msg":'));
  assert.equal(broken.line, '{"level":30,"msg":');
  assert.equal(broken.labels.level, 'unknown');

  const latin1 = Buffer.from([0x45, 0x52, 0x52, 0x4f, 0x52, 0x20, 0x63, 0x61, 0x66, 0xe9]); // "ERROR caf\xe9"
  const bad = recordToEntry(record(latin1));
  assert.equal(bad.line, 'ERROR caf\ufffd');
  assert.equal(bad.labels.level, 'error');
  assert.deepEqual(bad.metadata, { raw_encoding: 'invalid_utf8', raw_base64: latin1.toString('base64') });

  const binary = Buffer.from([0x00, 0x01, 0x02, 0xff, 0x10, 0x41]);
  const bin = recordToEntry(record(binary, 'x'));
  assert.deepEqual(bin.labels, { service: 'x', level: 'unknown' });
  assert.equal(bin.metadata?.raw_encoding, 'binary');
  assert.deepEqual(Buffer.from(bin.metadata!.raw_base64, 'base64'), binary);

  const empty = recordToEntry({ key: null, value: null, timestamp: RECORD_MS });
  assert.deepEqual(empty, {
    timestampNs: RECORD_NS,
    labels: { service: 'unknown', level: 'unknown' },
    line: '',
  });
});

test('label names from fields are sanitised and values bounded', () => {
  const long = 'h'.repeat(1000);
  const entry = recordToEntry(record(`{"host":"${long}","msg":"x","level":"info"}`));
  assert.equal(entry.labels.host.length, 256);
  const headed = recordToEntry(
    record('x', 'k', [['sluice.labels', Buffer.from('{service="a", level="info"}')]]),
  );
  assert.deepEqual(headed.labels, { service: 'a', level: 'info' });
});

test('headers win, and entryToRecord round-trips through recordToEntry', () => {
  const entry: LogEntry = {
    timestampNs: 1_714_564_800_000_000_007n,
    labels: { service: 'payments', level: 'info', job: 'push "quoted"\nnew line', env: 'prod' },
    line: '{"level":50,"time":1,"msg":"the line says error, the labels say info"}',
    metadata: { trace_id: 'abc123', user: 'ü' },
  };
  const written = entryToRecord(entry);
  assert.equal(written.key.toString(), 'payments');
  assert.equal(written.timestamp, 1_714_564_800_000);
  assert.deepEqual(recordToEntry(written), entry);
  // Headers from a Map with Buffer keys (as a client hands them over) work too.
  const asMap = new Map(written.headers.map(([k, v]) => [Buffer.from(k), v]));
  assert.deepEqual(recordToEntry({ ...written, headers: asMap }), entry);
  // A bad labels header from a foreign writer: the line is read instead.
  const bad = recordToEntry(record('WARN x', 'svc', [['sluice.labels', Buffer.from('{oops')]]));
  assert.deepEqual(bad.labels, { service: 'svc', level: 'warn' });
});
