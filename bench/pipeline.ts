// Pipelines: Sluice's `sluice pipeline run` against a Kafka Streams application doing the same
// validate + transform + route work over 1 KiB JSON messages (issue 12; goal: ≥ 1.0× Kafka Streams
// throughput). Writes docs/bench-sections/pipeline.md (and so docs/benchmarks.md) unless --out.
//
//   npm run build && node dist/bench/pipeline.js [--quick] [--rounds N] [--only SIDES]
//                                                [--streams-threads N] [--out FILE]

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { kafkaOverrides } from './lib/broker.js';
import { ensureKafka, javaVersion, kafkaCommand, kafkaVersion } from './lib/kafka-peer.js';
import { buildLoadgen, commandLine } from './lib/loadgen.js';
import { gitState, machineInfo } from './lib/machine.js';
import {
  buildStreamsApp,
  SLUICE_PIPELINE_COMMAND,
  type StreamsApp,
  sluicePipelineProblem,
  streamsCommand,
} from './lib/pipeline/processors.js';
import { type PipelineRun, renderPipeline } from './lib/pipeline/report.js';
import {
  FULL,
  QUICK,
  type RoundResult,
  runRound,
  SIDE_DISPLAY,
  SIDES,
  type Side,
} from './lib/pipeline/round.js';
import { INPUT_TOPIC, LATENCY_TOPIC, writeRecordsFile } from './lib/pipeline/workload.js';
import { cleanupNow, installSignalHandlers, onCleanup } from './lib/processes.js';
import { writeSection } from './lib/sections.js';
import { SLUICE_COMMAND, sluiceVersion } from './lib/sluice-broker.js';

const USAGE = `Usage: node dist/bench/pipeline.js [options]

  --quick              20,000 messages, 1 round (default: 500,000, 3 rounds)
  --rounds N           rounds per side
  --messages N         messages in the pre-fill (default: 500,000; --quick 20,000)
  --profile DIR        write a V8 CPU profile of each Sluice pipeline process into DIR
  --only SIDES         comma-separated: sluice, streams, streams-on-sluice (default: all three)
  --streams-threads N  Kafka Streams num.stream.threads (default 1, Streams' own)
  --out FILE           where to write the section (default: docs/bench-sections/pipeline.md,
                       which also recomposes docs/benchmarks.md)
  -h, --help           show this help`;

