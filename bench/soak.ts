// Soak: `sluice start` under mixed load for a long stretch (default 30 minutes): acks=all produce
// at a fixed rate with a consumer at the tail, consumer groups joining and reading, log pushes,
// LogQL queries (the worst-case regex among them), live tails (some that never read), and the
// hostile Kafka clients of issue 10 in waves (fetch floods that never read, unfinished 95 MiB
// frames, slowloris, silent connections). Samples the process's RSS every second.
// Goals: peak RSS ≤ 512 MiB, and every acknowledged record is in the log at the end.
//
//   npm run build && node dist/bench/soak.js [--duration 30m] [--rate 2000] [--out FILE]

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  fetchFlood,
  type Hostile,
  pushLines,
  queryLoop,
  REDOS_LINE,
  REDOS_QUERY,
  silentConnections,
  slowloris,
  stuckTails,
  unfinishedFrames,
} from './lib/hostile/index.js';
import { buildLoadgen, type Loadgen, loadgen } from './lib/loadgen.js';
import { type RunningPlatform, startPlatform } from './lib/logs/sluice-platform.js';
import { machineInfo } from './lib/machine.js';
import { installSignalHandlers, sleep } from './lib/processes.js';
import { writeSection } from './lib/sections.js';

const MiB = 1024 * 1024;
const RSS_GOAL_MIB = 512;

interface Tally {
  acked: number;
  missingAtTail: number;
  produceErrors: number;
  e2eRuns: number;
  p99s: number[];
  groupRuns: number;
  groupFailures: number;
  pushes: number;
  pushFailures: number;
  waves: string[];
  /** Peak RSS (KiB) seen while each hostile wave (or none) was running. */
  peakByPhase: Map<string, number>;
}

/** The hostile wave running now, for attributing RSS peaks. */
let phase = 'no hostile wave';

function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  if (!m) throw new Error(`bad duration '${text}' (e.g. 30m, 90s)`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

/** Reads VmRSS of a process in KiB, or undefined when it is gone. */
async function rssKiB(pid: number): Promise<number | undefined> {
  try {
    const { readFile } = await import('node:fs/promises');
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { duration: { type: 'string' }, rate: { type: 'string' }, out: { type: 'string' } },
  });
  const durationText = values.duration ?? '30m';
  const durationMs = parseDuration(durationText);
  const rate = Number(values.rate ?? 2000);
  const root = fileURLToPath(new URL('../../', import.meta.url));
  installSignalHandlers();
  const gen = await buildLoadgen(root);
  const workDir = mkdtempSync(join(tmpdir(), 'sluice-soak-'));
  const tally: Tally = {
    acked: 0,
    missingAtTail: 0,
    produceErrors: 0,
    e2eRuns: 0,
    p99s: [],
    groupRuns: 0,
    groupFailures: 0,
    pushes: 0,
    pushFailures: 0,
    waves: [],
    peakByPhase: new Map(),
  };
  let platform: RunningPlatform | undefined;
  let peakKiB = 0;
  let endKiB = 0;
  let logRecords = -1;
  let died: string | undefined;
  const started = Date.now();
  try {
    // 50 tails that never read: above the default cap of 10 tails, raised for the soak.
    platform = await startPlatform({ repoRoot: root, workDir, config: 'logs:\n  maxTails: 120\n' });
    const p = platform;
    for (const [topic, partitions] of [
      ['soak', 3],
      ['soak-big', 4],
    ] as const) {
      const made = await loadgen(
        gen,
        'create-topic',
        ['--brokers', p.bootstrap, '--topic', topic, '--partitions', String(partitions)],
        60_000,
      );
      if (!made.ok) throw new Error(made.error);
    }
    // 80 MB for the fetch floods to ask for.
    const filled = await loadgen(
      gen,
      'produce',
      [
        '--brokers',
        p.bootstrap,
        '--topic',
        'soak-big',
        '--records',
        '80000',
        '--size',
        '1000',
        '--acks',
        '1',
      ],
      5 * 60_000,
    );
    if (!filled.ok) throw new Error(filled.error);
    await pushLines(p.httpUrl, 'redos', [REDOS_LINE]);

    const deadline = started + durationMs;
    const live = () => Date.now() < deadline && p.exitReason() === undefined;
    const sampler = (async () => {
      while (live()) {
        const kib = await rssKiB(p.pid);
        if (kib !== undefined) {
          peakKiB = Math.max(peakKiB, kib);
          tally.peakByPhase.set(phase, Math.max(tally.peakByPhase.get(phase) ?? 0, kib));
        }
        await sleep(1000);
      }
    })();
    await Promise.all([
      sampler,
      produceLoop(gen, p, rate, live, tally),
      groupLoop(gen, p, live, tally),
      logsLoop(p, live, tally),
      hostileWaves(p, live, tally),
    ]);
    died = p.exitReason();
    if (died === undefined) {
      endKiB = (await rssKiB(p.pid)) ?? 0;
      const read = await loadgen(gen, 'consume', ['--brokers', p.bootstrap, '--topic', 'soak'], 10 * 60_000);
      if (read.ok) logRecords = read.result.records as number;
    }
  } finally {
    const stopped = await platform?.stop();
    if (stopped) console.error(`sluice start ${stopped}`);
    rmSync(workDir, { recursive: true, force: true });
  }
  const report = render({ durationText, rate, tally, peakKiB, endKiB, logRecords, died });
  const out = values.out ?? writeSection(root, 'soak', report);
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(out, report);
  console.log(`\n${report}\nwritten to ${out}`);
  if (died || peakKiB > RSS_GOAL_MIB * 1024 || logRecords < tally.acked) process.exitCode = 1;
}

