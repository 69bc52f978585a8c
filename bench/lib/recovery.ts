// Recovery after kill -9: fill a 1-partition topic with ~1 GiB of 1 KiB records (acks=1),
// SIGKILL the broker process (for Kafka, the JVM), start it again on the same data, and time
// process start → a ListOffsets (latest) answer that covers every acknowledged record.
// Both brokers at their defaults: neither is told to flush, and Kafka recovers the segments
// after its last recovery checkpoint on an unclean shutdown, as it does by default.

import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type BrokerName, kafkaOverrides, type RunningBroker, type StartContext } from './broker.js';
import { restartKafka, startKafka } from './kafka-peer.js';
import { type Loadgen, loadgen } from './loadgen.js';
import { isAlive, run, sleep } from './processes.js';
import { startSluice } from './sluice-broker.js';
import { BATCH_BYTES, LINGER_MS } from './workloads.js';

export const RECOVERY_TOPIC = 'recovery';
export const RECOVERY_SIZE = 1024;
/** 1 GiB of values. */
export const RECOVERY_RECORDS = 1 << 20;
const PRODUCE_TIMEOUT_MS = 10 * 60_000;
const RECOVERY_TIMEOUT_MS = 10 * 60_000;

export interface RecoveryResult {
  broker: BrokerName;
  error?: string;
  records: number;
  /** Records acknowledged before the kill. */
  acked?: number;
  produceSeconds?: number;
  /** Bytes under the data directory at the kill. */
  dataBytes?: number;
  /** Process start → first ApiVersions answer, on the restart. */
  apiVersionsMs?: number;
  /** Process start → first ListOffsets answer without error (any offset). */
  firstAnswerMs?: number;
  firstOffset?: number;
  /** Process start → ListOffsets latest ≥ acked. */
  recoveryMs?: number;
  /** The log end offset the restarted broker answered. */
  restartedOffset?: number;
  log?: string;
}

export const RECOVERY_COMMAND = [
  `bench/.bin/loadgen produce --topic ${RECOVERY_TOPIC} --records ${RECOVERY_RECORDS} --size ${RECOVERY_SIZE}`,
  `--acks 1 --partitions 1 --linger-ms ${LINGER_MS} --batch-bytes ${BATCH_BYTES}; kill -9;`,
  'restart; bench/.bin/loadgen wait-offset --min ACKED --interval 5ms',
].join(' ');

