// The workloads of one benchmark round, run in this order against each broker.

export type Acks = '1' | 'all';

/**
 * The client that drives a workload: franz-go (`bench/loadgen`, every workload unless said
 * otherwise), Apache Kafka's own perf-test tools on the Java client, or librdkafka
 * (`bench/loadgen-rdkafka`). The last two run only with `--vs kafka`.
 */
export type Generator = 'franz-go' | 'kafka-perf' | 'librdkafka';

export const GENERATORS: readonly Generator[] = ['franz-go', 'kafka-perf', 'librdkafka'];

export const GENERATOR_NAMES: Record<Generator, string> = {
  'franz-go': 'franz-go',
  'kafka-perf': 'Kafka perf tools',
  librdkafka: 'librdkafka',
};

export function generatorOf(w: Workload): Generator {
  return w.gen ?? 'franz-go';
}

interface Base {
  id: string;
  label: string;
  topic: string;
  partitions: number;
  size: number;
  /** Kept out of the tables: the warm-up, and the bulk write that sets up the writeback row. */
  hidden?: 'warmup' | 'setup';
  /** Run `sync` first so that the page cache holds no dirty data (default true). */
  syncBefore?: boolean;
  /**
   * One of the consumer-group cases: run by `--only-groups`, and also against the extra Kafka
   * with group.initial.rebalance.delay.ms=0.
   */
  groups?: true;
  /** Default franz-go. */
  gen?: Generator;
  /** One cell of the side-by-side matrix (size × acks × partitions), for the ratio summary. */
  cell?: MatrixCell;
}

export interface MatrixCell {
  size: number;
  partitions: number;
  acks: Acks;
}

export type Workload =
  | (Base & {
      kind: 'produce';
      records: number;
      acks: Acks;
      partitioner?: 'round-robin';
      /** Batches cut only when full (the loadgen's --full-batches): the fills consumers read. */
      fullBatches?: boolean;
    })
  | (Base & { kind: 'consume'; records: number })
  | (Base & { kind: 'e2e'; rate: number; seconds: number; acks: Acks })
  /** Members of one group consume the whole topic together: throughput. */
  | (Base & { kind: 'group'; members: number; records: number })
  /** Members of a new group start at once; time until each has polled records. */
  | (Base & { kind: 'rebalance'; members: number; repeat: number });

export interface Scale {
  name: 'full' | 'quick';
  records100: number;
  records1k: number;
  warmupRecords: number;
  /** 1 KiB records written with acks=1 just before the end-to-end row under writeback. */
  bulkRecords: number;
  e2eSeconds: number;
  e2eRates: readonly number[];
  /** 1 KiB records in the 6-partition topic that a 3-member group consumes. */
  groupRecords: number;
  /** Rebalance-time runs per member count in each round, each with a new group. */
  rebalanceRepeat: number;
  /** --vs kafka: records per produce and consume run of the Kafka perf tools and librdkafka. */
  sideRecords100: number;
  sideRecords1k: number;
  /**
   * --vs kafka: records per consume run of those two clients. More than they produce: a consume
   * run is fast, and at 300,000 × 1 KiB it lasted under a second, mostly start-up and noise.
   */
  sideConsumeRecords100: number;
  sideConsumeRecords1k: number;
  /** --vs kafka: the fixed rate and length of the end-to-end matrix. */
  matrixRate: number;
  matrixSeconds: number;
  rounds: number;
}

// Counts chosen so that one produce run takes roughly 5–15 s on the 2-core reference machine.
export const FULL: Scale = {
  name: 'full',
  records100: 10_000_000,
  records1k: 1_500_000,
  warmupRecords: 300_000,
  bulkRecords: 4_000_000,
  e2eSeconds: 10,
  e2eRates: [1000, 10000],
  groupRecords: 1_500_000,
  rebalanceRepeat: 5,
  sideRecords100: 1_000_000,
  sideRecords1k: 300_000,
  sideConsumeRecords100: 3_000_000,
  sideConsumeRecords1k: 1_000_000,
  matrixRate: 5000,
  matrixSeconds: 4,
  rounds: 3,
};

