// confluent-kafka (Python) against Sluice: its SchemaRegistryClient with the Avro and JSON Schema
// serializers registers schemas itself (auto.register.schemas), produces framed messages to
// Sluice's broker, and consumes and deserializes them (test/compat/python/schema_registry_roundtrip.py).
// Skipped with the reason when the peers' virtualenv lacks confluent-kafka's extras
// (scripts/peers/install-python-clients.sh installs them).

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestPlatform, type TestPlatform } from '../helpers/platform-fixture.js';
import { schemaRegistryCaller } from '../helpers/schema-registry-client.js';
import { repoRoot, runProcess } from './peers.js';

const PYTHON = join(repoRoot(), '.peers', 'python', 'bin', 'python');
const SCRIPT = join(repoRoot(), 'test', 'compat', 'python', 'schema_registry_roundtrip.py');

async function missing(): Promise<string | null> {
  if (!existsSync(PYTHON))
    return 'no peers virtualenv (.peers/python): run scripts/peers/install-python-clients.sh';
  const probe = await runProcess(
    PYTHON,
    ['-c', 'import confluent_kafka.schema_registry.avro, confluent_kafka.schema_registry.json_schema'],
    { timeoutMs: 30_000 },
  ).catch(() => undefined);
  return probe?.code === 0
    ? null
    : "confluent-kafka's schemaregistry/avro/json extras are not installed in .peers/python (scripts/peers/install-python-clients.sh)";
}

const skip = await missing();

interface Roundtrip {
  sent: unknown[];
  received: unknown[];
  frameIds: number[];
  registeredId: number;
  version: number;
}

describe('confluent-kafka (Python) Schema Registry serializers', { skip: skip ?? false }, () => {
  let platform: TestPlatform;
  before(async () => {
    platform = await startTestPlatform();
  });
  after(() => platform?.dispose());

  test('Avro and JSON Schema: auto-registered, produced framed, consumed and deserialized', async () => {
    const job = {
      registry: platform.http.url,
      bootstrap: platform.broker.bootstrap,
      topic: 'payments',
      count: 20,
    };
    const run = await runProcess(PYTHON, [SCRIPT, JSON.stringify(job)], { timeoutMs: 120_000 });
    const text = run.stdout.toString('utf8').trim().split('\n').pop() ?? '';
    type Result = { ok: boolean; error?: string; avro: Roundtrip; json: Roundtrip };
    let result: Result | undefined;
    try {
      result = JSON.parse(text) as Result;
    } catch {}
    if (result === undefined) {
      assert.fail(`no result from the script (exit ${run.code}): ${String(run.stderr)}`);
    }
    assert.ok(result.ok, result.error);
    const sr = schemaRegistryCaller(platform.http.url);
    for (const [kind, r] of [
      ['avro', result.avro],
      ['json', result.json],
    ] as const) {
      assert.deepEqual(r.received, r.sent, kind);
      assert.deepEqual(r.frameIds, [r.registeredId], `${kind}: every message names the registered id`);
      assert.equal(r.version, 1);
      const stored = await sr('GET', `/subjects/payments-${kind}-value/versions/1`);
      assert.equal((stored.body as { id: number }).id, r.registeredId);
      assert.equal((stored.body as { schemaType?: string }).schemaType, kind === 'json' ? 'JSON' : undefined);
    }
    assert.notEqual(result.avro.registeredId, result.json.registeredId);
  });
});
