// `npm run bench`: Sluice and Apache Kafka, one at a time, under the same load generator;
// writes docs/benchmarks.md. Never part of the test command.
//
//   node dist/bench/run.js [--vs kafka] [--quick] [--only sluice|kafka] [--only-groups]
//                          [--only-consume] [--recovery | --only-recovery] [--pipeline] [--registry] [--rounds N] [--out FILE]

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Results } from './lib/aggregate.js';
import { type BrokerName, kafkaOverrides, type Variant } from './lib/broker.js';
import { chartPanels, chartSvg, writeChart } from './lib/chart.js';
import { renderDoc } from './lib/doc.js';
import { buildRdkafka, type Generators } from './lib/generators.js';
import { ensureKafka, javaVersion, KAFKA_HEAP_OPTS, kafkaCommand, kafkaVersion } from './lib/kafka-peer.js';
import { buildLoadgen } from './lib/loadgen.js';
import { gitState, type Machine, machineInfo } from './lib/machine.js';
import { parseVs, peersUsage, STREAM_PEERS } from './lib/peers.js';
import { cleanupNow, installSignalHandlers, onCleanup } from './lib/processes.js';
import { RECOVERY_RECORDS, type RecoveryResult, renderRecoveryDoc, runRecovery } from './lib/recovery.js';
import { composeBenchmarksDoc } from './lib/sections.js';
import { sluiceVersion } from './lib/sluice-broker.js';
import { runStreams, type SystemName, writeStreams, writeStreamsSection } from './lib/streams/index.js';
import { runSuite, type SuiteResult } from './lib/suite.js';
import { Tables } from './lib/tables.js';
import {
  consumeOnly,
  FULL,
  groupsOnly,
  QUICK,
  type Scale,
  SIDE_BY_SIDE_ROUNDS,
  workloads,
} from './lib/workloads.js';

const USAGE = `Usage: node dist/bench/run.js [options]

  --vs PEERS       side by side with these peers (comma-separated), each over the whole matrix:
${peersUsage()}
                   Without --vs: Sluice and Kafka with franz-go only, no chart.
  --quick          small counts and one round: a smoke run
  --only BROKER    sluice or kafka: measure only that broker
  --only-groups    only the consumer-group cases (after the warm-up); the report then goes
                   to bench/results/<time>-groups.md unless --out says otherwise
  --only-consume   only the consume cells (with the acks=1 produce runs that fill their topics,
                   after the warm-up): franz-go's, and with --vs the other clients' too; the report then goes to
                   bench/results/<time>-consume.md unless --out says otherwise
  --recovery       also time recovery after kill -9 of a ~1 GiB log, once per round per broker
                   (off by default: adds ~1–2 min per round on 2 cores); a row under "Broker process"
  --registry       also, at the end: the registry and config server against Eureka's and Spring
                   Cloud Config's own servers (bench/registry.ts; ~5 min, --quick ~1 min)
  --pipeline       also, at the end: the pipeline benchmark, Sluice vs Kafka Streams (bench/pipeline.ts,
                   with --quick and --rounds passed on; ~15 min, --quick ~2 min); writes its section
  --only-recovery  only that: no other workload; the report goes to bench/results/<time>-recovery.md
                   unless --out says otherwise
  --rounds N       rounds per broker (default: 3; 2 with --vs; 1 with --quick)
  --out FILE       where to write the report (default: docs/benchmarks.md)
  --sluice-log-level LEVEL   pass --log-level LEVEL to the Sluice broker (e.g. debug, to see
                   its group coordinator; its log is in the report only when a case fails)
  --render FILE    measure nothing: write the report (and chart) again from a saved run,
                   bench/results/<time>.jsonl, with that run's options (--out still applies)
  -h, --help       show this help`;

/** What a run saves to bench/results/<time>.jsonl, and what --render reads back. */
interface Saved {
  began: string;
  ended: string;
  argv: string[];
  scale: Scale;
  machine: Machine;
  versions: Parameters<typeof renderDoc>[0]['versions'];
  noPeer?: string;
  suites: SuiteResult[];
  recovery: RecoveryResult[];
  loadAverageAtEnd?: number[];
  rdkafkaError?: string;
}