/** acks=all at a fixed rate in 60 s runs, each with its own tail consumer counting what arrives. */
async function produceLoop(gen: Loadgen, p: RunningPlatform, rate: number, live: () => boolean, t: Tally) {
  while (live()) {
    const run = await loadgen(
      gen,
      'e2e',
      [
        '--brokers',
        p.bootstrap,
        '--topic',
        'soak',
        '--rate',
        String(rate),
        '--duration',
        '60s',
        '--size',
        '200',
      ],
      5 * 60_000,
    );
    t.e2eRuns++;
    if (!run.ok) {
      t.produceErrors++;
      console.log(`e2e failed: ${run.error}`);
      continue;
    }
    const r = run.result as { acked: number; missing: number; errors: number; latency: { p99Ms: number } };
    t.acked += r.acked;
    t.missingAtTail += r.missing;
    t.produceErrors += r.errors;
    t.p99s.push(r.latency.p99Ms);
    console.log(`${elapsed()} e2e: acked ${r.acked}, missing ${r.missing}, p99 ${r.latency.p99Ms} ms`);
  }
}

/** A group of 3 members reads the big topic from the start, again and again. */
async function groupLoop(gen: Loadgen, p: RunningPlatform, live: () => boolean, t: Tally) {
  while (live()) {
    const run = await loadgen(
      gen,
      'group',
      ['--brokers', p.bootstrap, '--topic', 'soak-big', '--members', '3'],
      5 * 60_000,
    );
    t.groupRuns++;
    if (!run.ok) {
      t.groupFailures++;
      console.log(`group run failed: ${run.error}`);
    }
    await sleep(5000);
  }
}

/** Pushes every 200 ms, ordinary and worst-case queries, and live tails (half never read). */
async function logsLoop(p: RunningPlatform, live: () => boolean, t: Tally) {
  const normal = queryLoop(p.httpUrl, 'sum by (service) (count_over_time({service=~"soak.*"}[1m]))', 1);
  const worst = queryLoop(p.httpUrl, REDOS_QUERY, 1);
  const stuck = await stuckTails(p.httpUrl, '{service="soak-app"}', 50);
  const lines = Array.from({ length: 100 }, (_, i) => `level=info msg="order ${i} placed" took=${i}ms`);
  while (live()) {
    try {
      await pushLines(p.httpUrl, 'soak-app', lines);
      t.pushes++;
    } catch {
      t.pushFailures++;
    }
    await sleep(200);
  }
  stuck.close();
  await Promise.all([normal.close(), worst.close()]);
  t.waves.push(
    `queries: ordinary ${fmt(normal.statuses)}, worst-case regex ${fmt(worst.statuses)}; stuck tails still open at end ${stuck.open()}/50`,
  );
}

