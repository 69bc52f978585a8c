// Idempotent producers across kill -9 (issue 10, bug 3), with a real client: a confluent-kafka
// producer (enable.idempotence, acks=all) writes unique values at a steady rate, the broker is
// killed with SIGKILL mid-stream and restarted at once on the same port, the producer flushes,
// and every stored value is counted. A retried batch appended twice shows up as a duplicate.
// Not part of the test command (about 15 s a trial):
//   npm run build && node dist/test/compat/idempotent-crash.js [--trials 10] [--rate 10000] [--seconds 6]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CreateTopics, ErrorCode } from '../../src/protocol/index.js';
import { type BrokerProcess, spawnBroker } from '../helpers/broker-process.js';
import { WireClient } from '../helpers/wire-client.js';
import { SYSTEM_PYTHON } from './peers/python.js';
import { peerMissing, repoRoot, runProcess } from './peers.js';

const TOPIC = 'idem';
const PARTITIONS = 3;

interface Trial {
  trial: number;
  killAfterMs: number;
  sent: number;
  acked: number;
  failed: number;
  stored: number;
  duplicates: number;
  lostAcked: number;
  errors: Record<string, number>;
}

async function createTopic(port: number): Promise<void> {
  const client = await WireClient.connect(port);
  try {
    const res = await client.request(CreateTopics, 7, {
      topics: [
        { name: TOPIC, numPartitions: PARTITIONS, replicationFactor: 1, assignments: [], configs: [] },
      ],
      timeoutMs: 5000,
      validateOnly: false,
    });
    if (res.topics[0].errorCode !== ErrorCode.NONE)
      throw new Error(`CreateTopics: ${res.topics[0].errorCode}`);
  } finally {
    client.close();
  }
}

async function runTrial(trial: number, rate: number, seconds: number): Promise<Trial> {
  const work = mkdtempSync(join(tmpdir(), 'sluice-idem-crash-'));
  const dataDir = join(work, 'data');
  let broker: BrokerProcess = await spawnBroker(dataDir);
  const { port } = broker;
  try {
    await createTopic(port);
    const script = join(repoRoot(), 'test/compat/python/confluent_idempotent_load.py');
    const producer = runProcess(
      SYSTEM_PYTHON,
      [script, broker.bootstrap, TOPIC, String(rate), String(seconds), `t${trial}`],
      { timeoutMs: 300_000, cwd: work },
    );
    // Somewhere in the middle of the stream, so batches are in flight when the broker dies.
    const killAfterMs = Math.round((0.25 + Math.random() * 0.5) * seconds * 1000);
    await new Promise((r) => setTimeout(r, killAfterMs));
    await broker.stop('SIGKILL');
    broker = await spawnBroker(dataDir, port);
    const run = await producer;
    if (run.code !== 0) throw new Error(`producer failed: ${run.stderr.slice(-2000)}`);
    const summary = JSON.parse(run.stdout.toString()) as Pick<Trial, 'sent' | 'acked' | 'failed' | 'errors'>;
    const kcat = await runProcess(
      'kcat',
      ['-C', '-b', broker.bootstrap, '-t', TOPIC, '-e', '-q', '-o', 'beginning', '-f', '%s\\n'],
      { timeoutMs: 120_000 },
    );
    const stored = kcat.stdout.toString().split('\n').filter(Boolean);
    const unique = new Set(stored);
    const acked = readFileSync(join(work, `t${trial}.acked`), 'utf8')
      .split('\n')
      .filter(Boolean);
    return {
      trial,
      killAfterMs,
      ...summary,
      stored: stored.length,
      duplicates: stored.length - unique.size,
      lostAcked: acked.filter((v) => !unique.has(v)).length,
    };
  } finally {
    await broker.stop('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      trials: { type: 'string', default: '10' },
      rate: { type: 'string', default: '10000' },
      seconds: { type: 'string', default: '6' },
    },
  });
  for (const peer of ['confluent-kafka', 'kcat'] as const) {
    const missing = await peerMissing(peer);
    if (missing) throw new Error(missing);
  }
  const results: Trial[] = [];
  for (let i = 1; i <= Number(values.trials); i++) {
    const r = await runTrial(i, Number(values.rate), Number(values.seconds));
    results.push(r);
    console.log(JSON.stringify(r));
  }
  const sum = (k: 'sent' | 'acked' | 'stored' | 'duplicates' | 'lostAcked') =>
    results.reduce((s, r) => s + r[k], 0);
  console.log(
    `${results.length} trials: ${sum('sent')} sent, ${sum('acked')} acked, ${sum('stored')} stored, ` +
      `${sum('duplicates')} duplicates in ${results.filter((r) => r.duplicates > 0).length} trials, ` +
      `${sum('lostAcked')} acknowledged values missing`,
  );
  if (sum('duplicates') > 0 || sum('lostAcked') > 0) process.exitCode = 1;
}

await main();
