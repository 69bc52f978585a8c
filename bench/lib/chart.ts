// The Sluice/Kafka ratios as a chart: an SVG drawn here, turned into a PNG by rsvg-convert
// (Debian: librsvg2-bin). Bars grow from 1 on a log scale, so 2× and 0.5× look alike in size.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Results } from './aggregate.js';
import { run } from './processes.js';
import type { RecoveryResult } from './recovery.js';
import type { SuiteResult } from './suite.js';
import type { Tables } from './tables.js';
import { cellLabel, GENERATOR_NAMES, GENERATORS, matrix } from './workloads.js';

export interface Row {
  label: string;
  bars: Array<number | undefined>;
}

export interface Panel {
  title: string;
  series: string[];
  rows: Row[];
}

const COLOURS = ['#4c78a8', '#f58518', '#54a24b'];
const WIDTH = 1200;
const LABEL_W = 250;
const PLOT_LEFT = LABEL_W + 20;
const PLOT_RIGHT = WIDTH - 70;
const LOG_MIN = -1.3; // 0.05
const LOG_MAX = 1.3; // 20
const BAR_H = 8;
const TICKS = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 10, 20];

function x(v: number): number {
  const l = Math.min(LOG_MAX, Math.max(LOG_MIN, Math.log10(v)));
  return PLOT_LEFT + ((l - LOG_MIN) / (LOG_MAX - LOG_MIN)) * (PLOT_RIGHT - PLOT_LEFT);
}

