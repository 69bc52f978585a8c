// The markdown section of the pipeline benchmark: medians over rounds with their spread, the
// ratios Sluice / Kafka Streams, the settings and commands, and what went wrong. Pure: a run in,
// text out (unit-tested).

import type { Machine } from '../machine.js';
import { formatMedian, type Median, median } from '../median.js';
import { type RoundResult, type Scale, SIDE_DISPLAY, SIDES, type Side } from './round.js';
import {
  BINDINGS,
  DLQ_TOPIC,
  type Expected,
  INPUT_TOPIC,
  LATENCY_TOPIC,
  PARTITIONS,
  pipelineYaml,
} from './workload.js';

export interface PipelineRun {
  began: string;
  ended: string;
  argv: string[];
  scale: Scale;
  machine: Machine;
  versions: Record<string, string>;
  sides: Side[];
  /** Sides asked for that could not run, and why. */
  skipped: Partial<Record<Side, string>>;
  streamsThreads: number;
  fillExpected: Expected;
  latencyExpected: Expected;
  commands: Record<string, string>;
  rounds: RoundResult[];
}

type Metric = (r: RoundResult) => number | undefined;

const ROWS: ReadonlyArray<{ label: string; pick: Metric; digits: number; higherIsBetter: boolean }> = [
  {
    label: 'throughput, msg/s (processor start → last output)',
    pick: (r) => r.throughput,
    digits: 0,
    higherIsBetter: true,
  },
  {
    label: 'throughput, msg/s (first output → last)',
    pick: (r) => r.steadyThroughput,
    digits: 0,
    higherIsBetter: true,
  },
  {
    label: 'processor start → first output, ms',
    pick: (r) => r.firstOutputMs,
    digits: 0,
    higherIsBetter: false,
  },
  { label: 'end-to-end latency p50, ms', pick: (r) => r.latency?.p50Ms, digits: 1, higherIsBetter: false },
  { label: 'end-to-end latency p99, ms', pick: (r) => r.latency?.p99Ms, digits: 1, higherIsBetter: false },
  {
    label: 'processor CPU s, throughput phase',
    pick: (r) => r.cpuThroughputS,
    digits: 1,
    higherIsBetter: false,
  },
  {
    label: 'broker CPU s, throughput phase',
    pick: (r) => r.brokerCpuThroughputS,
    digits: 1,
    higherIsBetter: false,
  },
  { label: 'processor peak RSS, MiB', pick: (r) => r.peakRssMiB, digits: 0, higherIsBetter: false },
];

function ok(run: PipelineRun, side: Side): RoundResult[] {
  return run.rounds.filter((r) => r.side === side && r.ok);
}

export function sideMedian(run: PipelineRun, side: Side, pick: Metric): Median | undefined {
  return median(ok(run, side).flatMap((r) => pick(r) ?? []));
}

/** Sluice / Kafka Streams on Kafka of one metric, when both were measured. */
export function ratio(run: PipelineRun, pick: Metric): number | undefined {
  const a = sideMedian(run, 'sluice', pick);
  const b = sideMedian(run, 'streams', pick);
  return a && b && b.value !== 0 ? a.value / b.value : undefined;
}