const fmt = (m: Map<number, number>) =>
  [...m].map(([s, n]) => `${n}×${s === 0 ? 'error' : s}`).join(' ') || 'none';

/** Hostile Kafka clients in 2-minute waves with a minute's rest between. */
async function hostileWaves(p: RunningPlatform, live: () => boolean, t: Tally) {
  const port = Number(p.bootstrap.split(':')[1]);
  const waves: Array<[string, () => Promise<Hostile>]> = [
    [
      'fetch flood: 4 connections × 200 Fetch v4 never read',
      () => fetchFlood({ port, topic: 'soak-big', partitions: 4, connections: 4, requests: 200 }),
    ],
    ['20 unfinished frames (95 of 100 MiB)', () => unfinishedFrames(port, 20, 100 * MiB, 95 * MiB)],
    ['50 slowloris connections', () => slowloris(port, 50)],
    ['2,000 silent connections', () => silentConnections(port, 2000)],
  ];
  let i = 0;
  while (live()) {
    const [name, open] = waves[i % waves.length];
    i++;
    let hostile: Hostile | undefined;
    try {
      phase = name;
      hostile = await open();
      const opened = hostile.open();
      for (let s = 0; s < 120 && live(); s++) await sleep(1000);
      t.waves.push(`${elapsed()} ${name}: ${opened} opened, ${hostile.open()} still open after 2 min`);
    } catch (err) {
      t.waves.push(`${elapsed()} ${name}: could not start (${(err as Error).message})`);
    } finally {
      hostile?.close();
      phase = 'no hostile wave';
    }
    for (let s = 0; s < 60 && live(); s++) await sleep(1000);
  }
}

const t0 = Date.now();
const elapsed = () => `[${((Date.now() - t0) / 60_000).toFixed(1)} min]`;

function render(r: {
  durationText: string;
  rate: number;
  tally: Tally;
  peakKiB: number;
  endKiB: number;
  logRecords: number;
  died: string | undefined;
}): string {
  const m = machineInfo();
  const { tally } = r;
  const sorted = [...tally.p99s].sort((a, b) => a - b);
  const lost = r.logRecords < 0 ? 'not checked' : String(Math.max(0, tally.acked - r.logRecords));
  return `## Soak: ${r.durationText} of mixed and hostile load

${new Date().toISOString()}, ${m.nproc} cores (${m.cpuModel}), load average ${m.loadAverageAtStart
    .map((l) => l.toFixed(1))
    .join(
      ' ',
    )} at start; \`node dist/bench/soak.js --duration ${r.durationText} --rate ${r.rate}\` against \`sluice start\`.
Load: franz-go acks=all at ${r.rate} rec/s of 200 B (60 s runs, each with a tail consumer), a 3-member
consumer group reading 80 MB again and again, Loki pushes every 200 ms, an ordinary and a worst-case
regex LogQL query in loops, 50 live tails that never read, and hostile Kafka clients in 2-minute waves.

| figure | value |
|---|---:|
| peak RSS (goal ≤ ${RSS_GOAL_MIB} MiB) | ${(r.peakKiB / 1024).toFixed(0)} MiB |
| RSS at the end | ${(r.endKiB / 1024).toFixed(0)} MiB |
| records acknowledged (acks=all) | ${tally.acked.toLocaleString('en-US')} |
| records in the log at the end | ${r.logRecords.toLocaleString('en-US')} |
| acknowledged records lost | ${lost} |
| acknowledged but not seen by the tail consumer | ${tally.missingAtTail} |
| produce errors / e2e runs | ${tally.produceErrors} / ${tally.e2eRuns} |
| e2e p99, median / worst run | ${sorted[Math.floor(sorted.length / 2)]?.toFixed(1) ?? '-'} / ${sorted.at(-1)?.toFixed(1) ?? '-'} ms |
| group runs (failed) | ${tally.groupRuns} (${tally.groupFailures}) |
| log pushes (failed) | ${tally.pushes} (${tally.pushFailures}) |
| process | ${r.died ? `**died: ${r.died}**` : 'up throughout'} |

Peak RSS by phase: ${[...tally.peakByPhase]
    .map(([name, kib]) => `${name} ${(kib / 1024).toFixed(0)} MiB`)
    .join('; ')}.

${tally.waves.map((w) => `- ${w}`).join('\n')}
`;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