export const QUICK: Scale = {
  name: 'quick',
  records100: 200_000,
  records1k: 50_000,
  warmupRecords: 20_000,
  bulkRecords: 200_000,
  e2eSeconds: 3,
  e2eRates: [1000, 5000],
  groupRecords: 50_000,
  rebalanceRepeat: 2,
  sideRecords100: 100_000,
  sideRecords1k: 30_000,
  sideConsumeRecords100: 100_000,
  sideConsumeRecords1k: 30_000,
  matrixRate: 2000,
  matrixSeconds: 3,
  rounds: 1,
};

const E2E_SIZE = 1024;
const E2E_PARTITIONS = 6;

export const GROUP_MEMBERS = 3;
export const GROUP_PARTITIONS = 6;
export const REBALANCE_MEMBERS: readonly number[] = [1, 3, 10];
export const REBALANCE_PARTITIONS = 12;
/** Records per partition of the rebalance topic: enough that every member's first fetch has data. */
export const REBALANCE_RECORDS_PER_PARTITION = 1000;
/** How long the generator gives one group run (loadgen --run-timeout). */
const GROUP_RUN_TIMEOUT_S = 90;
const REBALANCE_RUN_TIMEOUT_S = 45;

export const LINGER_MS = 5;
export const BATCH_BYTES = 1 << 20;

function sizeLabel(size: number): string {
  return size >= 1024 ? `${size / 1024} KiB` : `${size} B`;
}

function plural(n: number): string {
  return `${n} partition${n === 1 ? '' : 's'}`;
}

function topicName(partitions: number, size: number, acks: Acks): string {
  return `bench-p${partitions}-s${size}-acks${acks}`;
}

/** The topic the consume cells of this size and partition count read, filled in full batches. */
function consumeTopic(partitions: number, size: number): string {
  return `bench-consume-p${partitions}-s${size}`;
}

/** The side-by-side matrix, in table order. */
export function matrix(): MatrixCell[] {
  const out: MatrixCell[] = [];
  for (const size of [100, 1024]) {
    for (const partitions of [1, 6]) {
      for (const acks of ['1', 'all'] as const) out.push({ size, partitions, acks });
    }
  }
  return out;
}

function cellKey(c: MatrixCell): string {
  return `s${c.size}-p${c.partitions}-acks${c.acks}`;
}

export function cellLabel(c: MatrixCell): string {
  return `${sizeLabel(c.size)}, ${plural(c.partitions)}, acks=${c.acks}`;
}

/** The record size of librdkafka's end-to-end cells. */
export const RDKAFKA_E2E_SIZE = 1024;

/** Rounds of a full run with --vs (without it, FULL.rounds): the matrix triples the work. */
export const SIDE_BY_SIDE_ROUNDS = 2;

/** A workload's label, with its client when that is not franz-go. */
export function fullLabel(w: Workload): string {
  const gen = generatorOf(w);
  return gen === 'franz-go' ? w.label : `${w.label} [${GENERATOR_NAMES[gen]}]`;
}

const ID_PREFIX: Record<Generator, string> = {
  'franz-go': '',
  'kafka-perf': 'java-',
  librdkafka: 'rdkafka-',
};

/**
 * --vs kafka: the matrix again with the other clients (produce and consume, as many records as
 * takes a few seconds), and end-to-end latency at one fixed rate over the whole matrix.
 * Consumers read from the start of the consume topics, which franz-go filled first.
 */
