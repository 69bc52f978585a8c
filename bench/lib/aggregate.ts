// Turns the rounds into one figure per (broker, workload, metric): the median over the rounds
// in which that workload succeeded, with the spread between rounds.

import type { BrokerName, Variant } from './broker.js';
import type { Cell, SuiteResult } from './suite.js';

export interface Figure {
  median: number;
  /** Half the range between rounds, relative to the median (0 with one round). */
  spread: number;
  rounds: number;
  /** Rounds in which the workload failed. */
  failures: number;
}

type Pick = (cell: Cell & { ok: true }) => number | undefined;

function at(path: string, min = Number.NEGATIVE_INFINITY): Pick {
  const keys = path.split('.');
  return (cell) => {
    let v: unknown = cell.result;
    for (const k of keys) v = (v as Record<string, unknown> | undefined)?.[k];
    return typeof v === 'number' && Number.isFinite(v) && v >= min ? v : undefined;
  };
}

export const METRICS = {
  recordsPerSec: at('recordsPerSec'),
  mibPerSec: at('mibPerSec'),
  ackP50: at('ackLatency.p50Ms'),
  ackP99: at('ackLatency.p99Ms'),
  ackP999: at('ackLatency.p999Ms'),
  requestP50: at('requestLatency.p50Ms'),
  requestP99: at('requestLatency.p99Ms'),
  e2eP50: at('latency.p50Ms'),
  e2eP99: at('latency.p99Ms'),
  e2eP999: at('latency.p999Ms'),
  e2eMax: at('latency.maxMs'),
  loadgenCpu: at('loadgenCpuSeconds'),
  /** Group throughput: after the first record any member got, to the last one needed. */
  groupSteadyRecordsPerSec: at('afterFirstRecord.recordsPerSec', 0),
  /** -1 (never) when some member got no partitions before the records ran out. */
  groupAssignedMs: at('allAssignedMs', 0),
  groupFirstRecordMs: at('firstRecordMs', 0),
  groupCommitMs: at('finalCommitMs'),
  groupCloseMs: at('closeMs'),
  /** Broker CPU seconds per GiB of record values moved. */
  cpuPerGiB: (cell: Cell & { ok: true }) => {
    const bytes = cell.result.bytes;
    if (cell.brokerCpuSeconds === undefined || typeof bytes !== 'number' || bytes <= 0) return undefined;
    return cell.brokerCpuSeconds / (bytes / 2 ** 30);
  },
} satisfies Record<string, Pick>;

export type MetricName = keyof typeof METRICS;

export function figure(values: number[], failures: number): Figure | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const spread = median === 0 ? 0 : (sorted[sorted.length - 1] - sorted[0]) / 2 / median;
  return { median, spread, rounds: values.length, failures };
}

export class Results {
  constructor(readonly suites: readonly SuiteResult[]) {}

  /** The suites of a broker: its main ones, or those of one variant. */
  of(broker: BrokerName, variant?: Variant): SuiteResult[] {
    return this.suites.filter((s) => s.broker === broker && s.variant === variant);
  }

  has(broker: BrokerName, variant?: Variant): boolean {
    return this.of(broker, variant).some((s) => s.startError === undefined);
  }

  /** A workload metric over the rounds; undefined when no round produced it. */
  metric(broker: BrokerName, workload: string, name: MetricName, variant?: Variant): Figure | undefined {
    const values: number[] = [];
    let failures = 0;
    for (const suite of this.of(broker, variant)) {
      const cell = suite.cells[workload];
      if (!cell) continue;
      if (!cell.ok) {
        failures++;
        continue;
      }
      const v = METRICS[name](cell);
      if (v !== undefined) values.push(v);
    }
    return (
      figure(values, failures) ??
      (failures > 0 ? { median: Number.NaN, spread: 0, rounds: 0, failures } : undefined)
    );
  }

  /**
   * Values that a workload reports as a list (one per run inside the generator), per round in
   * which it succeeded; `failures` counts the rounds in which it failed.
   */
  lists<T>(
    broker: BrokerName,
    workload: string,
    pick: (result: Record<string, unknown>) => T[] | undefined,
    variant?: Variant,
  ): { rounds: T[][]; failures: number } {
    const rounds: T[][] = [];
    let failures = 0;
    for (const suite of this.of(broker, variant)) {
      const cell = suite.cells[workload];
      if (!cell) continue;
      if (!cell.ok) failures++;
      else rounds.push(pick(cell.result) ?? []);
    }
    return { rounds, failures };
  }

  /** A per-round broker figure (start-up, peak RSS, CPU). */
  broker(broker: BrokerName, pick: (s: SuiteResult) => number | undefined): Figure | undefined {
    const values = this.of(broker)
      .map(pick)
      .filter((v): v is number => v !== undefined && Number.isFinite(v));
    return figure(values, 0);
  }
}
