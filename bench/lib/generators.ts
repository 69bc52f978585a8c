// The three load generators behind one call: a workload in, the JSON shape of bench/loadgen out.
// franz-go (bench/loadgen) and librdkafka (bench/loadgen-rdkafka) print that shape themselves;
// Apache Kafka's perf-test tools print text, parsed here.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Loadgen, type LoadgenOutcome, loadgen } from './loadgen.js';
import { run } from './processes.js';
import { generatorOf, loadgenArgs, type Workload } from './workloads.js';

export interface Rdkafka {
  bin: string;
  /** confluent-kafka-go's module version and the librdkafka it carries. */
  version: string;
}

export interface Generators {
  repoRoot: string;
  franz: Loadgen;
  /** Undefined when bench/loadgen-rdkafka did not build (see `rdkafkaError`). */
  rdkafka?: Rdkafka;
  rdkafkaError?: string;
}

/**
 * Builds bench/loadgen-rdkafka (cgo, against the static librdkafka that confluent-kafka-go's
 * module carries for linux/amd64). Resolves to the reason when it cannot: the run goes on
 * without that generator.
 */
export async function buildRdkafka(repoRoot: string): Promise<Rdkafka | { error: string }> {
  const source = join(repoRoot, 'bench', 'loadgen-rdkafka');
  const bin = join(repoRoot, 'bench', '.bin', 'loadgen-rdkafka');
  const built = await run('go', ['build', '-o', bin, '.'], {
    cwd: source,
    env: { ...process.env, CGO_ENABLED: '1' },
    timeoutMs: 10 * 60_000,
  });
  if (built.code !== 0) return { error: `go build of bench/loadgen-rdkafka failed: ${built.stderr.trim()}` };
  const version = await run(bin, ['version'], { timeoutMs: 30_000 });
  const module = /confluent-kafka-go\/v2 (v\S+)/.exec(readFileSync(join(source, 'go.mod'), 'utf8'))?.[1];
  return { bin, version: `confluent-kafka-go ${module ?? '?'}, librdkafka ${version.stdout.trim() || '?'}` };
}

/**
 * Kafka's bin/kafka-*-perf-test.sh run their JVM with KAFKA_HEAP_OPTS=-Xmx512M and
 * kafka-run-class.sh's performance flags; scripts/peers/kafka-tool.sh takes both from these.
 */
export const KAFKA_TOOL_ENV = {
  KAFKA_TOOL_HEAP_OPTS: '-Xmx512M',
  KAFKA_TOOL_JVM_OPTS:
    '-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent',
};

/** consumer-perf-test gives up after this long without a record. */
const PERF_CONSUMER_TIMEOUT_MS = 30_000;

/** The command line of a workload, with the broker address given (or left symbolic). */
export function generatorCommand(w: Workload, brokers: string): { command: string; args: string[] } {
  switch (generatorOf(w)) {
    case 'franz-go': {
      const { subcommand, args } = loadgenArgs(w);
      return { command: 'bench/.bin/loadgen', args: [subcommand, '--brokers', brokers, ...args] };
    }
    case 'librdkafka':
      return { command: 'bench/.bin/loadgen-rdkafka', args: rdkafkaArgs(w, brokers) };
    case 'kafka-perf':
      return { command: 'scripts/peers/kafka-tool.sh', args: perfArgs(w, brokers) };
  }
}

function rdkafkaArgs(w: Workload, brokers: string): string[] {
  const base = ['--brokers', brokers, '--topic', w.topic];
  switch (w.kind) {
    case 'produce':
      return ['produce', ...base, '--records', String(w.records), '--size', String(w.size), '--acks', w.acks];
    case 'consume':
      return ['consume', ...base, '--records', String(w.records)];
    case 'e2e':
      return [
        'e2e',
        ...base,
        ...[
          '--rate',
          String(w.rate),
          '--duration',
          `${w.seconds}s`,
          '--size',
          String(w.size),
          '--acks',
          w.acks,
        ],
      ];
    default:
      throw new Error(`librdkafka has no ${w.kind} workload`);
  }
}

function perfArgs(w: Workload, brokers: string): string[] {
  switch (w.kind) {
    case 'produce':
      return [
        'producer-perf-test',
        ...['--bootstrap-server', brokers, '--topic', w.topic, '--num-records', String(w.records)],
        ...['--record-size', String(w.size), '--throughput', '-1', '--command-property', `acks=${w.acks}`],
      ];
    case 'consume':
      return [
        'consumer-perf-test',
        ...['--bootstrap-server', brokers, '--topic', w.topic, '--num-records', String(w.records)],
        ...['--timeout', String(PERF_CONSUMER_TIMEOUT_MS)],
      ];
    default:
      throw new Error(`the Kafka perf tools have no ${w.kind} workload here`);
  }
}