function sideBySide(scale: Scale): Workload[] {
  const out: Workload[] = [];
  for (const gen of ['kafka-perf', 'librdkafka'] as const) {
    for (const cell of matrix()) {
      out.push({
        kind: 'produce',
        id: `${ID_PREFIX[gen]}produce-${cellKey(cell)}`,
        label: `produce ${cellLabel(cell)}`,
        topic: topicName(cell.partitions, cell.size, cell.acks),
        partitions: cell.partitions,
        size: cell.size,
        records: cell.size === 100 ? scale.sideRecords100 : scale.sideRecords1k,
        acks: cell.acks,
        gen,
        cell,
      });
    }
    for (const cell of matrix().filter((c) => c.acks === '1')) {
      out.push({
        kind: 'consume',
        id: `${ID_PREFIX[gen]}consume-s${cell.size}-p${cell.partitions}`,
        label: `consume ${sizeLabel(cell.size)}, ${plural(cell.partitions)}`,
        topic: consumeTopic(cell.partitions, cell.size),
        partitions: cell.partitions,
        size: cell.size,
        records: cell.size === 100 ? scale.sideConsumeRecords100 : scale.sideConsumeRecords1k,
        gen,
        cell,
      });
    }
  }
  // The Java tools have no end-to-end test at a fixed rate of this kind: franz-go over the whole
  // matrix, librdkafka over its 1 KiB half (to keep a full run near half an hour).
  for (const gen of ['franz-go', 'librdkafka'] as const) {
    for (const cell of matrix().filter((c) => gen === 'franz-go' || c.size === RDKAFKA_E2E_SIZE)) {
      out.push({
        kind: 'e2e',
        id: `${ID_PREFIX[gen]}e2e-m-${cellKey(cell)}`,
        label: `end-to-end ${scale.matrixRate.toLocaleString('en-US')} msg/s, ${cellLabel(cell)}`,
        topic: cell.partitions === 1 ? 'bench-e2e-p1' : 'bench-e2e',
        partitions: cell.partitions,
        size: cell.size,
        rate: scale.matrixRate,
        seconds: scale.matrixSeconds,
        acks: cell.acks,
        gen,
        cell,
      });
    }
  }
  return out;
}

