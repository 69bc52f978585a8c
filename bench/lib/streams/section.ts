// The other peers' part of docs/benchmarks.md: the section (docs/bench-sections/streams.md) and
// its chart (docs/benchmarks-streams.png), from a fresh run or a saved one.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chartSvg, type Panel, writeChart } from '../chart.js';
import { writeSection } from '../sections.js';
import { DISPLAY, ratios, renderStreams, type StreamsRun } from './report.js';

const CHART = 'benchmarks-streams.png';

function panels(run: StreamsRun): Panel[] {
  const rs = ratios(run);
  return [
    {
      title: 'Throughput, records/s: Sluice/peer (above 1: Sluice faster)',
      series: ['durable publish', 'consume'],
      rows: rs.map((r) => ({
        label: DISPLAY[r.system],
        bars: [r.publishRecordsPerSec, r.consumeRecordsPerSec],
      })),
    },
    {
      title: 'Publish acknowledgement p50: Sluice/peer (below 1: Sluice acknowledges sooner)',
      series: ['ack p50'],
      rows: rs.map((r) => ({ label: DISPLAY[r.system], bars: [r.publishAckP50] })),
    },
  ];
}

/** Writes the chart and the section, then recomposes docs/benchmarks.md; returns the section's path. */
export async function writeStreamsSection(run: StreamsRun, repoRoot: string): Promise<string> {
  const tmp = mkdtempSync(join(tmpdir(), 'sluice-streams-chart-'));
  let image = '';
  try {
    const subtitle = `${run.began.slice(0, 16).replace('T', ' ')} UTC, ${run.scale.records.toLocaleString('en-US')} records, median of ${run.scale.rounds} rounds, ${run.scale.size}-byte records, 1 partition/stream/queue`;
    const problem = await writeChart(
      chartSvg(panels(run), subtitle, 'Sluice / NATS JetStream, Redis Streams, RabbitMQ (log scale)'),
      join(repoRoot, 'docs', CHART),
      tmp,
    );
    image = problem ? `(No chart: ${problem}.)` : `![Sluice/peer ratios](${CHART})`;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const [heading, ...rest] = renderStreams(run).split('\n');
  return writeSection(repoRoot, 'streams', [heading, '', image, ...rest].join('\n'));
}