export function renderPipeline(run: PipelineRun): string {
  const { scale } = run;
  const shown = SIDES.filter((s) => run.sides.includes(s) || run.skipped[s] !== undefined);
  const out: string[] = [];
  const date = run.began.slice(0, 16).replace('T', ' ');
  out.push('## Pipelines: Sluice vs Kafka Streams');
  out.push('');
  out.push(
    `${date} UTC, ${scale.name} scale, median of ${scale.rounds} round${scale.rounds === 1 ? '' : 's'} ` +
      `(± half the range between rounds), ${run.machine.nproc} CPUs (shared). A validate + transform + route ` +
      `pipeline over ${run.fillExpected.messages.toLocaleString('en-US')} JSON messages of 1 KiB; issue 12's goal: ` +
      'Sluice ≥ 1.0× Kafka Streams throughput.',
  );
  out.push('');
  const tput = ratio(run, (r) => r.throughput);
  const p50 = ratio(run, (r) => r.latency?.p50Ms);
  const p99 = ratio(run, (r) => r.latency?.p99Ms);
  if (tput !== undefined) {
    out.push(
      `**Sluice / Kafka Streams: throughput ${tput.toFixed(2)}× (goal ≥ 1.0: ${tput >= 1 ? 'met' : 'not met'}), ` +
        `latency p50 ${p50?.toFixed(2) ?? '—'}×, p99 ${p99?.toFixed(2) ?? '—'}× (below 1 is faster).**`,
    );
  } else {
    out.push(`**No ratio yet: ${run.skipped.sluice ?? 'the Sluice side did not complete a round'}.**`);
  }
  out.push('');
  const header = ['', ...shown.map((s) => SIDE_DISPLAY[s]), 'Sluice / Streams'];
  out.push(`| ${header.join(' | ')} |`);
  out.push(`|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
  for (const row of ROWS) {
    const cells = shown.map((s) =>
      run.skipped[s] ? 'not run' : formatMedian(sideMedian(run, s, row.pick), row.digits),
    );
    const r = ratio(run, row.pick);
    out.push(`| ${row.label} | ${cells.join(' | ')} | ${r === undefined ? '—' : `${r.toFixed(2)}×`} |`);
  }
  const countCells = shown.map((s) => {
    if (run.skipped[s]) return 'not run';
    const rounds = run.rounds.filter((r) => r.side === s);
    const good = rounds.filter((r) => r.ok && r.countsOk && r.latencyReceived === r.latencyExpected).length;
    return `${good} of ${rounds.length} rounds`;
  });
  out.push(`| output counts = expected | ${countCells.join(' | ')} | |`);
  out.push('');
  const skipped = Object.entries(run.skipped);
  for (const [side, why] of skipped) out.push(`- ${SIDE_DISPLAY[side as Side]}: not run: ${why}`);
  if (skipped.length > 0) out.push('');

  const e = run.fillExpected;
  const pct = (n: number) => `${((n / e.messages) * 100).toFixed(1)}%`;
  out.push('### The workload');
  out.push('');
  out.push(
    `\`${INPUT_TOPIC}\` (${PARTITIONS} partitions) is filled with ${e.messages.toLocaleString('en-US')} orders of exactly ` +
      '1024 bytes (`bench/lib/pipeline/workload.ts`: id, type order|refund|payment, region, amount, currency, channel, ' +
      'customer, items, padding, sentAt; keyed by customer id; generated deterministically), then the processor is ' +
      'started and timed until every expected output record has been read back (`loadgen count`). Each message is ' +
      'validated against a JSON Schema (draft 2020-12); `channel` is dropped and `customer.id` renamed to `customerId`; ' +
      '`total` = round(amount × 1.2) and `route` = type.region are added; then a topic exchange on `route` sends it to ' +
      `${BINDINGS.map((b) => `\`${b.pattern}\` → ${b.to}`).join(', ')}. Of these messages ${pct(e.invalid)} break the ` +
      `schema (amount as a string) → \`${DLQ_TOPIC}\`, ${pct(e.dropped)} match no binding (payments outside Europe: dropped, counted), ` +
      `and ${e.outputs.toLocaleString('en-US')} output records are written (${Object.entries(e.topics)
        .map(([t, n]) => `${t} ${n.toLocaleString('en-US')}`)
        .join(', ')}).`,
  );
  out.push('');
  out.push(
    `Latency: with the processor running and caught up, ${run.scale.rate.toLocaleString('en-US')} msg/s for ` +
      `${run.scale.durationS} s (\`loadgen pipeline-e2e\`), \`sentAt\` written at send time (unix ms); a consumer on ` +
      `\`${LATENCY_TOPIC}\` records receive time − sentAt for the records sent after the first ${run.scale.warmupS} s ` +
      `(${run.latencyExpected.topics[LATENCY_TOPIC].toLocaleString('en-US')} records reach it in all; ms resolution).`,
  );
  out.push('');
  out.push('### Settings');
  out.push('');
  out.push(
    '- Each round of each column: a fresh broker (Sluice: `sluice broker`; Kafka: `scripts/peers/kafka.sh` at its ' +
      'defaults with `group.initial.rebalance.delay.ms=0`, the value Sluice has, so no side waits for group members ' +
      'that never come), topics created, the input pre-filled (franz-go, acks=all), then the processor as its own process.',
  );
  out.push(
    `- Kafka Streams: at-least-once (its default \`processing.guarantee\`), ${
      run.streamsThreads === 1
        ? 'every setting at its default, `num.stream.threads=1` included: on this 2-core machine, shared with the ' +
          'broker and the load generator, 2 threads measured slower (500,000 messages on 2026-12-07, 3 rounds with 2 threads, 2 with 1: ' +
          '16–19k msg/s and p99 140–220 ms with 2 threads; 19–24k msg/s and p99 40 ms with 1)'
        : `every other setting at its default except \`num.stream.threads=${run.streamsThreads}\` (default 1)`
    }.` + ' JVM at its defaults (no -Xmx). Stream threads, not instances: one JVM.',
  );
  out.push(
    '- Sluice: `sluice pipeline run` with the YAML below; at-least-once (offsets committed after the outputs are acknowledged, acks=all).',
  );
  out.push(
    '- "Kafka Streams on Sluice" runs the same Streams app against `sluice broker`: beside the first two columns it shows the broker\'s share.',
  );
  out.push('');
  out.push('### Commands');
  out.push('');
  out.push('```sh');
  for (const [what, command] of Object.entries(run.commands)) out.push(`# ${what}\n${command}`);
  out.push('```');
  out.push('');
  out.push('<details><summary>The Sluice pipeline (bench/lib/pipeline/workload.ts)</summary>');
  out.push('');
  out.push('```yaml');
  out.push(pipelineYaml().trimEnd());
  out.push('```');
  out.push('');
  out.push('</details>');
  out.push('');
  out.push(
    `Versions: ${Object.entries(run.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(
        '; ',
      )}. Machine: ${run.machine.cpuModel}, ${run.machine.nproc} CPUs, ${run.machine.memoryGiB} GiB, node ${run.machine.node}.`,
  );
  const problems = run.rounds.filter((r) => !r.ok || r.notes.length > 0);
  if (problems.length > 0) {
    out.push('');
    out.push('### Failures and notes');
    out.push('');
    for (const r of problems) {
      const text = [r.error, ...r.notes].filter(Boolean).join('; ').replace(/\s+/g, ' ').slice(0, 800);
      out.push(`- ${SIDE_DISPLAY[r.side]}, round ${r.round}: ${text}`);
    }
  }
  return `${out.join('\n')}\n`;
}
