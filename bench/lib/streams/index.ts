// The other-peers benchmark (NATS JetStream, Redis Streams, RabbitMQ against Sluice): the only
// door of bench/lib/streams. `runStreams` measures, `renderStreams` writes the markdown section,
// `writeStreams` puts both in bench/results.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLoadgen, type Loadgen } from '../loadgen.js';
import { gitState, machineInfo } from '../machine.js';
import { onCleanup } from '../processes.js';
import { sluiceVersion } from '../sluice-broker.js';
import { buildStreamsLoadgen } from './generator.js';
import { ensurePeers, type PeerName, peerVersions } from './peers.js';
import { renderStreams, type StreamsRun } from './report.js';
import { FULL, QUICK, runRound, type Scale, SYSTEMS, type SystemName, type SystemRound } from './round.js';

export {
  consumeTable,
  DISPLAY,
  median,
  publishTable,
  type Ratio,
  ratios,
  renderStreams,
  type StreamsRun,
} from './report.js';
export { FULL, QUICK, type Scale, SYSTEMS, type SystemName } from './round.js';

export interface StreamsOptions {
  repoRoot: string;
  /** Small counts and one round. */
  quick?: boolean;
  /** Rounds (default: 3, or 1 with quick). */
  rounds?: number;
  /** The systems to measure (default: all four); without 'sluice' there are no ratios. */
  only?: readonly SystemName[];
  /** The command line, for the report. */
  argv?: readonly string[];
  /** bench/loadgen, when the caller has built it already. */
  kafkaLoadgen?: Loadgen;
  log?: (line: string) => void;
}

/** Installs what is missing, then runs every round of every system; never throws for a peer that fails. */
export async function runStreams(o: StreamsOptions): Promise<StreamsRun> {
  const log = o.log ?? ((line: string) => console.log(line));
  const scale: Scale = { ...(o.quick ? QUICK : FULL) };
  if (o.rounds !== undefined) scale.rounds = o.rounds;
  const began = new Date();
  const machine = machineInfo();
  const wanted = SYSTEMS.filter((s) => !o.only || o.only.includes(s));

  log('streams: building the load generators (go build)');
  const kafka = o.kafkaLoadgen ?? (await buildLoadgen(o.repoRoot));
  const streams = await buildStreamsLoadgen(o.repoRoot);
  const peers = wanted.filter((s): s is PeerName => s !== 'sluice');
  const skipped: Partial<Record<PeerName, string>> = {};
  log(
    `streams: installing what is missing of: ${peers.join(', ') || 'no peer'} (scripts/peers/install-streams.sh)`,
  );
  const why = await ensurePeers(o.repoRoot, peers);
  if (why) for (const p of peers) skipped[p] = why;
  const systems = wanted.filter((s) => s === 'sluice' || skipped[s] === undefined);

  const tmpRoot = mkdtempSync(join(tmpdir(), 'sluice-streams-'));
  onCleanup(() => rmSync(tmpRoot, { recursive: true, force: true }));
  const rounds: SystemRound[] = [];
  const env = { repoRoot: o.repoRoot, tmpRoot, gens: { kafka, streams: streams.gen }, log };
  for (let round = 1; round <= scale.rounds; round++) {
    const order = round % 2 === 1 ? systems : [...systems].reverse();
    log(`streams: round ${round} of ${scale.rounds}`);
    for (const s of order) rounds.push(await runRound(s, round, scale, env));
  }
  rmSync(tmpRoot, { recursive: true, force: true });

  const versions: Record<string, string> = {
    sluice: sluiceVersion(o.repoRoot),
    git: await gitState(o.repoRoot),
    go: streams.gen.goVersion,
    franzGo: kafka.franzGoVersion,
    ...(await peerVersions(peers)),
  };
  for (const p of peers) versions[`${p}Client`] = streams.clients[p];
  return {
    began: began.toISOString(),
    ended: new Date().toISOString(),
    argv: [...(o.argv ?? [])],
    scale,
    machine,
    loadAverageAtEnd: loadavg().map((v) => Math.round(v * 100) / 100),
    versions,
    systems,
    skipped,
    rounds,
  };
}

/**
 * Writes the markdown section (to `out`, default bench/results/<time>-streams.md) and every
 * round as one JSON line (bench/results/<time>-streams.jsonl); returns both paths.
 */
export function writeStreams(
  run: StreamsRun,
  repoRoot: string,
  out?: string,
): { markdown: string; jsonl: string } {
  const dir = join(repoRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = run.began.replace(/[:.]/g, '-');
  const markdown = out ?? join(dir, `${stamp}-streams.md`);
  const jsonl = join(dir, `${stamp}-streams.jsonl`);
  writeFileSync(markdown, renderStreams(run));
  writeFileSync(jsonl, `${JSON.stringify(run)}\n`);
  return { markdown, jsonl };
}
export { writeStreamsSection } from './section.js';
