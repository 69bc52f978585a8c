// One round of one side: a fresh broker, the topics, the input pre-filled, then the processor
// started and timed until every expected output has arrived (throughput), then records at a fixed
// rate through the running processor (latency), CPU and peak RSS from /proc, and a count check.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kafkaOverrides, type RunningBroker, type StartContext } from '../broker.js';
import { startKafka } from '../kafka-peer.js';
import { type Loadgen, loadgen } from '../loadgen.js';
import { peakRssKiB, procStat } from '../processes.js';
import { startSluice } from '../sluice-broker.js';
import {
  type RunningProcessor,
  type StreamsApp,
  startSluicePipeline,
  startStreamsApp,
} from './processors.js';
import {
  DLQ_TOPIC,
  type Expected,
  INPUT_TOPIC,
  LATENCY_TOPIC,
  OUTPUT_TOPICS,
  PARTITIONS,
  pipelineYaml,
  SCHEMA,
} from './workload.js';

/** sluice: `sluice pipeline run` on `sluice broker`; streams: the Streams app on Apache Kafka; streams-on-sluice: the Streams app on `sluice broker`. */
export type Side = 'sluice' | 'streams' | 'streams-on-sluice';
export const SIDES: readonly Side[] = ['sluice', 'streams', 'streams-on-sluice'];
export const SIDE_DISPLAY: Record<Side, string> = {
  sluice: 'Sluice pipeline on Sluice',
  streams: 'Kafka Streams on Kafka',
  'streams-on-sluice': 'Kafka Streams on Sluice',
};

export interface Scale {
  name: 'full' | 'quick';
  messages: number;
  rate: number;
  durationS: number;
  warmupS: number;
  rounds: number;
}
export const FULL: Scale = {
  name: 'full',
  messages: 500_000,
  rate: 5000,
  durationS: 10,
  warmupS: 2,
  rounds: 3,
};
export const QUICK: Scale = {
  name: 'quick',
  messages: 20_000,
  rate: 5000,
  durationS: 10,
  warmupS: 2,
  rounds: 1,
};

export interface Files {
  /** The pre-fill: messages [0, scale.messages). */
  fill: string;
  fillExpected: Expected;
  /** The fixed-rate run: rate × duration messages from another range of seq. */
  latency: string;
  latencyExpected: Expected;
}

export interface RoundEnv {
  repoRoot: string;
  tmpRoot: string;
  gen: Loadgen;
  scale: Scale;
  files: Files;
  streamsApp?: StreamsApp;
  streamsThreads: number;
  /** Where the Sluice pipeline writes a CPU profile (--cpu-prof), if anywhere. */
  profileDir?: string;
}

export interface RoundResult {
  side: Side;
  round: number;
  ok: boolean;
  error?: string;
  notes: string[];
  /** Input messages per second, from the processor's start to the last expected output. */
  throughput?: number;
  /** From the processor's start to its first output record (start-up, group join, first batch). */
  firstOutputMs?: number;
  /** Input messages per second from the first output record to the last. */
  steadyThroughput?: number;
  seconds?: number;
  counts?: Record<string, number>;
  expected?: Record<string, number>;
  countsOk?: boolean;
  latency?: { p50Ms: number; p99Ms: number; p999Ms: number; maxMs: number; samples: number };
  latencyReceived?: number;
  latencyExpected?: number;
  /** Processor CPU seconds (user + system) until the throughput phase ended, and in all. */
  cpuThroughputS?: number;
  cpuTotalS?: number;
  /** Broker CPU seconds during the throughput phase. */
  brokerCpuThroughputS?: number;
  peakRssMiB?: number;
  prefillRecordsPerSec?: number;
  /** What the processor printed of its own counters when stopped (the Streams app: one JSON line). */
  counters?: string;
}

const LOADGEN_TIMEOUT_MS = 20 * 60_000;

async function startBroker(side: Side, ctx: StartContext): Promise<RunningBroker> {
  if (side === 'streams') {
    // kafka.sh's group.initial.rebalance.delay.ms=0 (Sluice's own value): neither side's
    // throughput clock includes a wait for more group members that never come.
    return startKafka({ ...ctx, kafkaOverrides: kafkaOverrides('delay0') });
  }
  return startSluice(ctx);
}