export function workloads(scale: Scale, options: { sideBySide?: boolean } = {}): Workload[] {
  const out: Workload[] = [];
  const warm = 'bench-warmup';
  out.push(
    {
      kind: 'produce',
      id: 'warmup-produce',
      label: 'warm-up produce',
      topic: warm,
      partitions: 6,
      size: 1024,
      records: scale.warmupRecords,
      acks: 'all',
      hidden: 'warmup',
    },
    {
      kind: 'consume',
      id: 'warmup-consume',
      label: 'warm-up consume',
      topic: warm,
      partitions: 6,
      size: 1024,
      records: scale.warmupRecords,
      hidden: 'warmup',
    },
  );
  for (const size of [100, 1024]) {
    const records = size === 100 ? scale.records100 : scale.records1k;
    for (const partitions of [1, 6]) {
      for (const acks of ['1', 'all'] as const) {
        out.push({
          kind: 'produce',
          id: `produce-s${size}-p${partitions}-acks${acks}`,
          label: `produce ${sizeLabel(size)}, ${plural(partitions)}, acks=${acks}`,
          topic: topicName(partitions, size, acks),
          partitions,
          size,
          records,
          acks,
          cell: { size, partitions, acks },
        });
      }
    }
  }
  for (const size of [100, 1024]) {
    const records = size === 100 ? scale.records100 : scale.records1k;
    for (const partitions of [1, 6]) {
      out.push({
        kind: 'produce',
        id: `consume-fill-s${size}-p${partitions}`,
        label: `fill the consume topic: ${records.toLocaleString('en-US')} × ${sizeLabel(size)}, ${plural(partitions)}, acks=1, full batches`,
        topic: consumeTopic(partitions, size),
        partitions,
        size,
        records,
        acks: '1',
        fullBatches: true,
        hidden: 'setup',
      });
    }
  }
  for (const size of [100, 1024]) {
    const records = size === 100 ? scale.records100 : scale.records1k;
    for (const partitions of [1, 6]) {
      out.push({
        kind: 'consume',
        id: `consume-s${size}-p${partitions}`,
        label: `consume ${sizeLabel(size)}, ${plural(partitions)}`,
        topic: consumeTopic(partitions, size),
        partitions,
        size,
        records,
        cell: { size, partitions, acks: '1' },
      });
    }
  }
  if (options.sideBySide) out.push(...sideBySide(scale));
  for (const rate of scale.e2eRates) {
    out.push({
      kind: 'e2e',
      id: `e2e-r${rate}`,
      label: `end-to-end ${rate.toLocaleString('en-US')} msg/s, ${sizeLabel(E2E_SIZE)}, ${plural(E2E_PARTITIONS)}, acks=all`,
      topic: 'bench-e2e',
      partitions: E2E_PARTITIONS,
      size: E2E_SIZE,
      rate,
      seconds: scale.e2eSeconds,
      acks: 'all',
    });
  }
  // The same as the 10k row, but right after a bulk acks=1 write, while the kernel is writing
  // gigabytes of dirty page cache back to disk: an fsync then waits behind that writeback.
  const rate = scale.e2eRates[scale.e2eRates.length - 1];
  out.push(
    {
      kind: 'produce',
      id: 'writeback-bulk',
      label: `bulk write before the writeback row: ${scale.bulkRecords.toLocaleString('en-US')} × 1 KiB, acks=1`,
      topic: 'bench-bulk',
      partitions: 6,
      size: 1024,
      records: scale.bulkRecords,
      acks: '1',
      hidden: 'setup',
    },
    {
      kind: 'e2e',
      id: `e2e-r${rate}-writeback`,
      label: `end-to-end ${rate.toLocaleString('en-US')} msg/s right after ${((scale.bulkRecords * 1024) / 2 ** 30).toFixed(1)} GiB of acks=1 writes, no sync`,
      topic: 'bench-e2e',
      partitions: E2E_PARTITIONS,
      size: E2E_SIZE,
      rate,
      seconds: scale.e2eSeconds,
      acks: 'all',
      syncBefore: false,
    },
  );
  out.push(...groupWorkloads(scale));
  return out;
}

/**
 * The consumer-group cases, after everything else: two topics filled with round-robin so that
 * every partition holds the same count, a throwaway group run (the first group on a broker
 * creates its offsets storage; Kafka creates __consumer_offsets), then group throughput and
 * rebalance time per member count.
 */
function groupWorkloads(scale: Scale): Workload[] {
  const groupTopic = 'bench-group';
  const rebalanceTopic = 'bench-rebalance';
  const fill = (topic: string, partitions: number, records: number, what: string): Workload => ({
    kind: 'produce',
    id: `${topic}-fill`,
    label: `fill ${what}: ${records.toLocaleString('en-US')} × 1 KiB round-robin over ${plural(partitions)}, acks=1`,
    topic,
    partitions,
    size: 1024,
    records,
    acks: '1',
    partitioner: 'round-robin',
    fullBatches: true,
    hidden: 'setup',
    groups: true,
  });
  return [
    fill(groupTopic, GROUP_PARTITIONS, scale.groupRecords, 'the group-throughput topic'),
    fill(
      rebalanceTopic,
      REBALANCE_PARTITIONS,
      REBALANCE_PARTITIONS * REBALANCE_RECORDS_PER_PARTITION,
      'the rebalance topic',
    ),
    {
      kind: 'rebalance',
      id: 'group-warmup',
      label: 'warm-up: one member joins a new group once',
      topic: rebalanceTopic,
      partitions: REBALANCE_PARTITIONS,
      size: 1024,
      members: 1,
      repeat: 1,
      hidden: 'warmup',
      groups: true,
    },
    {
      kind: 'group',
      id: `group-m${GROUP_MEMBERS}`,
      label: `group consume 1 KiB, ${plural(GROUP_PARTITIONS)}, ${GROUP_MEMBERS} members`,
      topic: groupTopic,
      partitions: GROUP_PARTITIONS,
      size: 1024,
      members: GROUP_MEMBERS,
      records: scale.groupRecords,
      groups: true,
    },
    ...REBALANCE_MEMBERS.map(
      (members): Workload => ({
        kind: 'rebalance',
        id: `rebalance-m${members}`,
        label: `rebalance: ${members === 1 ? '1 member joins' : `${members} members join`} a new group, ${plural(REBALANCE_PARTITIONS)}`,
        topic: rebalanceTopic,
        partitions: REBALANCE_PARTITIONS,
        size: 1024,
        members,
        repeat: scale.rebalanceRepeat,
        groups: true,
      }),
    ),
  ];
}

