import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PartitionReader } from '../../src/client/index.js';
import sluicePino from '../../src/logs/pino/index.js';
import { startTestBroker, type TestBroker } from '../helpers/broker-fixture.js';
import { freePort } from '../helpers/waiting.js';

let broker: TestBroker | undefined;
after(() => broker?.dispose());

test('while the broker is away lines wait in the bounded buffer; overflow is dropped, counted and reported', async () => {
  const port = await freePort();
  const warnings: string[] = [];
  const stream = await sluicePino({
    bootstrap: [`127.0.0.1:${port}`],
    service: 'buffered',
    topic: 'logs-buffer',
    maxBufferedLines: 50,
  });
  const shipper = stream.shipper as unknown as { warn: (m: string) => void };
  Object.defineProperty(shipper, 'warn', { value: (m: string) => warnings.push(m) });

  for (let i = 0; i < 80; i++) stream.write(`${JSON.stringify({ level: 30, time: Date.now(), seq: i })}\n`);
  assert.equal(stream.shipper.buffer.length, 50);
  assert.equal(stream.shipper.buffer.dropped, 30);

  // The first attempt fails (nobody listens yet); then the broker comes up on that port.
  for (let i = 0; i < 200 && !warnings.some((w) => /cannot send/.test(w)); i++) await sleep(50);
  assert.ok(
    warnings.some((w) => /cannot send/.test(w)),
    warnings.join('\n'),
  );
  broker = await startTestBroker({ port });
  await new Promise<void>((resolve, reject) =>
    stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );

  const reader = await PartitionReader.open({
    bootstrap: [`127.0.0.1:${port}`],
    topic: 'logs-buffer',
    start: 'earliest',
  });
  const records = [];
  try {
    for (let i = 0; i < 20 && records.length < 51; i++) records.push(...(await reader.poll(500)));
  } finally {
    await reader.close();
  }
  const values = records.map((r) => JSON.parse(r.value!.toString()));
  assert.deepEqual(
    values.slice(0, 50).map((v) => v.seq),
    Array.from({ length: 50 }, (_, i) => i),
  );
  assert.equal(values.length, 51);
  assert.equal(values[50].dropped, 30);
  assert.match(values[50].msg, /dropped 30 log lines/);
  assert.ok(warnings.some((w) => /buffer full/.test(w)));
  assert.ok(warnings.some((w) => /recovered; 30 log lines were dropped/.test(w)));
});
