// Each compatibility level refuses (409) a registration that breaks it and accepts one that keeps
// it, over HTTP; and the registry survives a restart on the same data directory unchanged.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform-fixture.js';
import {
  avroRecord,
  errorCode,
  type SrCall,
  schemaRegistryCaller,
} from '../../helpers/schema-registry-client.js';

const dataDir = mkdtempSync(join(tmpdir(), 'sluice-schemas-'));
let platform: TestPlatform;
let sr: SrCall;

before(async () => {
  platform = await startTestPlatform({ dataDir });
  sr = schemaRegistryCaller(platform.http.url);
});
after(async () => {
  await platform.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

const v1 = avroRecord('R', [{ name: 'a', type: 'string' }]);
// Adds a field with a default: every direction reads it.
const addOptional = avroRecord('R', [
  { name: 'a', type: 'string' },
  { name: 'b', type: 'int', default: 1 },
]);
// Adds a field without a default: old data lacks it, so BACKWARD breaks; old readers ignore it.
const addRequired = avroRecord('R', [
  { name: 'a', type: 'string' },
  { name: 'c', type: 'int' },
]);
// Drops `a` (no default in v1): old readers cannot fill it, so FORWARD breaks.
const dropA = avroRecord('R', []);

// [level, the breaking schema for a subject holding v1]
const cases: Array<[string, string]> = [
  ['BACKWARD', addRequired],
  ['BACKWARD_TRANSITIVE', addRequired],
  ['FORWARD', dropA],
  ['FORWARD_TRANSITIVE', dropA],
  ['FULL', addRequired],
  ['FULL_TRANSITIVE', dropA],
];

for (const [level, breaking] of cases) {
  test(`${level}: a breaking registration is refused with 409, a compatible one accepted`, async () => {
    const subject = `mode-${level.toLowerCase()}`;
    assert.equal((await sr('PUT', `/config/${subject}`, { compatibility: level })).status, 200);
    assert.equal((await sr('POST', `/subjects/${subject}/versions`, { schema: v1 })).status, 200);
    const refused = await sr('POST', `/subjects/${subject}/versions`, { schema: breaking });
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(errorCode(refused), 409);
    assert.match((refused.body as { message: string }).message, /incompatible/);
    const ok = await sr('POST', `/subjects/${subject}/versions`, { schema: addOptional });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual((await sr('GET', `/subjects/${subject}/versions`)).body, [1, 2]);
  });
}

test('NONE accepts what every other level refuses', async () => {
  await sr('PUT', '/config/mode-none', { compatibility: 'NONE' });
  await sr('POST', '/subjects/mode-none/versions', { schema: v1 });
  assert.equal((await sr('POST', '/subjects/mode-none/versions', { schema: addRequired })).status, 200);
  assert.equal((await sr('POST', '/subjects/mode-none/versions', { schema: '"int"' })).status, 200);
});

test('transitive levels check every earlier version, plain ones only the latest', async () => {
  // x3 needs `b` without a default: it reads x2's data (which has b) but not x1's (which lacks it).
  const x1 = avroRecord('T', [{ name: 'a', type: 'string' }]);
  const x2 = avroRecord('T', [
    { name: 'a', type: 'string' },
    { name: 'b', type: 'int', default: 0 },
  ]);
  const x3 = avroRecord('T', [{ name: 'b', type: 'int' }]); // reads x2 (has b), not x1 (no b)
  for (const [subject, level] of [
    ['trans-plain', 'BACKWARD'],
    ['trans-all', 'BACKWARD_TRANSITIVE'],
  ]) {
    await sr('PUT', `/config/${subject}`, { compatibility: level });
    await sr('POST', `/subjects/${subject}/versions`, { schema: x1 });
    await sr('POST', `/subjects/${subject}/versions`, { schema: x2 });
  }
  assert.equal((await sr('POST', '/subjects/trans-plain/versions', { schema: x3 })).status, 200);
  assert.equal((await sr('POST', '/subjects/trans-all/versions', { schema: x3 })).status, 409);
});

test('JSON Schema: a breaking change is refused under BACKWARD and FORWARD', async () => {
  const open = '{"type":"object","properties":{"a":{"type":"string"}}}';
  const narrowed = '{"type":"object","properties":{"a":{"type":"string","maxLength":3}}}';
  await sr('PUT', '/config/json-b', { compatibility: 'BACKWARD' });
  await sr('POST', '/subjects/json-b/versions', { schemaType: 'JSON', schema: open });
  assert.equal(
    (await sr('POST', '/subjects/json-b/versions', { schemaType: 'JSON', schema: narrowed })).status,
    409,
  );
  await sr('PUT', '/config/json-f', { compatibility: 'FORWARD' });
  await sr('POST', '/subjects/json-f/versions', { schemaType: 'JSON', schema: narrowed });
  assert.equal(
    (await sr('POST', '/subjects/json-f/versions', { schemaType: 'JSON', schema: open })).status,
    409,
  );
});

test('restart: stop the platform, start it on the same data directory, same ids and versions', async () => {
  const first = await sr('POST', '/subjects/durable-value/versions', { schema: v1 });
  await sr('DELETE', '/subjects/mode-none/versions/1');
  await sr('PUT', '/config', { compatibility: 'FULL' });
  await sr('PUT', '/mode/frozen', { mode: 'READONLY' });
  const snapshot = async () => ({
    subjects: (await sr('GET', '/subjects?deleted=true')).body,
    live: (await sr('GET', '/subjects')).body,
    durable: (await sr('GET', '/subjects/durable-value/versions/latest')).body,
    none: (await sr('GET', '/subjects/mode-none/versions?deleted=true')).body,
    noneLive: (await sr('GET', '/subjects/mode-none/versions')).body,
    config: (await sr('GET', '/config')).body,
    mode: (await sr('GET', '/mode/frozen')).body,
    byId: (await sr('GET', `/schemas/ids/${(first.body as { id: number }).id}/versions`)).body,
  });
  const before = await snapshot();
  await platform.close();
  platform = await startTestPlatform({ dataDir });
  sr = schemaRegistryCaller(platform.http.url);
  assert.deepEqual(await snapshot(), before);
  // Ids keep increasing after the restart.
  const maxBefore = Math.max(
    ...((before.subjects as string[]).length > 0 ? [(first.body as { id: number }).id] : [0]),
  );
  const next = await sr('POST', '/subjects/after-restart/versions', { schema: '"bytes"' });
  assert.ok((next.body as { id: number }).id > maxBefore);
});