function parseOptions(args: string[]) {
  return parseArgs({
    args,
    options: {
      render: { type: 'string' },
      vs: { type: 'string' },
      quick: { type: 'boolean' },
      only: { type: 'string' },
      'only-groups': { type: 'boolean' },
      'only-consume': { type: 'boolean' },
      recovery: { type: 'boolean' },
      pipeline: { type: 'boolean' },
      registry: { type: 'boolean' },
      'only-recovery': { type: 'boolean' },
      'sluice-log-level': { type: 'string' },
      rounds: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

async function main(): Promise<number> {
  let argv = process.argv.slice(2);
  let { values } = parseOptions(argv);
  let saved: Saved | undefined;
  const renderFile = values.render;
  if (renderFile !== undefined) {
    saved = JSON.parse(readFileSync(renderFile, 'utf8').split('\n')[0]) as Saved;
    const out = values.out;
    argv = saved.argv;
    values = parseOptions(argv).values;
    values.out = out ?? values.out;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const only = values.only as BrokerName | undefined;
  if (only !== undefined && only !== 'sluice' && only !== 'kafka') {
    console.error(`--only must be sluice or kafka\n\n${USAGE}`);
    return 2;
  }
  const vs = parseVs(values.vs);
  if ('error' in vs) {
    console.error(`${vs.error}\n\n${USAGE}`);
    return 2;
  }
  const sideBySide = vs.peers.includes('kafka');
  const streamPeers = vs.peers.filter((p): p is (typeof STREAM_PEERS)[number] =>
    (STREAM_PEERS as readonly string[]).includes(p),
  );
  if (sideBySide && only === 'sluice') {
    console.error('--vs kafka and --only sluice exclude each other');
    return 2;
  }
  const scale = { ...(values.quick ? QUICK : FULL) };
  if (sideBySide && !values.quick) scale.rounds = SIDE_BY_SIDE_ROUNDS;
  if (values.rounds !== undefined) {
    scale.rounds = Number(values.rounds);
    if (!Number.isInteger(scale.rounds) || scale.rounds < 1) {
      console.error('--rounds must be a positive integer');
      return 2;
    }
  }
  const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
  const onlyGroups = values['only-groups'] === true;
  const onlyConsume = values['only-consume'] === true;
  const onlyRecovery = values['only-recovery'] === true;
  const recovery = onlyRecovery || values.recovery === true;
  if ([onlyGroups, onlyConsume, onlyRecovery].filter(Boolean).length > 1) {
    console.error('--only-groups, --only-consume and --only-recovery exclude each other');
    return 2;
  }
  const began = saved ? new Date(saved.began) : new Date();
  const stamp = began.toISOString().replace(/[:.]/g, '-');
  const resultsDir = join(repoRoot, 'bench', 'results');
  // A partial run must not overwrite the report of a full one.
  const partial = onlyGroups ? 'groups' : onlyConsume ? 'consume' : onlyRecovery ? 'recovery' : undefined;
  const out =
    values.out ??
    (partial ? join(resultsDir, `${stamp}-${partial}.md`) : join(repoRoot, 'docs', 'benchmarks.md'));
  installSignalHandlers();
  // NATS, Redis and RabbitMQ get their own workload (bench/streams.ts), run after Kafka's matrix.
  const otherPeers = async () => {
    if (streamPeers.length === 0 || saved) return;
    const only: SystemName[] = ['sluice', ...streamPeers];
    const streams = await runStreams({
      repoRoot,
      quick: values.quick,
      rounds: values.rounds ? scale.rounds : undefined,
      only,
      argv,
    });
    const paths = writeStreams(streams, repoRoot);
    const section = values.quick ? paths.markdown : await writeStreamsSection(streams, repoRoot);
    console.log(`bench: wrote ${relative(process.cwd(), section)}`);
  };
  // Sluice's pipelines vs Kafka Streams (bench/pipeline.ts) and the registry and config server vs
  // Spring's (bench/registry.ts) get their own entries, run last.
  const pipelineBench = () => {
    if (saved) return;
    const args = [
      ...(values.quick ? ['--quick'] : []),
      ...(values.rounds ? ['--rounds', values.rounds] : []),
    ];
    for (const [wanted, entry] of [
      [values.pipeline, 'pipeline.js'],
      [values.registry, 'registry.js'],
    ] as const) {
      if (wanted)
        spawnSync(process.execPath, [join(repoRoot, 'dist', 'bench', entry), ...args], { stdio: 'inherit' });
    }
  };
  if (streamPeers.length > 0 && !sideBySide) {
    await otherPeers();
    pipelineBench();
    return 0;
  }
  const tmpRoot = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
  onCleanup(() => rmSync(tmpRoot, { recursive: true, force: true }));
  const all = workloads(scale, { sideBySide });
  const list = onlyRecovery ? [] : onlyGroups ? groupsOnly(all) : onlyConsume ? consumeOnly(all) : all;
  const run = saved ?? (await measure());

  async function measure(): Promise<Saved> {
    const machine = machineInfo();
    console.log('bench: building the load generator (go build)');
    const gen = await buildLoadgen(repoRoot);
    const generators: Generators = { repoRoot, franz: gen };
    if (sideBySide) {
      console.log('bench: building the librdkafka load generator (go build, cgo)');
      const rdkafka = await buildRdkafka(repoRoot);
      if ('error' in rdkafka) {
        generators.rdkafkaError = rdkafka.error;
        console.log(`bench: no librdkafka generator: ${rdkafka.error}`);
      } else generators.rdkafka = rdkafka;
    }
    let noPeer: string | undefined;
    if (only === 'sluice') noPeer = 'run with --only sluice';
    else {
      console.log('bench: making sure Apache Kafka is installed (scripts/peers/install-kafka.sh)');
      noPeer = await ensureKafka(repoRoot);
      if (noPeer) console.log(`bench: no peer: ${noPeer}`);
    }
    const brokers: BrokerName[] = [];
    if (only !== 'kafka') brokers.push('sluice');
    if (noPeer === undefined) brokers.push('kafka');

    // Kafka runs once more per round, with group.initial.rebalance.delay.ms=0, for the group cases only.
    const groupList = groupsOnly(list);
    const targets: Array<{ broker: BrokerName; variant?: Variant; list: typeof list }> = brokers.map(
      (broker) => ({
        broker,
        list,
      }),
    );
    if (brokers.includes('kafka') && groupList.some((w) => w.groups) && !onlyRecovery) {
      targets.push({ broker: 'kafka', variant: 'delay0', list: groupList });
    }
    const env = { repoRoot, tmpRoot, gen, generators, sluiceLogLevel: values['sluice-log-level'] };
    const suites: SuiteResult[] = [];
    for (let round = 1; round <= scale.rounds; round++) {
      const order = round % 2 === 1 ? targets : [...targets].reverse();
      if (!onlyRecovery) {
        for (const t of order) suites.push(await runSuite(t.broker, round, t.list, env, t.variant));
      }
    }
    // After the other workloads, so that their figures do not depend on --recovery.
    const recoveryRuns: RecoveryResult[] = [];
    const recoveryRecords = values.quick ? RECOVERY_RECORDS / 16 : RECOVERY_RECORDS;
    for (let round = 1; recovery && round <= scale.rounds; round++) {
      const order = round % 2 === 1 ? brokers : [...brokers].reverse();
      for (const broker of order) recoveryRuns.push(await runRecovery(broker, env, recoveryRecords));
    }

    const ended = new Date();
    const versions = {
      sluice: sluiceVersion(repoRoot),
      git: await gitState(repoRoot),
      kafka: kafkaVersion(repoRoot),
      java: await javaVersion(),
      go: gen.goVersion,
      franzGo: gen.franzGoVersion,
      rdkafka: generators.rdkafka?.version,
    };
    const measured: Saved = {
      began: began.toISOString(),
      ended: ended.toISOString(),
      argv,
      scale,
      machine,
      versions,
      noPeer,
      suites,
      recovery: recoveryRuns,
      loadAverageAtEnd: loadavg().map((v) => Math.round(v * 100) / 100),
      rdkafkaError: generators.rdkafkaError,
    };
    // One JSON object on one line (.jsonl): Biome checks bench/**, and leaves .jsonl alone.
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(join(resultsDir, `${stamp}.jsonl`), `${JSON.stringify(measured)}\n`);
    return measured;
  }

  const { machine, versions, noPeer, suites, recovery: recoveryRuns } = run;
  const ended = new Date(run.ended);
  const results = new Results(suites);
  // The chart of the ratios, beside the report (docs/benchmarks.png), when there are ratios.
  const t = new Tables(results, list);
  let chart: { file: string } | { note: string } | undefined;
  if (partial === undefined && results.has('kafka')) {
    const png = out.replace(/\.md$/, '') + '.png';
    const rounds = `median of ${scale.rounds} round${scale.rounds === 1 ? '' : 's'}`;
    const subtitle = `${began.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${scale.name} scale, ${rounds}, ${machine.nproc} CPUs (shared, noisy); Apache Kafka ${versions.kafka} at its defaults`;
    const problem = await writeChart(chartSvg(chartPanels(t, results, recoveryRuns), subtitle), png, tmpRoot);
    if (problem) console.log(`bench: ${problem}; the report is written without it`);
    chart = problem ? { note: problem } : { file: basename(png) };
  }
  const doc = renderDoc({
    date: began,
    minutes: (ended.getTime() - began.getTime()) / 60_000,
    argv,
    scale,
    machine,
    loadAverageAtEnd: run.loadAverageAtEnd ?? [],
    versions,
    noPeer,
    kafkaCommand: kafkaCommand(kafkaOverrides(undefined)),
    kafkaCommandDelay0: kafkaCommand(kafkaOverrides('delay0')),
    kafkaHeap: KAFKA_HEAP_OPTS,
    kafkaProperties: suites.find((s) => s.kafkaProperties && s.variant === undefined)?.kafkaProperties,
    sluiceLogLevel: values['sluice-log-level'],
    list,
    results,
    recovery: recovery ? recoveryRuns : undefined,
    sideBySide,
    rdkafkaError: run.rdkafkaError,
    chart,
  });
  writeFileSync(
    out,
    onlyRecovery
      ? renderRecoveryDoc(t.broker(recoveryRuns, true), recoveryRuns, {
          date: began,
          argv,
          versions: {
            Sluice: versions.sluice,
            git: versions.git,
            Kafka: versions.kafka,
            java: versions.java,
          },
          machine: `${machine.cpuModel}, ${machine.nproc} CPUs, ${machine.memoryGiB} GiB, node ${machine.node}`,
        })
      : doc,
  );
  // The other bench entries' sections (other peers, logs, metrics cost) follow the report.
  if (out === join(repoRoot, 'docs', 'benchmarks.md')) composeBenchmarksDoc(repoRoot);
  const raw = renderFile ?? join(resultsDir, `${stamp}.jsonl`);

  if (onlyRecovery) console.log(`\n${t.broker(recoveryRuns, true)}\n`);
  else if (onlyConsume) console.log(`\n${t.throughput()}\n\n${t.cpu()}\n`);
  else if (!onlyGroups) {
    console.log(
      `\n${t.throughput()}\n\n${t.produceLatency()}\n\n${t.endToEnd()}\n\n${t.broker(recoveryRuns)}`,
    );
  }
  if (!onlyRecovery && !onlyConsume)
    console.log(`\n${t.groupThroughput()}\n\n${t.rebalance()}\n\n${t.rebalanceRuns()}\n`);
  if (sideBySide) console.log(`\n${t.summaryThroughput()}\n\n${t.summaryLatency()}\n`);
  const png = chart && 'file' in chart ? `, ${relative(process.cwd(), join(out, '..', chart.file))}` : '';
  console.log(
    `bench: wrote ${relative(process.cwd(), out) || out}${png}${saved ? ` from ${raw}` : ` and ${relative(process.cwd(), raw)}`}`,
  );
  const failed =
    suites.some((s) => s.startError || Object.values(s.cells).some((c) => !c.ok)) ||
    recoveryRuns.some((r) => r.error !== undefined);
  if (failed) console.log('bench: some workloads failed; see "Failures and notes" in the report');
  await otherPeers();
  pipelineBench();
  return 0;
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
