// The figures as Markdown tables: Sluice, Kafka and the ratio Sluice/Kafka on every row.

import { type Figure, figure, type MetricName, type Results } from './aggregate.js';
import { displayName } from './broker.js';
import type { RecoveryResult } from './recovery.js';
import type { SuiteResult } from './suite.js';
import {
  cellLabel,
  fullLabel,
  GENERATOR_NAMES,
  GENERATORS,
  type Generator,
  generatorOf,
  type MatrixCell,
  matrix,
  type Workload,
} from './workloads.js';

type Format = (v: number) => string;

const count: Format = (v) => Math.round(v).toLocaleString('en-US');
const oneDecimal: Format = (v) => v.toFixed(1);
const twoDecimals: Format = (v) => v.toFixed(2);
export const millis: Format = (v) =>
  v < 1 ? v.toFixed(3) : v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0);

/** A figure as text: median, ± spread over the rounds, † when some round failed. */
function show(f: Figure | undefined, fmt: Format, present: boolean): string {
  if (!present) return 'no peer';
  if (f === undefined) return '—';
  if (Number.isNaN(f.median)) return 'failed';
  const spread = f.rounds > 1 ? ` ±${Math.round(f.spread * 100)}%` : '';
  return `${fmt(f.median)}${spread}${f.failures > 0 ? ' †' : ''}`;
}

/** Pooled runs: p50 [min–max], † when some round failed. */
function showRuns(r: { figure: Figure | undefined; min: number; max: number }, present: boolean): string {
  const f = r.figure;
  if (!present) return 'no peer';
  if (f === undefined) return '—';
  if (Number.isNaN(f.median)) return 'failed';
  return `${count(f.median)} [${count(r.min)}–${count(r.max)}]${f.failures > 0 ? ' †' : ''}`;
}

function ratio(s: Figure | undefined, k: Figure | undefined): string {
  if (!s || !k || !Number.isFinite(s.median) || !Number.isFinite(k.median) || k.median === 0) return '—';
  return (s.median / k.median).toFixed(2);
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const align = header.map((_, i) => (i === 0 ? '---' : '---:'));
  return [line(header), line(align), ...rows.map(line)].join('\n');
}

export class Tables {
  private readonly kafka: boolean;
  private readonly kafka0: boolean;

  constructor(
    private readonly results: Results,
    private readonly list: readonly Workload[],
  ) {
    this.kafka = results.has('kafka');
    this.kafka0 = results.has('kafka', 'delay0');
  }

  private cells(id: string, metric: MetricName, fmt: Format): string[] {
    const s = this.results.metric('sluice', id, metric);
    const k = this.results.metric('kafka', id, metric);
    return [show(s, fmt, true), show(k, fmt, this.kafka), ratio(s, k)];
  }

  private of(kind: Workload['kind']): Workload[] {
    return this.list.filter((w) => w.kind === kind && !w.hidden);
  }

  /** Produce, then consume, workloads, one client after the other. */
  private byClient(): Workload[] {
    return GENERATORS.flatMap((g) =>
      [...this.of('produce'), ...this.of('consume')].filter((w) => generatorOf(w) === g),
    );
  }

  /** Whether the list has workloads of more than franz-go: then tables name the client. */
  private get clients(): boolean {
    return this.list.some((w) => generatorOf(w) !== 'franz-go');
  }

  private first(w: Workload): string[] {
    return this.clients ? [w.label, GENERATOR_NAMES[generatorOf(w)]] : [w.label];
  }

  private head(...rest: string[]): string[] {
    return this.clients ? ['workload', 'client', ...rest] : ['workload', ...rest];
  }

  throughput(): string {
    const rows = this.byClient().map((w) => {
      const [sr, kr, r] = this.cells(w.id, 'recordsPerSec', count);
      const [sm, km] = this.cells(w.id, 'mibPerSec', oneDecimal);
      return [...this.first(w), sr, kr, r, sm, km];
    });
    return table(
      this.head('Sluice rec/s', 'Kafka rec/s', 'Sluice/Kafka', 'Sluice MiB/s', 'Kafka MiB/s'),
      rows,
    );
  }

  /** The matrix cell of a client and kind, if the list has it. */
  private find(kind: Workload['kind'], gen: Generator, c: MatrixCell): Workload | undefined {
    return this.list.find(
      (w) =>
        w.kind === kind &&
        generatorOf(w) === gen &&
        w.cell !== undefined &&
        w.cell.size === c.size &&
        w.cell.partitions === c.partitions &&
        (kind === 'consume' || w.cell.acks === c.acks),
    );
  }