function esc(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** The panels: throughput over the matrix per client, end-to-end latency, the broker process. */
export function chartPanels(t: Tables, results: Results, recovery: readonly RecoveryResult[]): Panel[] {
  const gens = GENERATORS;
  const panels: Panel[] = [
    {
      title: 'Produce throughput, records/s: Sluice/Kafka (above 1: Sluice faster)',
      series: gens.map((g) => GENERATOR_NAMES[g]),
      rows: matrix().map((c) => ({
        label: cellLabel(c),
        bars: gens.map((g) => t.ratioOf('produce', g, c, 'recordsPerSec')),
      })),
    },
    {
      title: 'Consume throughput, records/s: Sluice/Kafka (above 1: Sluice faster)',
      series: gens.map((g) => GENERATOR_NAMES[g]),
      rows: matrix()
        .filter((c) => c.acks === '1')
        .map((c) => ({
          label: cellLabel(c).replace(/, acks=1$/, ''),
          bars: gens.map((g) => t.ratioOf('consume', g, c, 'recordsPerSec')),
        })),
    },
  ];
  const e2eRows: Row[] = [];
  for (const g of gens) {
    for (const c of matrix()) {
      const bars = (['e2eP50', 'e2eP99', 'e2eP999'] as const).map((m) => t.ratioOf('e2e', g, c, m));
      if (bars.some((b) => b !== undefined))
        e2eRows.push({ label: `${GENERATOR_NAMES[g]}: ${cellLabel(c)}`, bars });
    }
  }
  if (e2eRows.length > 0) {
    panels.push({
      title: 'End-to-end latency at a fixed rate: Sluice/Kafka (below 1: Sluice faster)',
      series: ['p50', 'p99', 'p99.9'],
      rows: e2eRows,
    });
  }
  const broker = (pick: (s: SuiteResult) => number | undefined) => {
    const s = results.broker('sluice', pick);
    const k = results.broker('kafka', pick);
    return s && k && k.median > 0 ? s.median / k.median : undefined;
  };
  const rec = (b: 'sluice' | 'kafka') => {
    const v = recovery
      .filter((r) => r.broker === b && r.recoveryMs !== undefined)
      .map((r) => r.recoveryMs as number)
      .sort((p, q) => p - q);
    return v.length === 0 ? undefined : v[v.length >> 1];
  };
  const rs = rec('sluice');
  const rk = rec('kafka');
  panels.push({
    title: 'Broker process: Sluice/Kafka (below 1: Sluice smaller or faster)',
    series: ['ratio'],
    rows: [
      { label: 'start-up time', bars: [broker((s) => s.startupMs)] },
      { label: 'peak RSS', bars: [broker((s) => s.peakRssKiB)] },
      ...(rs !== undefined && rk !== undefined && rk > 0
        ? [{ label: 'recovery of 1 GiB after kill -9', bars: [rs / rk] }]
        : []),
    ],
  });
  return panels;
}

export function chartSvg(
  panels: readonly Panel[],
  subtitle: string,
  title = 'Sluice / Apache Kafka, same machine, same run (log scale)',
): string {
  const parts: string[] = [];
  let y = 56;
  for (const p of panels) {
    parts.push(`<text x="20" y="${y + 16}" class="h">${esc(p.title)}</text>`);
    p.series.forEach((name, i) => {
      if (p.series.length < 2) return;
      const lx = PLOT_RIGHT - (p.series.length - i) * 130;
      parts.push(`<rect x="${lx}" y="${y + 6}" width="12" height="12" fill="${COLOURS[i]}"/>`);
      parts.push(`<text x="${lx + 17}" y="${y + 16}" class="s">${esc(name)}</text>`);
    });
    y += 28;
    const top = y;
    for (const row of p.rows) {
      const h = row.bars.length * (BAR_H + 2) + 8;
      parts.push(
        `<text x="${LABEL_W}" y="${y + h / 2 + 4}" class="l" text-anchor="end">${esc(row.label)}</text>`,
      );
      row.bars.forEach((v, i) => {
        const by = y + 4 + i * (BAR_H + 2);
        if (v === undefined || !Number.isFinite(v) || v <= 0) {
          parts.push(`<text x="${x(1) + 4}" y="${by + BAR_H}" class="v">—</text>`);
          return;
        }
        const a = Math.min(x(1), x(v));
        const w = Math.max(1, Math.abs(x(v) - x(1)));
        parts.push(`<rect x="${a}" y="${by}" width="${w}" height="${BAR_H}" fill="${COLOURS[i]}"/>`);
        // The value beside the bar's end; a bar cut off at the left edge gets it right of 1.
        const clipped = v < 1 && x(v) - 30 < PLOT_LEFT;
        const right = v >= 1 || clipped;
        const tx = v >= 1 ? x(v) + 4 : clipped ? x(1) + 4 : x(v) - 4;
        parts.push(
          `<text x="${tx}" y="${by + BAR_H}" class="v" text-anchor="${right ? 'start' : 'end'}">${clipped ? '◂ ' : ''}${v < 0.01 ? v.toFixed(3) : v.toFixed(2)}</text>`,
        );
      });
      y += h;
    }
    // Grid and axis for the panel.
    for (const t of TICKS) {
      const gx = x(t);
      parts.push(
        `<line x1="${gx}" y1="${top}" x2="${gx}" y2="${y}" stroke="${t === 1 ? '#333' : '#ddd'}" stroke-width="${t === 1 ? 1.5 : 1}"/>`,
      );
      parts.push(`<text x="${gx}" y="${y + 14}" class="t" text-anchor="middle">${t}</text>`);
    }
    y += 36;
  }
  const height = y + 10;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">
<style>
text { font-family: DejaVu Sans, Arial, sans-serif; fill: #222; }
.title { font-size: 20px; font-weight: bold; }
.sub { font-size: 13px; fill: #555; }
.h { font-size: 15px; font-weight: bold; }
.l { font-size: 12px; }
.s { font-size: 12px; }
.v { font-size: 10px; fill: #444; }
.t { font-size: 11px; fill: #666; }
</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="20" y="26" class="title">${esc(title)}</text>
<text x="20" y="44" class="sub">${esc(subtitle)}</text>
<g>${parts.join('\n')}</g>
<!-- bars grow from the line at 1; ratios beyond 0.05 or 20 stop at the edge -->
</svg>
`;
}

/**
 * Writes the chart as PNG at `png` (the SVG goes to `tmpDir`). Resolves to undefined when
 * done, else to what went wrong: the report is written either way.
 */
export async function writeChart(svg: string, png: string, tmpDir: string): Promise<string | undefined> {
  const source = join(tmpDir, 'chart.svg');
  writeFileSync(source, svg);
  const out = await run('rsvg-convert', ['--format', 'png', '--output', png, source], { timeoutMs: 60_000 });
  if (out.code === 0) return undefined;
  if (out.code === -1) {
    return 'rsvg-convert is not installed (Debian: apt-get install librsvg2-bin), so there is no PNG chart';
  }
  return `rsvg-convert exited ${out.code}: ${out.stderr.trim().slice(0, 300)}`;
}
