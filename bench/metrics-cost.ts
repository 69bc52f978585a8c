// What Prometheus metrics cost on the produce path: the same produce workload against
// `sluice broker` (records no metrics) and `sluice broker --http-port 0` (records them all and
// serves /metrics, scraped every second during the run), alternating, in one run.
//
//   node dist/bench/metrics-cost.js [--rounds N] [--records N] [--out FILE]

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { RunningBroker } from './lib/broker.js';
import { buildLoadgen, commandLine, loadgen } from './lib/loadgen.js';
import { machineInfo } from './lib/machine.js';
import { installSignalHandlers } from './lib/processes.js';
import { writeSection } from './lib/sections.js';
import { startSluice } from './lib/sluice-broker.js';

type Mode = 'off' | 'on';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { rounds: { type: 'string' }, records: { type: 'string' }, out: { type: 'string' } },
  });
  const rounds = Number(values.rounds ?? 3);
  const records = Number(values.records ?? 3_000_000);
  const root = fileURLToPath(new URL('../../', import.meta.url));
  installSignalHandlers();
  const gen = await buildLoadgen(root);
  const results: Record<Mode, number[]> = { off: [], on: [] };
  const produceArgs = (bootstrap: string) => [
    '--brokers',
    bootstrap,
    '--topic',
    'metrics-cost',
    '--records',
    String(records),
    '--size',
    '100',
    '--acks',
    '1',
  ];
  for (let round = 0; round < rounds; round++) {
    // Alternate which goes first so drift on a shared machine hits both alike.
    const order: Mode[] = round % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
    for (const mode of order) {
      const workDir = mkdtempSync(join(tmpdir(), `sluice-metrics-${mode}-`));
      let broker: RunningBroker | undefined;
      let scraper: NodeJS.Timeout | undefined;
      try {
        broker = await startSluice({
          repoRoot: root,
          workDir,
          gen,
          sluiceArgs: mode === 'on' ? ['--http-port', '0'] : [],
        });
        const created = await loadgen(
          gen,
          'create-topic',
          ['--brokers', broker.bootstrap, '--topic', 'metrics-cost', '--partitions', '1'],
          60_000,
        );
        if (!created.ok) throw new Error(created.error);
        if (mode === 'on') scraper = startScraping(broker);
        const run = await loadgen(gen, 'produce', produceArgs(broker.bootstrap), 10 * 60_000);
        if (!run.ok) throw new Error(run.error);
        const rate = run.result.recordsPerSec as number;
        results[mode].push(rate);
        console.log(`round ${round + 1} metrics ${mode}: ${Math.round(rate).toLocaleString('en-US')} rec/s`);
      } finally {
        if (scraper) clearInterval(scraper);
        await broker?.stop();
        rmSync(workDir, { recursive: true, force: true });
      }
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const off = median(results.off);
  const on = median(results.on);
  const report = `## Cost of metrics on the produce path

${new Date().toISOString()}, ${describeMachine()}; \`node dist/bench/metrics-cost.js --rounds ${rounds} --records ${records}\`.
Same workload (\`${commandLine('produce', produceArgs('HOST:PORT'))}\`, franz-go, 100-byte records,
acks=1, 1 partition) against \`sluice broker\` (no metrics recorded) and \`sluice broker --http-port 0\`
(every metric recorded, /metrics scraped once a second), alternating, median of ${rounds} rounds.

| broker | produce rec/s (median) | all rounds |
|---|---:|---|
| metrics off | ${Math.round(off).toLocaleString('en-US')} | ${results.off.map((r) => Math.round(r).toLocaleString('en-US')).join(', ')} |
| metrics on | ${Math.round(on).toLocaleString('en-US')} | ${results.on.map((r) => Math.round(r).toLocaleString('en-US')).join(', ')} |

Metrics on / off: **${(on / off).toFixed(2)}×** throughput.
`;
  // By default the result becomes the metrics section of docs/benchmarks.md.
  const out = values.out ?? writeSection(root, 'metrics-cost', report);
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(out, report);
  console.log(`\n${report}\nwritten to ${out}`);
}

function describeMachine(): string {
  const m = machineInfo();
  return `${m.nproc} cores (${m.cpuModel}), load average ${m.loadAverageAtStart.map((l) => l.toFixed(1)).join(' ')} at start`;
}

/** Scrapes /metrics every second, as Prometheus would, found from the broker's printed URL. */
function startScraping(broker: RunningBroker): NodeJS.Timeout {
  const url = /sluice http listening on (\S+)/.exec(broker.logTail(50))?.[1];
  if (!url) throw new Error('sluice broker --http-port printed no URL');
  return setInterval(() => {
    fetch(`${url}/metrics`)
      .then((r) => r.text())
      .catch(() => {});
  }, 1000);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
