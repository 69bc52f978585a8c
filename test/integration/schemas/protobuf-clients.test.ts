// confluent-kafka's (Python) Protobuf serializer and deserializer against Sluice's registry, broker
// and pipelines (test/compat/python/schema_registry_protobuf.py): the client registers a base64
// FileDescriptorProto with a reference to another subject and a google.protobuf.Timestamp import,
// produces framed messages (indexes [0], [1] and [0, 0]); a pipeline decodes them by the id and
// indexes they carry, routes them on a decoded field and dead-letters a broken one; the client
// deserializes the routed records (their framing kept) back to what it sent, and a breaking change
// is refused with 409. Skipped with the reason when the peers' virtualenv lacks `protobuf`.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { repoRoot, runProcess } from '../../compat/peers.js';
import { headersOf, readTopic } from '../../helpers/pipeline-io.js';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform-fixture.js';
import { schemaRegistryCaller } from '../../helpers/schema-registry-client.js';
import { eventually } from '../../helpers/waiting.js';

const PYTHON = join(repoRoot(), '.peers', 'python', 'bin', 'python');
const SCRIPT = join(repoRoot(), 'test', 'compat', 'python', 'schema_registry_protobuf.py');

async function missing(): Promise<string | null> {
  if (!existsSync(PYTHON))
    return 'no peers virtualenv (.peers/python): run scripts/peers/install-python-clients.sh';
  const probe = await runProcess(PYTHON, ['-c', 'import confluent_kafka.schema_registry.protobuf'], {
    timeoutMs: 30_000,
  }).catch(() => undefined);
  return probe?.code === 0
    ? null
    : "confluent-kafka's protobuf extra is not installed in .peers/python (scripts/peers/install-python-clients.sh)";
}

const skip = await missing();

const PIPELINE = {
  source: { topics: ['pb-orders'] },
  steps: [{ type: 'validate' }],
  routes: {
    exchange: 'topic',
    routingKey: { field: 'region' },
    bindings: [{ pattern: 'eu.#', to: 'pb-eu' }],
  },
  unmatched: { to: 'pb-rest' },
  errors: { deadLetter: { topic: 'pb-dlq' } },
};

/** A schema as a user registers it over REST: .proto text, which Confluent's serdes read as a descriptor. */
const PARCEL_PROTO = `syntax = "proto3";
package shipping;
import "google/protobuf/timestamp.proto";

message Parcel {
  string id = 1;
  repeated Item items = 2;
  google.protobuf.Timestamp sent_at = 3;
  map<string, int32> tags = 4;
  Status status = 5;
  message Item { string sku = 1; int64 grams = 2; }
}
enum Status { NEW = 0; SENT = 1; }
`;

interface Result {
  ok: boolean;
  error?: string;
  sent: Record<string, unknown>;
  received: Record<string, { topic: string; value: unknown }>;
  frames: Record<string, number[]>;
  subjects: string[];
  compatible: number;
  breaking: { status: number; code?: number; message?: string };
  /** Fields by message: [name, number, descriptor type, repeated]. */
  textMessages: Record<string, Array<[string, number, number, boolean]>>;
  textLookupId: number;
}

let platform: TestPlatform;
before(async () => {
  if (skip !== null) return;
  platform = await startTestPlatform({ config: { pipelines: { 'pb-orders': PIPELINE } } });
});
after(() => platform?.dispose());

test('confluent-kafka Protobuf: registered, framed, validated and routed by the pipeline, deserialized back', {
  skip: skip ?? false,
}, async () => {
  const url = platform.http.url;
  await eventually('pb-orders running', 30_000, async () => {
    const body = (await (await fetch(`${url}/api/pipelines/pb-orders`)).json()) as { state?: string };
    return body.state === 'running' ? true : undefined;
  });

  const sr = schemaRegistryCaller(url);
  const text = await sr('POST', '/subjects/pb-text-value/versions', {
    schemaType: 'PROTOBUF',
    schema: PARCEL_PROTO,
  });
  assert.equal(text.status, 200, JSON.stringify(text.body));
  const job = {
    textSchemaId: (text.body as { id: number }).id,
    registry: url,
    bootstrap: platform.broker.bootstrap,
    topic: 'pb-orders',
    outputs: ['pb-eu', 'pb-rest'],
    count: 4,
  };
  const run = await runProcess(PYTHON, [SCRIPT, JSON.stringify(job)], { timeoutMs: 60_000 });
  const last = run.stdout.toString('utf8').trim().split('\n').pop() ?? '';
  let result: Result | undefined;
  try {
    result = JSON.parse(last) as Result;
  } catch {}
  if (result === undefined) assert.fail(`no result from the script (exit ${run.code}): ${run.stderr}`);
  assert.ok(result.ok, result.error);

  // What the client registered: the referenced file under its own subject, no well-known type.
  assert.deepEqual(result.subjects, ['pb-orders-value', 'pb-text-value', 'shop/common.proto']);
  const v1 = (await sr('GET', '/subjects/pb-orders-value/versions/1')).body as {
    id: number;
    schemaType: string;
    references: unknown[];
  };
  assert.equal(v1.schemaType, 'PROTOBUF');
  assert.deepEqual(v1.references, [{ name: 'shop/common.proto', subject: 'shop/common.proto', version: 1 }]);
  // Confluent's frames: magic 0, the id, then the indexes ([0] as a lone 0).
  const head = (id: number) => [0, (id >>> 24) & 255, (id >>> 16) & 255, (id >>> 8) & 255, id & 255];
  assert.deepEqual(result.frames['order-0']?.slice(0, 6), [...head(v1.id), 0]);
  assert.deepEqual(result.frames['refund-0']?.slice(0, 7), [...head(v1.id), 2, 2]);
  assert.deepEqual(result.frames['line-0']?.slice(0, 8), [...head(v1.id), 4, 0, 0]);

  // Routed on the decoded `region`, the bytes kept: the same client reads back what it sent.
  const sent = result.sent as Record<string, { region?: string }>;
  assert.deepEqual(Object.keys(result.received).sort(), Object.keys(sent).sort());
  for (const [key, value] of Object.entries(sent)) {
    const got: { topic: string; value: unknown } | undefined = result.received[key];
    assert.ok(got !== undefined, key);
    assert.deepEqual(got.value, value, key);
    assert.equal(got.topic, value.region?.startsWith('eu.') ? 'pb-eu' : 'pb-rest', key);
  }
  const [dead] = await readTopic(platform.broker.bootstrap, 'pb-dlq', 1);
  assert.equal(dead?.key?.toString(), 'broken');
  assert.match(headersOf(dead!)['sluice.error.reason'] ?? '', /not a valid Protobuf message/);

  // A new field is compatible; a field whose type changes is refused (409) under BACKWARD.
  assert.ok(result.compatible > v1.id);
  assert.equal(result.breaking.status, 409, JSON.stringify(result.breaking));
  assert.match(result.breaking.message ?? '', /FIELD_TYPE_CHANGED: field 2 of shop\.Order/);

  // The .proto text, asked for with format=serialized, loads into the client's DescriptorPool.
  const parcel = result.textMessages['shipping.Parcel']?.map(([name, number]) => `${name}=${number}`);
  assert.deepEqual(parcel, ['id=1', 'items=2', 'sent_at=3', 'tags=4', 'status=5']);
  assert.deepEqual(result.textMessages['shipping.Parcel.Item'], [
    ['sku', 1, 9, false],
    ['grams', 2, 3, false],
  ]);
  assert.equal(result.textMessages['shipping.Parcel']?.[4]?.[2], 14, 'status is an enum field');
});