/** Only the consumer-group cases, with the warm-up before them. */
export function groupsOnly(list: readonly Workload[]): Workload[] {
  return list.filter((w) => w.groups || w.hidden === 'warmup');
}

/**
 * Only the consume cells (franz-go's, and the other clients' when the list has them), with the
 * warm-up and the writes that fill the topics they read.
 */
export function consumeOnly(list: readonly Workload[]): Workload[] {
  const read = new Set(list.filter((w) => w.kind === 'consume' && w.cell).map((w) => w.topic));
  return list.filter(
    (w) =>
      (w.hidden === 'warmup' && !w.groups) ||
      (w.kind === 'consume' && w.cell !== undefined) ||
      (w.kind === 'produce' && w.hidden === 'setup' && read.has(w.topic)),
  );
}

/** Every topic the workloads use, with its partition count. */
export function topics(list: readonly Workload[]): Map<string, number> {
  return new Map(list.map((w) => [w.topic, w.partitions]));
}

/** The loadgen subcommand and its arguments, without --brokers. */
export function loadgenArgs(w: Workload): { subcommand: string; args: string[] } {
  switch (w.kind) {
    case 'produce':
      return {
        subcommand: 'produce',
        args: [
          ...['--topic', w.topic, '--records', String(w.records), '--size', String(w.size)],
          ...['--acks', w.acks, '--partitions', String(w.partitions)],
          ...['--linger-ms', String(LINGER_MS), '--batch-bytes', String(BATCH_BYTES)],
          ...['--max-seconds', '90'],
          ...(w.partitioner ? ['--partitioner', w.partitioner] : []),
          ...(w.fullBatches ? ['--full-batches'] : []),
        ],
      };
    case 'consume':
      return {
        subcommand: 'consume',
        args: ['--topic', w.topic, '--records', String(w.records), '--max-seconds', '90'],
      };
    case 'e2e':
      return {
        subcommand: 'e2e',
        args: [
          ...['--topic', w.topic, '--rate', String(w.rate), '--duration', `${w.seconds}s`],
          ...['--size', String(w.size), '--acks', w.acks],
        ],
      };
    case 'group':
      return {
        subcommand: 'group',
        args: [
          ...['--topic', w.topic, '--members', String(w.members), '--records', String(w.records)],
          ...['--run-timeout', `${GROUP_RUN_TIMEOUT_S}s`],
        ],
      };
    case 'rebalance':
      return {
        subcommand: 'group',
        args: [
          ...['--topic', w.topic, '--members', String(w.members), '--first-records'],
          ...['--repeat', String(w.repeat), '--run-timeout', `${REBALANCE_RUN_TIMEOUT_S}s`],
        ],
      };
  }
}

/** How long the harness lets one workload run before it kills the generator. */
export function timeoutMs(w: Workload): number {
  switch (w.kind) {
    case 'e2e':
      return (w.seconds + 60) * 1000;
    case 'group':
      return (GROUP_RUN_TIMEOUT_S + 90) * 1000;
    case 'rebalance':
      // Each run may take its whole run timeout, plus leaving the group and the pause.
      return (w.repeat * (REBALANCE_RUN_TIMEOUT_S + 35) + 60) * 1000;
    default:
      return 150_000;
  }
}