function duBytes(path: string): number {
  let total = 0;
  for (const entry of readdirSync(path, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

async function killHard(pid: number): Promise<void> {
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 500 && isAlive(pid); i++) await sleep(10);
}

export async function runRecovery(
  broker: BrokerName,
  env: { repoRoot: string; tmpRoot: string; gen: Loadgen; sluiceLogLevel?: string },
  records = RECOVERY_RECORDS,
): Promise<RecoveryResult> {
  const say = (s: string) => process.stdout.write(`[${broker} recovery] ${s}\n`);
  const workDir = mkdtempSync(join(env.tmpRoot, `${broker}-recovery-`));
  const ctx: StartContext = {
    repoRoot: env.repoRoot,
    workDir,
    gen: env.gen,
    kafkaOverrides: kafkaOverrides(undefined),
    sluiceLogLevel: env.sluiceLogLevel,
  };
  const result: RecoveryResult = { broker, records };
  let running: RunningBroker | undefined;
  try {
    running = broker === 'sluice' ? await startSluice(ctx) : await startKafka(ctx);
    const b = running;
    say(`started on ${b.bootstrap} (pid ${b.pid})`);
    const created = await loadgen(
      env.gen,
      'create-topic',
      ['--brokers', b.bootstrap, '--topic', RECOVERY_TOPIC, '--partitions', '1'],
      60_000,
    );
    if (!created.ok) throw new Error(`create-topic: ${created.error}`);
    const produced = await loadgen(
      env.gen,
      'produce',
      [
        ...['--brokers', b.bootstrap, '--topic', RECOVERY_TOPIC, '--records', String(records)],
        ...['--size', String(RECOVERY_SIZE), '--acks', '1', '--partitions', '1'],
        ...['--linger-ms', String(LINGER_MS), '--batch-bytes', String(BATCH_BYTES)],
      ],
      PRODUCE_TIMEOUT_MS,
    );
    if (!produced.ok) throw new Error(`produce: ${produced.error}`);
    result.acked = produced.result.records as number;
    result.produceSeconds = produced.ms / 1000;
    say(
      `acknowledged ${result.acked} of ${records} records in ${result.produceSeconds.toFixed(1)} s; kill -9 ${b.pid}`,
    );
    await killHard(b.pid);
    await b.stop(); // only closes the log: the process is gone
    running = undefined;
    const dataDir = broker === 'sluice' ? join(workDir, 'data') : join(workDir, 'kafka', 'data');
    result.dataBytes = duBytes(dataDir);
    // The page cache still holds what the process wrote (no power loss); sync so the restart
    // does not also compete with writeback, as before every other workload.
    await run('sync', [], { timeoutMs: 300_000 });

    const probe = loadgen(
      env.gen,
      'wait-offset',
      [
        ...['--brokers', b.bootstrap, '--topic', RECOVERY_TOPIC, '--partition', '0'],
        ...['--min', String(result.acked), '--interval', '5ms'],
      ],
      RECOVERY_TIMEOUT_MS,
    );
    const port = Number(b.bootstrap.split(':')[1]);
    let again: RunningBroker;
    if (broker === 'sluice') {
      // startSluice waits for ApiVersions itself; the wait-offset probe runs alongside.
      again = await startSluice({ ...ctx, port, logName: 'sluice-restart.log' });
      result.apiVersionsMs = again.startupMs;
    } else {
      again = restartKafka(ctx, b.bootstrap);
    }
    running = again;
    const out = await probe;
    if (!out.ok) throw new Error(`after the restart: ${out.error}`);
    const r = out.result;
    result.restartedOffset = r.offset as number;
    result.firstOffset = r.firstOffset as number;
    result.firstAnswerMs = (r.firstAnswerUnixMs as number) - again.startUnixMs;
    if (r.complete === true) result.recoveryMs = (r.readyUnixMs as number) - again.startUnixMs;
    else
      result.error = `the restarted broker answered log end offset ${r.offset} < ${result.acked} acknowledged`;
    say(
      `restarted: ListOffsets latest = ${result.restartedOffset} (acked ${result.acked}) ` +
        `${result.recoveryMs !== undefined ? `after ${Math.round(result.recoveryMs)} ms` : '(incomplete)'}`,
    );
    return result;
  } catch (error) {
    result.error = (error as Error).message;
    result.log = running?.logTail(30);
    say(`FAILED: ${result.error.split('\n')[0]}`);
    return result;
  } finally {
    if (running) {
      const note = await running.stop();
      if (note) say(`stop: ${note}`);
    }
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** The report of an --only-recovery run: the table, the runs, and what failed. */
export function renderRecoveryDoc(
  table: string,
  runs: readonly RecoveryResult[],
  head: { date: Date; argv: string[]; versions: Record<string, string>; machine: string },
): string {
  const lines = runs.map((r) => {
    const name = r.broker === 'sluice' ? 'Sluice' : 'Kafka';
    const mib = r.dataBytes !== undefined ? `${(r.dataBytes / 2 ** 20).toFixed(0)} MiB on disk` : '';
    const figures =
      `acked ${r.acked ?? '—'} in ${r.produceSeconds?.toFixed(1) ?? '—'} s; ${mib}; ` +
      `ApiVersions after ${r.apiVersionsMs !== undefined ? Math.round(r.apiVersionsMs) : '—'} ms; ` +
      `first ListOffsets answer ${r.firstOffset ?? '—'} after ${r.firstAnswerMs !== undefined ? Math.round(r.firstAnswerMs) : '—'} ms; ` +
      `log end offset ${r.restartedOffset ?? '—'} after ${r.recoveryMs !== undefined ? Math.round(r.recoveryMs) : '—'} ms`;
    const failed = r.error
      ? `\n  **Failed:** ${r.error.split('\n')[0]}${r.log ? `\n\n\`\`\`\n${r.log}\n\`\`\`` : ''}`
      : '';
    return `- ${name}: ${figures}${failed}`;
  });
  return `# Recovery after kill -9

${head.date.toISOString()}, \`node dist/bench/run.js ${head.argv.join(' ')}\`; ${head.machine}; ${Object.entries(
    head.versions,
  )
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}.

${table}

Method: ${RECOVERY_COMMAND}. Both brokers at their defaults (Kafka recovers unflushed segments on an unclean shutdown by default).

${lines.join('\n')}
`;
}
