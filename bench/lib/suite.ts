// One round against one broker: start it, create the topics, run every workload, read its
// peak memory, stop it. A failing workload marks its cell and the round goes on.

import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  type BrokerName,
  displayName,
  kafkaOverrides,
  type RunningBroker,
  type StartContext,
  type Variant,
} from './broker.js';
import { type Generators, runGenerator } from './generators.js';
import { startKafka } from './kafka-peer.js';
import { type Loadgen, loadgen } from './loadgen.js';
import { peakRssKiB, procStat, run, sleep } from './processes.js';
import { startSluice } from './sluice-broker.js';
import { fullLabel, timeoutMs, topics, type Workload } from './workloads.js';

export type Cell =
  | { ok: true; result: Record<string, unknown>; brokerCpuSeconds?: number; note?: string }
  | { ok: false; error: string; log?: string; result?: Record<string, unknown> };

export interface SuiteResult {
  broker: BrokerName;
  /** Set on the extra suites that measure a broker under another configuration. */
  variant?: Variant;
  round: number;
  startError?: string;
  startupMs?: number;
  peakRssKiB?: number;
  brokerCpuSeconds?: number;
  stopNote?: string;
  /** Warnings and errors in the broker's log, counted, with the first few. */
  logProblems?: { count: number; sample: string[] };
  kafkaProperties?: string;
  cells: Record<string, Cell>;
}

const PAUSE_BETWEEN_MS = 1000;

