// Consumer lag metrics (kafka_exporter's names) and Burrow's status, read over the Kafka protocol
// from an in-process Sluice broker, and from Apache Kafka unchanged where it is installed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { peerMissing, repoRoot } from '../compat/peers.js';
import { startTestBroker, type TestBroker } from '../helpers/broker-fixture.js';
import { freePort } from '../helpers/waiting.js';
import { runLagScenario } from './metrics-lag-scenario.js';

describe('consumer lag metrics and Burrow status: Sluice', () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startTestBroker();
  });
  after(async () => {
    await broker.dispose();
  });

  it('exports exact lag values and turns to STOP when the group stops', { timeout: 90_000 }, async () => {
    await runLagScenario(broker.bootstrap, 'sluice');
  });
});

describe('consumer lag metrics and Burrow status: Apache Kafka', () => {
  const script = join(repoRoot(), 'scripts', 'peers', 'kafka.sh');
  let dir: string | undefined;
  let bootstrap: string | undefined;
  let missing: string | null = null;
  before(async () => {
    missing = await peerMissing('kafka-tools');
    if (missing) return;
    dir = mkdtempSync(join(tmpdir(), 'sluice-lag-kafka-'));
    const port = await freePort();
    // Kafka's default of 50 offsets partitions (kafka.sh uses 1), so the reader must follow them all.
    const start = () =>
      spawnSync('bash', [script, 'start', dir!, String(port), 'offsets.topic.num.partitions=50'], {
        encoding: 'utf8',
        timeout: 150_000,
      });
    let started = start();
    // kafka.sh's random cluster id starts with "-" one time in 64, which the format tool takes for
    // an option: a new id is drawn on the next start.
    for (let i = 0; i < 3 && started.status !== 0 && started.stderr.includes('--cluster-id'); i++)
      started = start();
    if (started.status !== 0) throw new Error(`kafka.sh start failed: ${started.stderr}`);
    bootstrap = `127.0.0.1:${port}`;
  });
  after(() => {
    if (dir) {
      spawnSync('bash', [script, 'stop', dir], { timeout: 60_000 });
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exports the same values unchanged', { timeout: 120_000 }, async (t) => {
    if (missing || !bootstrap) {
      t.skip(missing ?? 'Apache Kafka did not start');
      return;
    }
    await runLagScenario(bootstrap, 'kafka');
  });
});