/** Runs one workload with its generator against a broker. */
export async function runGenerator(
  g: Generators,
  w: Workload,
  brokers: string,
  timeoutMs: number,
): Promise<LoadgenOutcome> {
  const gen = generatorOf(w);
  if (gen === 'franz-go') {
    const { args } = generatorCommand(w, brokers);
    return loadgen(g.franz, args[0], args.slice(1), timeoutMs);
  }
  if (gen === 'librdkafka') {
    if (!g.rdkafka) return { ok: false, error: `no librdkafka generator: ${g.rdkafkaError}`, ms: 0 };
    const args = rdkafkaArgs(w, brokers);
    return loadgen({ ...g.franz, bin: g.rdkafka.bin }, args[0], args.slice(1), timeoutMs);
  }
  const { command, args } = generatorCommand(w, brokers);
  const out = await run('bash', [join(g.repoRoot, command), ...args], {
    cwd: g.repoRoot,
    env: { ...process.env, ...KAFKA_TOOL_ENV },
    timeoutMs,
  });
  const stderr = out.stderr.trim().split('\n').slice(-5).join('\n');
  if (out.timedOut)
    return { ok: false, error: `${args[0]} killed after ${timeoutMs / 1000}s\n${stderr}`, ms: out.ms };
  if (out.code !== 0)
    return { ok: false, error: `${args[0]} exited ${out.code ?? out.signal}: ${stderr}`, ms: out.ms };
  const wanted = 'records' in w ? w.records : 0;
  const parsed =
    w.kind === 'produce'
      ? parseProducerPerf(out.stdout, wanted, w.size)
      : parseConsumerPerf(out.stdout, wanted);
  if (typeof parsed === 'string') return { ok: false, error: `${args[0]}: ${parsed}\n${stderr}`, ms: out.ms };
  const warnings = out.stderr.split('\n').filter((l) => /\b(WARN|ERROR)\b|Exception/.test(l));
  if (warnings.length > 0) {
    parsed.clientWarnings = warnings.length;
    parsed.firstWarnings = warnings.slice(0, 3).map((l) => l.slice(0, 300));
  }
  return { ok: true, result: parsed, ms: out.ms };
}

const NUMBER = String.raw`([\d.]+)`;

/**
 * kafka-producer-perf-test's summary, its last line:
 *   N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency,
 *   P ms 50th, P ms 95th, P ms 99th, P ms 99.9th.
 * Its clock runs from before the first send to the last acknowledgement; MB is 2^20 bytes;
 * latency is send → acknowledgement per record, whole milliseconds.
 */
export function parseProducerPerf(
  stdout: string,
  wanted: number,
  size: number,
): Record<string, unknown> | string {
  const summary = new RegExp(
    `(\\d+) records sent, ${NUMBER} records/sec \\(${NUMBER} MB/sec\\), ${NUMBER} ms avg latency, ${NUMBER} ms max latency, ${NUMBER} ms 50th, ${NUMBER} ms 95th, ${NUMBER} ms 99th, ${NUMBER} ms 99.9th`,
  );
  const line = stdout
    .split('\n')
    .reverse()
    .find((l) => summary.test(l));
  const m = line ? summary.exec(line) : null;
  if (!m) return `no summary line in its output: ${stdout.trim().slice(-300)}`;
  const [records, rate, mib, avg, max, p50, p95, p99, p999] = m.slice(1).map(Number);
  return {
    records,
    bytes: records * size,
    seconds: rate > 0 ? records / rate : 0,
    recordsPerSec: rate,
    mibPerSec: mib,
    complete: records >= wanted,
    ackLatency: {
      samples: records,
      p50Ms: p50,
      p95Ms: p95,
      p99Ms: p99,
      p999Ms: p999,
      maxMs: max,
      meanMs: avg,
    },
  };
}

/**
 * kafka-consumer-perf-test's CSV line: start.time, end.time, data.consumed.in.MB, MB.sec,
 * data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec.
 * It consumes in a new consumer group, so the whole-run rate includes joining it (on Kafka at
 * its defaults, group.initial.rebalance.delay.ms of waiting); the figure taken is the fetch
 * rate, after the join, as franz-go's and librdkafka's group-less consumers have no join.
 */
export function parseConsumerPerf(stdout: string, wanted: number): Record<string, unknown> | string {
  const line = stdout
    .split('\n')
    .map((l) => l.split(',').map((f) => f.trim()))
    .reverse()
    .find((f) => f.length >= 10 && f.slice(2).every((x) => x !== '' && Number.isFinite(Number(x))));
  if (!line) return `no result line in its output: ${stdout.trim().slice(-300)}`;
  const [mb, , records, wallRate, rebalanceMs, fetchMs, fetchMib, fetchRate] = line.slice(2).map(Number);
  return {
    records,
    bytes: Math.round(mb * 2 ** 20),
    seconds: fetchMs / 1000,
    recordsPerSec: fetchRate,
    mibPerSec: fetchMib,
    wallRecordsPerSec: wallRate,
    rebalanceMs,
    complete: records >= wanted,
  };
}