export async function runSuite(
  broker: BrokerName,
  round: number,
  list: readonly Workload[],
  env: { repoRoot: string; tmpRoot: string; gen: Loadgen; generators?: Generators; sluiceLogLevel?: string },
  variant?: Variant,
): Promise<SuiteResult> {
  const generators = env.generators ?? { repoRoot: env.repoRoot, franz: env.gen };
  const say = (s: string) => process.stdout.write(`[${displayName(broker, variant)} round ${round}] ${s}\n`);
  const workDir = mkdtempSync(join(env.tmpRoot, `${broker}${variant ? `-${variant}` : ''}-${round}-`));
  const ctx: StartContext = {
    repoRoot: env.repoRoot,
    workDir,
    gen: env.gen,
    kafkaOverrides: kafkaOverrides(variant),
    sluiceLogLevel: env.sluiceLogLevel,
  };
  const suite: SuiteResult = { broker, round, cells: {}, ...(variant ? { variant } : {}) };
  let running: (RunningBroker & { properties?: string }) | undefined;
  try {
    try {
      running = broker === 'sluice' ? await startSluice(ctx) : await startKafka(ctx);
    } catch (error) {
      suite.startError = (error as Error).message;
      say(`did not start: ${suite.startError}`);
      return suite;
    }
    const b = running;
    suite.startupMs = b.startupMs;
    suite.kafkaProperties = b.properties;
    say(`started in ${b.startupMs.toFixed(0)} ms on ${b.bootstrap} (pid ${b.pid})`);

    const failedTopics = new Map<string, string>();
    for (const [topic, partitions] of topics(list)) {
      const args = ['--brokers', b.bootstrap, '--topic', topic, '--partitions', String(partitions)];
      const out = await loadgen(env.gen, 'create-topic', args, 60_000);
      if (!out.ok) failedTopics.set(topic, `create-topic ${topic}: ${out.error}`);
    }

    for (const w of list) {
      const exit = b.exitReason();
      const topicError = failedTopics.get(w.topic);
      if (exit !== undefined || topicError !== undefined) {
        const error = exit !== undefined ? `broker ${exit}` : (topicError as string);
        suite.cells[w.id] = { ok: false, error, log: b.logTail(30) };
        say(`${fullLabel(w)}: skipped (${error})`);
        continue;
      }
      if (w.syncBefore !== false) await run('sync', [], { timeoutMs: 300_000 });
      const cell = await runWorkload(b, w, generators);
      suite.cells[w.id] = cell;
      say(`${fullLabel(w)}: ${describe(cell)}`);
      await sleep(PAUSE_BETWEEN_MS);
    }
    suite.peakRssKiB = peakRssKiB(b.pid);
    suite.brokerCpuSeconds = procStat(b.pid)?.cpuSeconds;
    suite.logProblems = logProblems(broker, workDir);
    return suite;
  } finally {
    if (running) {
      suite.stopNote = await running.stop();
      if (suite.stopNote) say(`stop: ${suite.stopNote}`);
      suite.logProblems ??= logProblems(broker, workDir);
    }
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function runWorkload(b: RunningBroker, w: Workload, generators: Generators): Promise<Cell> {
  const before = procStat(b.pid)?.cpuSeconds;
  const out = await runGenerator(generators, w, b.bootstrap, timeoutMs(w));
  const after = procStat(b.pid)?.cpuSeconds;
  const brokerCpuSeconds = before !== undefined && after !== undefined ? after - before : undefined;
  const exit = b.exitReason();
  if (!out.ok) {
    return { ok: false, error: exit ? `${out.error}; broker ${exit}` : out.error, log: b.logTail(30) };
  }
  const r = out.result;
  const num = (key: string) => (typeof r[key] === 'number' ? (r[key] as number) : 0);
  const firstError = typeof r.firstError === 'string' ? r.firstError : undefined;
  if (w.kind !== 'e2e' && r.complete !== true) {
    const also = firstError ? `; first error: ${firstError}` : '';
    let error: string;
    if (w.kind === 'rebalance') error = incompleteRebalance(r, w.members) + also;
    else {
      const done = w.kind === 'produce' ? 'acknowledged' : 'read';
      error = `${done} ${num('records')} of ${w.records} records${also}`;
    }
    return { ok: false, error, result: r, log: b.logTail(30) };
  }
  const notes: string[] = [];
  if (num('errors') > 0) notes.push(`${num('errors')} errors (first: ${firstError})`);
  if (num('clientWarnings') > 0) {
    const first = Array.isArray(r.firstWarnings) ? r.firstWarnings[0] : undefined;
    notes.push(`the clients logged ${num('clientWarnings')} warnings (first: ${String(first)})`);
  }
  if (w.kind === 'group') {
    const members = Array.isArray(r.perMember) ? (r.perMember as Array<{ assignedMs: number }>) : [];
    const never = members.filter((m) => m.assignedMs < 0).length;
    if (never > 0) {
      notes.push(
        `${never} of ${w.members} members got no partitions before the others had read every record`,
      );
    }
    if (num('duplicates') > 0)
      notes.push(`${num('duplicates')} records delivered twice (re-read after a rebalance)`);
    if (r.committedComplete !== true) {
      notes.push(`committed offsets read back cover ${num('committed')} of ${w.records} records`);
    }
  }
  if (num('missing') > 0) notes.push(`${num('missing')} acknowledged records never reached the consumer`);
  if (w.kind === 'e2e' && num('achievedRate') < w.rate * 0.95) {
    notes.push(`generator reached only ${num('achievedRate').toFixed(0)} msg/s`);
  }
  return { ok: true, result: r, brokerCpuSeconds, note: notes.length > 0 ? notes.join('; ') : undefined };
}

/** Which members of which run never had records. */
function incompleteRebalance(r: Record<string, unknown>, members: number): string {
  const runs = Array.isArray(r.runs) ? (r.runs as Array<Record<string, unknown>>) : [];
  const bad = runs.find((run) => run.complete !== true);
  if (!bad) return 'no complete run';
  const per = Array.isArray(bad.perMember) ? (bad.perMember as Array<Record<string, unknown>>) : [];
  const without = per.filter((m) => typeof m.firstRecordsMs !== 'number' || m.firstRecordsMs < 0).length;
  return `run ${runs.length}: ${without} of ${members} members had no records after the run timeout (generation ${String(bad.generation)})`;
}

function describe(cell: Cell): string {
  if (!cell.ok) return `FAILED: ${cell.error.split('\n')[0]}`;
  const r = cell.result;
  const note = cell.note ? ` [${cell.note}]` : '';
  if (r.mode === 'rebalance') {
    const runs = (r.runs as Array<{ allFirstRecordsMs: number; generation: number }>) ?? [];
    const each = runs.map((x) => `${Math.round(x.allFirstRecordsMs)} g${x.generation}`).join(', ');
    return `all members have records after p50 ${Math.round(r.firstRecordsP50Ms as number)} ms (ms and generation per run: ${each})${note}`;
  }
  if (r.mode === 'throughput') {
    const rate = Math.round(r.recordsPerSec as number).toLocaleString('en-US');
    const assigned = r.allAssignedMs as number;
    const all =
      assigned < 0 ? 'not every member assigned' : `every member assigned at ${Math.round(assigned)} ms`;
    return `${rate} rec/s, ${r.mibPerSec} MiB/s; ${all}, first record at ${Math.round(r.firstRecordMs as number)} ms${note}`;
  }
  if (typeof r.recordsPerSec === 'number') {
    const cpu =
      cell.brokerCpuSeconds !== undefined ? `, broker CPU ${cell.brokerCpuSeconds.toFixed(1)} s` : '';
    return `${Math.round(r.recordsPerSec).toLocaleString('en-US')} rec/s, ${r.mibPerSec} MiB/s${cpu}${note}`;
  }
  const lat = r.latency as { p50Ms: number; p99Ms: number; p999Ms: number };
  return `p50 ${lat.p50Ms} ms, p99 ${lat.p99Ms} ms, p99.9 ${lat.p999Ms} ms${note}`;
}

/** Counts WARN/ERROR lines (pino levels 40+ for Sluice; log4j levels for Kafka). */
function logProblems(broker: BrokerName, workDir: string): { count: number; sample: string[] } {
  const path = broker === 'sluice' ? join(workDir, 'sluice.log') : join(workDir, 'kafka', 'server.log');
  try {
    if (statSync(path).size > 256 * 1024 * 1024) return { count: -1, sample: ['log larger than 256 MiB'] };
    const bad =
      broker === 'sluice'
        ? (line: string) =>
            /"level":(40|50|60)/.test(line) ||
            (line.trim() !== '' && !line.startsWith('{') && !/^sluice broker(:| listening)/.test(line))
        : (line: string) => / (WARN|ERROR|FATAL) /.test(line);
    const lines = readFileSync(path, 'utf8').split('\n').filter(bad);
    return { count: lines.length, sample: lines.slice(0, 5).map((l) => l.slice(0, 400)) };
  } catch {
    return { count: 0, sample: [] };
  }
}
