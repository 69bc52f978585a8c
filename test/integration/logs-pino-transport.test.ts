import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PartitionReader } from '../../src/client/index.js';
import { recordToEntry } from '../../src/logs/ingest/index.js';
import { startTestBroker, type TestBroker } from '../helpers/broker-fixture.js';

const CHILD = fileURLToPath(new URL('../helpers/pino-logging-child.js', import.meta.url));

let broker: TestBroker;
let bootstrap: string;

before(async () => {
  broker = await startTestBroker();
  bootstrap = `127.0.0.1:${broker.port}`;
});
after(() => broker.dispose());

function runChild(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD], {
      env: { ...process.env, BOOTSTRAP: bootstrap, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function readAll(topic: string, expected: number) {
  const reader = await PartitionReader.open({ bootstrap: [bootstrap], topic, start: 'earliest' });
  try {
    const records = [];
    const deadline = Date.now() + 10_000;
    while (records.length < expected && Date.now() < deadline) records.push(...(await reader.poll(500)));
    // Nothing more arrives afterwards (no duplicates from retries).
    records.push(...(await reader.poll(300)));
    return records;
  } finally {
    await reader.close();
  }
}

for (const mode of ['natural', 'exit', 'flush'] as const) {
  test(`every line logged before a clean ${mode} exit arrives, in order, keyed by service`, async () => {
    const topic = `logs-pino-${mode}`;
    const lines = 3_000;
    const result = await runChild({ TOPIC: topic, SERVICE: `svc-${mode}`, LINES: String(lines), MODE: mode });
    assert.equal(result.code, 0, result.stderr);
    if (mode === 'flush') assert.match(result.stdout, /^flushed$/m);

    const records = await readAll(topic, lines + 1);
    assert.equal(records.length, lines + 1);
    const partitions = new Set(records.map((r) => r.partition));
    assert.equal(partitions.size, 1, 'one service, one partition');
    records.forEach((record, i) => {
      assert.equal(record.key?.toString(), `svc-${mode}`);
      const json = JSON.parse(record.value!.toString());
      assert.equal(json.seq, i);
    });
    const last = recordToEntry({ ...records[lines], headers: [] });
    assert.equal(last.labels.service, `svc-${mode}`);
    assert.equal(last.labels.level, 'error');
    const first = JSON.parse(records[0].value!.toString());
    assert.equal(recordToEntry({ ...records[0], headers: [] }).timestampNs, BigInt(first.time) * 1_000_000n);
  });
}
