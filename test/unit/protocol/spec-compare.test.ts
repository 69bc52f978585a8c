// Compares every API definition with Apache Kafka's JSON message specs in ../shared/kafka-protocol.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ALL_APIS } from '../../../src/protocol/apis/index.js';
import { compareApi, findSpecDir, loadSpec, stripComments } from './kafka-spec.js';

const specDir = findSpecDir(import.meta.url);
const haveSpecs = specDir !== undefined && existsSync(specDir);

test('stripComments removes // comments but keeps // inside strings', () => {
  const text = '// header\n{ "a": "http://x", // trailing\n  "b": "say \\"//\\" ok" }\n';
  assert.deepEqual(JSON.parse(stripComments(text)), { a: 'http://x', b: 'say "//" ok' });
});

test('ALL_APIS is sorted by key, without duplicates', () => {
  const keys = ALL_APIS.map((api) => api.key);
  assert.deepEqual(
    keys,
    [...new Set(keys)].sort((a, b) => a - b),
  );
});

for (const api of ALL_APIS) {
  test(`${api.name} (key ${api.key}) matches Kafka's message spec`, (t) => {
    if (!specDir || !haveSpecs) {
      t.skip(`Kafka spec folder absent (${specDir ?? 'no repository root found'})`);
      return;
    }
    const files = ['Request', 'Response'].map((side) => join(specDir, `${api.name}${side}.json`));
    const missing = files.filter((file) => !existsSync(file));
    assert.deepEqual(missing, [], `no Kafka spec for ${api.name}: ${missing.join(', ')}`);
    const problems = compareApi(api, loadSpec(files[0]), loadSpec(files[1]));
    assert.ok(
      problems.length === 0,
      `${api.name} differs from Kafka's spec in ${problems.length} place(s):\n  - ${problems.join('\n  - ')}`,
    );
  });
}