/** The latency run's messages come from a range of seq far from the pre-fill's. */
const LATENCY_SEQ_FROM = 100_000_000;

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      rounds: { type: 'string' },
      messages: { type: 'string' },
      profile: { type: 'string' },
      only: { type: 'string' },
      'streams-threads': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const scale = { ...(values.quick ? QUICK : FULL) };
  if (values.rounds !== undefined) {
    scale.rounds = Number(values.rounds);
    if (!Number.isInteger(scale.rounds) || scale.rounds < 1) {
      console.error(`--rounds must be a positive integer\n\n${USAGE}`);
      return 2;
    }
  }
  if (values.messages !== undefined) {
    scale.messages = Number(values.messages);
    if (!Number.isInteger(scale.messages) || scale.messages < 1) {
      console.error(`--messages must be a positive integer\n\n${USAGE}`);
      return 2;
    }
  }
  const asked = (values.only?.split(',') ?? [...SIDES]) as Side[];
  const unknown = asked.filter((s) => !SIDES.includes(s));
  if (unknown.length > 0) {
    console.error(`--only: unknown side ${unknown.join(', ')}\n\n${USAGE}`);
    return 2;
  }
  const streamsThreads = Number(values['streams-threads'] ?? 1);
  if (!Number.isInteger(streamsThreads) || streamsThreads < 1) {
    console.error('--streams-threads must be a positive integer');
    return 2;
  }
  const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
  installSignalHandlers();
  const began = new Date();
  const tmpRoot = mkdtempSync(join(tmpdir(), 'sluice-pipeline-bench-'));
  onCleanup(() => rmSync(tmpRoot, { recursive: true, force: true }));

  const skipped: PipelineRun['skipped'] = {};
  if (asked.includes('sluice')) {
    const problem = await sluicePipelineProblem(repoRoot);
    if (problem) {
      skipped.sluice = problem;
      console.error(`bench: ${problem}`);
    }
  }
  let streamsApp: StreamsApp | undefined;
  if (asked.some((s) => s !== 'sluice')) {
    console.log('bench: building the Kafka Streams app (mvn -q -B package, cached)');
    const built = await buildStreamsApp(repoRoot);
    if ('error' in built) {
      for (const s of ['streams', 'streams-on-sluice'] as const)
        if (asked.includes(s)) skipped[s] = built.error;
      console.error(`bench: no Kafka Streams side: ${built.error}`);
    } else streamsApp = built;
  }
  if (asked.includes('streams') && !skipped.streams) {
    console.log('bench: making sure Apache Kafka is installed (scripts/peers/install-kafka.sh)');
    const noKafka = await ensureKafka(repoRoot);
    if (noKafka) skipped.streams = noKafka;
  }
  const sides = asked.filter((s) => skipped[s] === undefined);
  if (sides.length === 0) {
    // Nothing to measure: keep the section as it is rather than overwrite it with empty columns.
    console.error('bench: no side can run; nothing written');
    return 1;
  }
  console.log('bench: building the load generator (go build)');
  const gen = await buildLoadgen(repoRoot);
  console.log(`bench: writing ${scale.messages.toLocaleString('en-US')} messages and the latency run's`);
  const fill = join(tmpRoot, 'fill.records');
  const latency = join(tmpRoot, 'latency.records');
  const fillExpected = writeRecordsFile(fill, 0, scale.messages);
  const latencyExpected = writeRecordsFile(latency, LATENCY_SEQ_FROM, scale.rate * scale.durationS);
  const files = { fill, fillExpected, latency, latencyExpected };

  const rounds: RoundResult[] = [];
  for (let round = 1; round <= scale.rounds; round++) {
    const order = round % 2 === 1 ? sides : [...sides].reverse();
    for (const side of order) {
      console.log(`bench: round ${round}: ${SIDE_DISPLAY[side]}`);
      const r = await runRound(side, round, {
        repoRoot,
        tmpRoot,
        gen,
        scale,
        files,
        streamsApp,
        streamsThreads,
        ...(values.profile === undefined ? {} : { profileDir: values.profile }),
      });
      rounds.push(r);
      console.log(
        r.ok
          ? `  ${Math.round(r.throughput ?? 0)} msg/s (first output after ${Math.round(r.firstOutputMs ?? 0)} ms), ` +
              `latency p50 ${r.latency?.p50Ms} ms p99 ${r.latency?.p99Ms} ms, CPU ${r.cpuThroughputS} s, ` +
              `RSS ${Math.round(r.peakRssMiB ?? 0)} MiB, counts ${r.countsOk ? 'ok' : 'WRONG'}${r.notes.length ? `; ${r.notes.join('; ')}` : ''}`
          : `  failed: ${r.error}`,
      );
    }
  }

  const loadgenArgs = (sub: string, args: string[]) => commandLine(sub, ['--brokers', 'HOST:PORT', ...args]);
  const run: PipelineRun = {
    began: began.toISOString(),
    ended: new Date().toISOString(),
    argv,
    scale,
    machine: machineInfo(),
    versions: {
      Sluice: sluiceVersion(repoRoot),
      git: await gitState(repoRoot),
      'Apache Kafka': kafkaVersion(repoRoot),
      ...(streamsApp ? { 'Streams app': streamsApp.version } : {}),
      java: await javaVersion(),
      go: gen.goVersion,
      'franz-go': gen.franzGoVersion,
    },
    sides: asked,
    skipped,
    streamsThreads,
    fillExpected,
    latencyExpected,
    commands: {
      'Sluice broker': SLUICE_COMMAND,
      'Apache Kafka': kafkaCommand(kafkaOverrides('delay0')),
      'pre-fill (the file: bench/lib/pipeline/workload.ts)': loadgenArgs('produce-file', [
        '--topic',
        INPUT_TOPIC,
        '--file',
        'FILL',
      ]),
      'Sluice pipeline': SLUICE_PIPELINE_COMMAND,
      'Kafka Streams app': streamsCommand(streamsThreads),
      'throughput: until every output is in': loadgenArgs('count', ['--expect', 'TOPIC=N,...']),
      latency: loadgenArgs('pipeline-e2e', [
        '--topic',
        INPUT_TOPIC,
        '--out',
        LATENCY_TOPIC,
        '--file',
        'LATENCY',
        '--rate',
        String(scale.rate),
        '--duration',
        `${scale.durationS}s`,
        '--warmup',
        `${scale.warmupS}s`,
        '--expect',
        'N',
      ]),
    },
    rounds,
  };
  const stamp = began.toISOString().replace(/[:.]/g, '-');
  const resultsDir = join(repoRoot, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `${stamp}-pipeline.jsonl`), `${JSON.stringify(run)}\n`);
  const report = renderPipeline(run);
  let out: string;
  if (values.out) {
    out = values.out;
    mkdirSync(join(out, '..'), { recursive: true });
    writeFileSync(out, report);
  } else out = writeSection(repoRoot, 'pipeline', report);
  console.log(`\n${report}\nbench: wrote ${relative(process.cwd(), out) || out}`);
  const failed = rounds.some((r) => !r.ok || !r.countsOk);
  if (skipped.sluice) {
    console.error(`bench: ${skipped.sluice}`);
    return 1;
  }
  return failed ? 1 : 0;
}

main()
  .then((code) => {
    cleanupNow();
    process.exit(code);
  })
  .catch((error: unknown) => {
    console.error(`bench: ${(error as Error)?.stack ?? String(error)}`);
    cleanupNow();
    process.exit(1);
  });
