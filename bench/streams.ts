// The other peers of the benchmark: Sluice, NATS JetStream, Redis Streams and RabbitMQ on the
// same durable-publish and consume workload; writes a markdown section with ratios Sluice/peer.
//
//   node dist/bench/streams.js [--quick] [--rounds N] [--only sluice|nats|redis|rabbitmq[,...]] [--out FILE]

import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cleanupNow, installSignalHandlers } from './lib/processes.js';
import {
  consumeTable,
  publishTable,
  runStreams,
  type StreamsRun,
  SYSTEMS,
  type SystemName,
  writeStreams,
  writeStreamsSection,
} from './lib/streams/index.js';

const USAGE = `Usage: node dist/bench/streams.js [options]

  --quick          small counts and one round: a smoke run (~1–2 min)
  --rounds N       rounds per system (default: 3, or 1 with --quick)
  --only LIST      comma-separated systems to measure: sluice, nats, redis, rabbitmq (default: all)
  --out FILE       the markdown report (default: the streams section of docs/benchmarks.md,
                   docs/bench-sections/streams.md, with docs/benchmarks-streams.png; with --quick
                   bench/results/<time>-streams.md). The JSON line file always goes to
                   bench/results/<time>-streams.jsonl
  --render FILE    measure nothing: write the section and chart again from a saved .jsonl
  -h, --help       show this help`;

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      rounds: { type: 'string' },
      only: { type: 'string' },
      out: { type: 'string' },
      render: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  let rounds: number | undefined;
  if (values.rounds !== undefined) {
    rounds = Number(values.rounds);
    if (!Number.isInteger(rounds) || rounds < 1) {
      console.error('--rounds must be a positive integer');
      return 2;
    }
  }
  const only = values.only?.split(',').map((s) => s.trim()) as SystemName[] | undefined;
  if (only?.some((s) => !SYSTEMS.includes(s))) {
    console.error(`--only takes ${SYSTEMS.join(', ')}\n\n${USAGE}`);
    return 2;
  }
  installSignalHandlers();
  const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
  if (values.render) {
    const saved = JSON.parse(readFileSync(values.render, 'utf8')) as StreamsRun;
    console.log(`streams: wrote ${relative(process.cwd(), await writeStreamsSection(saved, repoRoot))}`);
    return 0;
  }
  const run = await runStreams({ repoRoot, quick: values.quick, rounds, only, argv });
  const paths = writeStreams(run, repoRoot, values.out);
  console.log(`\n${publishTable(run)}\n\n${consumeTable(run)}\n`);
  console.log(
    `streams: wrote ${relative(process.cwd(), paths.markdown)} and ${relative(process.cwd(), paths.jsonl)}`,
  );
  if (values.out === undefined && !values.quick) {
    console.log(`streams: wrote ${relative(process.cwd(), await writeStreamsSection(run, repoRoot))}`);
  }
  return 0;
}

main()
  .then((code) => {
    cleanupNow();
    process.exit(code);
  })
  .catch((error: unknown) => {
    console.error(`streams: ${(error as Error)?.stack ?? String(error)}`);
    cleanupNow();
    process.exit(1);
  });