  /** Sluice/Kafka ratio of one metric of one matrix cell and client, or undefined. */
  ratioOf(kind: Workload['kind'], gen: Generator, c: MatrixCell, metric: MetricName): number | undefined {
    const w = this.find(kind, gen, c);
    if (!w) return undefined;
    const s = this.results.metric('sluice', w.id, metric);
    const k = this.results.metric('kafka', w.id, metric);
    if (!s || !k || !Number.isFinite(s.median) || !Number.isFinite(k.median) || k.median === 0)
      return undefined;
    return s.median / k.median;
  }

  /** --vs kafka: throughput ratios over the matrix, one column per client. */
  summaryThroughput(): string {
    const fmt = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(2));
    const rows = matrix().map((c) => [
      cellLabel(c),
      ...GENERATORS.map((g) => fmt(this.ratioOf('produce', g, c, 'recordsPerSec'))),
      ...GENERATORS.map((g) => (c.acks === '1' ? fmt(this.ratioOf('consume', g, c, 'recordsPerSec')) : '')),
    ]);
    return table(
      [
        'records, partitions, acks',
        ...GENERATORS.map((g) => `produce, ${GENERATOR_NAMES[g]}`),
        ...GENERATORS.map((g) => `consume, ${GENERATOR_NAMES[g]}`),
      ],
      rows,
    );
  }

  /** --vs kafka: end-to-end latency ratios over the matrix, p50 / p99 / p99.9 per client. */
  summaryLatency(): string {
    const gens = GENERATORS.filter((g) => matrix().some((c) => this.find('e2e', g, c)));
    const fmt = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(2));
    const rows = matrix().map((c) => [
      cellLabel(c),
      ...gens.map((g) =>
        (['e2eP50', 'e2eP99', 'e2eP999'] as const).map((m) => fmt(this.ratioOf('e2e', g, c, m))).join(' / '),
      ),
    ]);
    return table(
      ['records, partitions, acks', ...gens.map((g) => `${GENERATOR_NAMES[g]}: p50 / p99 / p99.9`)],
      rows,
    );
  }

  cpu(): string {
    const rows = this.byClient().map((w) => [
      ...this.first(w),
      ...this.cells(w.id, 'cpuPerGiB', twoDecimals),
      ...this.cells(w.id, 'loadgenCpu', oneDecimal).slice(0, 2),
    ]);
    return table(
      [
        ...this.head(),
        'Sluice CPU s/GiB',
        'Kafka CPU s/GiB',
        'Sluice/Kafka',
        'loadgen CPU s (S)',
        'loadgen CPU s (K)',
      ],
      rows,
    );
  }

  produceLatency(): string {
    const rows = this.byClient()
      .filter((w) => w.kind === 'produce')
      .map((w) => {
        const [s50, k50] = this.cells(w.id, 'ackP50', millis);
        const [s99, k99, r99] = this.cells(w.id, 'ackP99', millis);
        const [s999, k999] = this.cells(w.id, 'ackP999', millis);
        const [sq50, kq50] = this.cells(w.id, 'requestP50', millis);
        const [sq99, kq99, rq99] = this.cells(w.id, 'requestP99', millis);
        return [
          ...this.first(w),
          `${s50} / ${s99} / ${s999}`,
          `${k50} / ${k99} / ${k999}`,
          r99,
          `${sq50} / ${sq99}`,
          `${kq50} / ${kq99}`,
          rq99,
        ];
      });
    return table(
      [
        ...this.head(),
        'Sluice ack p50 / p99 / p99.9',
        'Kafka ack p50 / p99 / p99.9',
        'ack p99 Sluice/Kafka',
        'Sluice request p50 / p99',
        'Kafka request p50 / p99',
        'request p99 Sluice/Kafka',
      ],
      rows,
    );
  }

  endToEnd(): string {
    const rows: string[][] = [];
    const metrics: Array<[string, MetricName]> = [
      ['end-to-end p50', 'e2eP50'],
      ['end-to-end p99', 'e2eP99'],
      ['end-to-end p99.9', 'e2eP999'],
      ['end-to-end max', 'e2eMax'],
      ['produce ack p50', 'ackP50'],
      ['produce ack p99', 'ackP99'],
    ];
    const list = GENERATORS.flatMap((g) => this.of('e2e').filter((w) => generatorOf(w) === g));
    for (const w of list) {
      for (const [label, metric] of metrics) {
        rows.push([...this.first(w), label, ...this.cells(w.id, metric, millis)]);
      }
    }
    return table(this.head('latency (ms)', 'Sluice', 'Kafka', 'Sluice/Kafka'), rows);
  }

  /** Sluice, Kafka at its default delay, ratio, Kafka with delay 0, ratio. */
  private groupCells(id: string, metric: MetricName, fmt: Format): string[] {
    const s = this.results.metric('sluice', id, metric);
    const k = this.results.metric('kafka', id, metric);
    const k0 = this.results.metric('kafka', id, metric, 'delay0');
    return [
      show(s, fmt, true),
      show(k, fmt, this.kafka),
      ratio(s, k),
      show(k0, fmt, this.kafka0),
      ratio(s, k0),
    ];
  }

  private static readonly GROUP_HEADER = [
    'Sluice',
    'Kafka (delay 3000 ms, default)',
    'Sluice/Kafka',
    'Kafka (delay 0)',
    'Sluice/Kafka (delay 0)',
  ];

  groupThroughput(): string {
    const rows: string[][] = [];
    for (const w of this.of('group')) {
      const metrics: Array<[string, MetricName, Format]> = [
        ['records/s, start → all records consumed', 'recordsPerSec', count],
        ['MiB/s, start → all records consumed', 'mibPerSec', oneDecimal],
        ['records/s, first record → all records consumed', 'groupSteadyRecordsPerSec', count],
        ['start → every member assigned (ms)', 'groupAssignedMs', count],
        ['start → first record polled (ms)', 'groupFirstRecordMs', count],
        ['final commit, all members at once (ms)', 'groupCommitMs', millis],
        ['leaving the group: Close, all members at once (ms)', 'groupCloseMs', millis],
        ['broker CPU s/GiB', 'cpuPerGiB', twoDecimals],
      ];
      for (const [label, metric, fmt] of metrics)
        rows.push([w.label, label, ...this.groupCells(w.id, metric, fmt)]);
    }
    return table(['workload', 'figure', ...Tables.GROUP_HEADER], rows);
  }

  rebalance(): string {
    const rows: string[][] = [];
    const measures: Array<[string, string]> = [
      ['every member has polled records', 'firstRecordsMs'],
      ['every member assigned (join + sync)', 'assignedMs'],
    ];
    for (const w of this.of('rebalance')) {
      for (const [label, key] of measures) {
        const s = this.runs('sluice', w.id, key);
        const k = this.runs('kafka', w.id, key);
        const k0 = this.runs('kafka', w.id, key, 'delay0');
        rows.push([
          String((w as Workload & { members: number }).members),
          label,
          showRuns(s, true),
          showRuns(k, this.kafka),
          ratio(s.figure, k.figure),
          showRuns(k0, this.kafka0),
          ratio(s.figure, k0.figure),
        ]);
      }
    }
    return table(['members', 'time from start (ms): p50 [min–max]', ...Tables.GROUP_HEADER], rows);
  }

  /** Every run's time until every member had records, and the generation it ended in. */
  rebalanceRuns(): string {
    const rows = this.of('rebalance').map((w) => {
      const cell = (broker: 'sluice' | 'kafka', present: boolean, variant?: 'delay0') => {
        if (!present) return 'no peer';
        const { rounds, failures } = this.results.lists(
          broker,
          w.id,
          (r) => r.runs as Array<{ allFirstRecordsMs: number; generation: number }> | undefined,
          variant,
        );
        const text = rounds
          .map((runs) => runs.map((x) => `${Math.round(x.allFirstRecordsMs)} g${x.generation}`).join(', '))
          .join(' · ');
        return `${text || '—'}${failures > 0 ? ` (failed in ${failures} round${failures === 1 ? '' : 's'})` : ''}`;
      };
      return [
        String((w as Workload & { members: number }).members),
        cell('sluice', true),
        cell('kafka', this.kafka),
        cell('kafka', this.kafka0, 'delay0'),
      ];
    });
    return table(['members', 'Sluice', 'Kafka (delay 3000 ms, default)', 'Kafka (delay 0)'], rows);
  }

  private runs(
    broker: 'sluice' | 'kafka',
    id: string,
    key: string,
    variant?: 'delay0',
  ): { figure: Figure | undefined; min: number; max: number } {
    const { rounds, failures } = this.results.lists(
      broker,
      id,
      (r) => (Array.isArray(r[key]) ? (r[key] as number[]) : undefined),
      variant,
    );
    const all = rounds.flat();
    const f =
      figure(all, failures) ??
      (failures > 0 ? { median: Number.NaN, spread: 0, rounds: 0, failures } : undefined);
    return { figure: f, min: Math.min(...all), max: Math.max(...all) };
  }

  /** The broker-process rows; with `recovery` (--recovery), the recovery-after-kill -9 rows too. */
  broker(recovery: readonly RecoveryResult[] = [], onlyRecovery = false): string {
    const row = (label: string, pick: (s: SuiteResult) => number | undefined, fmt: Format) => {
      const s = this.results.broker('sluice', pick);
      const k = this.results.broker('kafka', pick);
      return [label, show(s, fmt, true), show(k, fmt, this.kafka), ratio(s, k)];
    };
    const kafkaRecovered = recovery.some((r) => r.broker === 'kafka');
    const recoveryFigure = (broker: 'sluice' | 'kafka', pick: (r: RecoveryResult) => number | undefined) => {
      const runs = recovery.filter((r) => r.broker === broker);
      if (runs.length === 0) return undefined;
      const values = runs.map(pick).filter((v): v is number => v !== undefined && Number.isFinite(v));
      const failures = runs.length - values.length;
      return figure(values, failures) ?? { median: Number.NaN, spread: 0, rounds: 0, failures };
    };
    const recoveryRow = (label: string, pick: (r: RecoveryResult) => number | undefined, fmt: Format) => {
      const s = recoveryFigure('sluice', pick);
      const k = recoveryFigure('kafka', pick);
      return [label, show(s, fmt, true), show(k, fmt, kafkaRecovered), ratio(s, k)];
    };
    const rows = onlyRecovery
      ? []
      : [
          row('start-up: process start → first ApiVersions answer (ms)', (s) => s.startupMs, count),
          row(
            'peak RSS (VmHWM) after all workloads (MiB)',
            (s) => (s.peakRssKiB ?? Number.NaN) / 1024,
            count,
          ),
          row('broker CPU over the whole round (s)', (s) => s.brokerCpuSeconds, oneDecimal),
        ];
    if (recovery.length > 0) {
      rows.push(
        recoveryRow(
          'recovery after kill -9 of a ~1 GiB 1-partition log: process start → ListOffsets latest ≥ acknowledged (ms)',
          (r) => r.recoveryMs,
          count,
        ),
        recoveryRow('  records acknowledged (acks=1) before the kill', (r) => r.acked, count),
        recoveryRow('  log end offset after the restart', (r) => r.restartedOffset, count),
      );
    }
    return table(['', 'Sluice', 'Kafka', 'Sluice/Kafka'], rows);
  }

  /** Every failed cell, failed start and log warning, as Markdown. */
  failures(): string {
    const out: string[] = [];
    for (const suite of this.results.suites) {
      const who = `${displayName(suite.broker, suite.variant)}, round ${suite.round}`;
      if (suite.startError) out.push(`- **${who}: did not start.**\n\n${fence(suite.startError)}`);
      for (const w of this.list) {
        const cell = suite.cells[w.id];
        if (!cell) continue;
        if (!cell.ok) {
          out.push(`- **${who}, ${fullLabel(w)}: failed.** ${cell.error.split('\n')[0]}`);
          if (cell.log) out.push(`  Broker log (last lines):\n\n${fence(cell.log)}`);
        } else if (cell.note) {
          out.push(`- ${who}, ${fullLabel(w)}: ${cell.note}`);
        }
      }
      if (suite.stopNote) out.push(`- ${who}: on stop, ${suite.stopNote}`);
      if (suite.broker === 'sluice' && suite.logProblems && suite.logProblems.count !== 0) {
        out.push(
          `- ${who}: ${suite.logProblems.count} warning/error lines in the broker log; first:\n\n${fence(suite.logProblems.sample.join('\n'))}`,
        );
      }
    }
    return out.length > 0 ? out.join('\n') : 'None: every workload completed on every broker in every round.';
  }
}

function fence(text: string): string {
  const lines = text
    .split('\n')
    .slice(-40)
    .map((l) => l.slice(0, 300));
  return ['  ```text', ...lines.map((l) => `  ${l}`), '  ```', ''].join('\n');
}