export async function runRound(side: Side, round: number, env: RoundEnv): Promise<RoundResult> {
  const result: RoundResult = { side, round, ok: false, notes: [] };
  const workDir = mkdtempSync(join(env.tmpRoot, `${side}-${round}-`));
  let broker: RunningBroker | undefined;
  let processor: RunningProcessor | undefined;
  try {
    broker = await startBroker(side, { repoRoot: env.repoRoot, workDir, gen: env.gen });
    const bootstrap = broker.bootstrap;
    for (const topic of [INPUT_TOPIC, ...OUTPUT_TOPICS, DLQ_TOPIC]) {
      const created = await loadgen(
        env.gen,
        'create-topic',
        ['--brokers', bootstrap, '--topic', topic, '--partitions', String(PARTITIONS)],
        120_000,
      );
      if (!created.ok) throw new Error(`create-topic ${topic}: ${created.error}`);
    }
    const filled = await loadgen(
      env.gen,
      'produce-file',
      ['--brokers', bootstrap, '--topic', INPUT_TOPIC, '--file', env.files.fill],
      LOADGEN_TIMEOUT_MS,
    );
    if (!filled.ok) throw new Error(`pre-fill: ${filled.error}`);
    result.prefillRecordsPerSec = filled.result.recordsPerSec as number;

    // The counter reads from the start of the outputs, so it may start before the processor.
    const expected = env.files.fillExpected.topics;
    // A processor that dies ends the count at once rather than at its time limit.
    const processorGone = new AbortController();
    const counting = loadgen(
      env.gen,
      'count',
      [
        '--brokers',
        bootstrap,
        '--expect',
        Object.entries(expected)
          .map(([t, n]) => `${t}=${n}`)
          .join(','),
      ],
      LOADGEN_TIMEOUT_MS,
      processorGone.signal,
    );
    const brokerCpu0 = procStat(broker.pid)?.cpuSeconds;
    if (side === 'sluice') {
      const config = join(workDir, 'pipeline.yaml');
      writeFileSync(config, pipelineYaml());
      processor = startSluicePipeline(env.repoRoot, bootstrap, config, workDir, env.profileDir);
    } else {
      if (!env.streamsApp) throw new Error('the Streams app is not built');
      const schemaFile = join(workDir, 'order.schema.json');
      writeFileSync(schemaFile, JSON.stringify(SCHEMA));
      processor = startStreamsApp(
        env.repoRoot,
        env.streamsApp,
        bootstrap,
        schemaFile,
        env.streamsThreads,
        workDir,
      );
    }
    void processor.exited.then(() => processorGone.abort());
    const counted = await counting;
    const cpuAtDone = procStat(processor.pid)?.cpuSeconds;
    const brokerCpu1 = procStat(broker.pid)?.cpuSeconds;
    if (!counted.ok) {
      const gone = processor.exitReason();
      throw new Error(
        `${gone ? `the processor ${gone}` : `count: ${counted.error}`}\n${processor.logTail(15)}`,
      );
    }
    const c = counted.result as {
      complete: boolean;
      counts: Record<string, number>;
      firstUnixMs: number;
      doneUnixMs: number;
    };
    result.counts = c.counts;
    result.expected = expected;
    result.countsOk = c.complete && Object.entries(expected).every(([t, n]) => c.counts[t] === n);
    if (!c.complete) {
      const why = processor.exitReason() ? `the processor ${processor.exitReason()}` : 'timed out';
      throw new Error(
        `not every expected output arrived (${why}): ${JSON.stringify(c.counts)}\n${processor.logTail(15)}`,
      );
    }
    if (!result.countsOk)
      result.notes.push(`output counts ${JSON.stringify(c.counts)} ≠ expected ${JSON.stringify(expected)}`);
    const seconds = (c.doneUnixMs - processor.startUnixMs) / 1000;
    result.seconds = seconds;
    result.throughput = env.scale.messages / seconds;
    result.firstOutputMs = c.firstUnixMs - processor.startUnixMs;
    result.steadyThroughput = env.scale.messages / Math.max(0.001, (c.doneUnixMs - c.firstUnixMs) / 1000);
    result.cpuThroughputS = cpuAtDone;
    if (brokerCpu0 !== undefined && brokerCpu1 !== undefined)
      result.brokerCpuThroughputS = brokerCpu1 - brokerCpu0;

    const { scale } = env;
    const e2e = await loadgen(
      env.gen,
      'pipeline-e2e',
      [
        '--brokers',
        bootstrap,
        '--topic',
        INPUT_TOPIC,
        '--out',
        LATENCY_TOPIC,
        '--file',
        env.files.latency,
        '--rate',
        String(scale.rate),
        '--duration',
        `${scale.durationS}s`,
        '--warmup',
        `${scale.warmupS}s`,
        '--expect',
        String(env.files.latencyExpected.topics[LATENCY_TOPIC]),
      ],
      LOADGEN_TIMEOUT_MS,
    );
    if (!e2e.ok) throw new Error(`pipeline-e2e: ${e2e.error}`);
    const latency = e2e.result.latency as RoundResult['latency'] & { samples: number };
    result.latency = latency;
    result.latencyReceived = e2e.result.received as number;
    result.latencyExpected = env.files.latencyExpected.topics[LATENCY_TOPIC];
    if (result.latencyReceived !== result.latencyExpected) {
      result.notes.push(
        `latency run: ${result.latencyReceived} records on ${LATENCY_TOPIC}, expected ${result.latencyExpected}`,
      );
    }
    result.cpuTotalS = procStat(processor.pid)?.cpuSeconds;
    const rss = peakRssKiB(processor.pid);
    if (rss !== undefined) result.peakRssMiB = rss / 1024;
    result.ok = true;
  } catch (error) {
    result.error = (error as Error).message;
  } finally {
    const stopped = await processor?.stop();
    if (stopped) result.notes.push(`processor ${stopped}`);
    const counters = processor
      ?.stdout()
      .split('\n')
      .find((l) => l.startsWith('{'));
    if (counters) result.counters = counters;
    const brokerStop = await broker?.stop();
    if (brokerStop) result.notes.push(`broker ${brokerStop}`);
    rmSync(workDir, { recursive: true, force: true });
  }
  return result;
}
