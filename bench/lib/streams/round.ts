// One round of one system: start it fresh, warm up, publish N records durably, read them
// back, stop it. Sluice runs under bench/loadgen (franz-go), the peers under loadgen-streams.

import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { commandLine, type Loadgen, loadgen } from '../loadgen.js';
import { peakRssKiB, procStat } from '../processes.js';
import { startSluice } from '../sluice-broker.js';
import { type PeerName, startPeer } from './peers.js';

export type SystemName = 'sluice' | PeerName;
export const SYSTEMS: readonly SystemName[] = ['sluice', 'nats', 'redis', 'rabbitmq'];

export interface Scale {
  /** Records published, then read, per round. */
  records: number;
  /** Records published to another stream first, to warm up every system alike (JITs, caches). */
  warmupRecords: number;
  rounds: number;
  /** Bytes per record value. */
  size: number;
  /**
   * Records a publisher may have sent and not yet seen acknowledged, the same for every
   * client (franz-go bounds its buffer in bytes: window × size). At full speed the ack latency
   * is about window / throughput, so only an equal window makes latencies comparable.
   */
  window: number;
}

export const FULL: Scale = { records: 1_000_000, warmupRecords: 200_000, rounds: 3, size: 100, window: 4000 };
export const QUICK: Scale = { records: 50_000, warmupRecords: 10_000, rounds: 1, size: 100, window: 4000 };

const STEP_TIMEOUT_MS = 5 * 60_000;

export type Cell =
  | { ok: true; result: Record<string, unknown>; serverCpuSeconds?: number }
  | { ok: false; error: string };

export interface SystemRound {
  system: SystemName;
  round: number;
  startError?: string;
  publish?: Cell;
  consume?: Cell;
  /** Peak RSS of the server process over the round. */
  peakRssKiB?: number;
  stopNote?: string;
  /** The peer's config file as written by its script (DIR and PORT symbolic). */
  config?: string;
}

export interface Generators {
  /** bench/loadgen (franz-go), for Sluice. */
  kafka: Loadgen;
  /** bench/loadgen-streams, for the peers. */
  streams: Loadgen;
}

interface Server {
  pid: number;
  addr: string;
  config?: string;
  stop(): Promise<string | undefined>;
}

/** The generator's arguments of each step, with the address given (or left symbolic). */
export function steps(system: SystemName, scale: Scale, addr = 'HOST:PORT') {
  if (system === 'sluice') {
    const topic = (t: string) => ['--brokers', addr, '--topic', t];
    const produce = (n: number) => [
      '--records',
      `${n}`,
      '--size',
      `${scale.size}`,
      '--acks',
      'all',
      '--max-buffered-bytes',
      `${scale.window * scale.size}`,
    ];
    return {
      setup: [
        ['create-topic', [...topic('warmup'), '--partitions', '1']],
        ['create-topic', [...topic('bench'), '--partitions', '1']],
      ] as Array<[string, string[]]>,
      warmup: ['produce', [...topic('warmup'), ...produce(scale.warmupRecords)]] as [string, string[]],
      publish: ['produce', [...topic('bench'), ...produce(scale.records), '--partitions', '1']] as [
        string,
        string[],
      ],
      consume: ['consume', [...topic('bench'), '--records', `${scale.records}`]] as [string, string[]],
    };
  }
  const at = (s: string) => ['--peer', system, '--addr', addr, '--stream', s];
  const produce = (n: number) => [
    '--records',
    `${n}`,
    '--size',
    `${scale.size}`,
    '--window',
    `${scale.window}`,
  ];
  return {
    setup: [] as Array<[string, string[]]>,
    warmup: ['produce', [...at('warmup'), ...produce(scale.warmupRecords)]] as [string, string[]],
    publish: ['produce', [...at('bench'), ...produce(scale.records)]] as [string, string[]],
    consume: ['consume', [...at('bench'), '--records', `${scale.records}`]] as [string, string[]],
  };
}

/** The exact generator commands of a system, for the report. */
export function commands(system: SystemName, scale: Scale): string[] {
  const s = steps(system, scale);
  const bin = system === 'sluice' ? 'bench/.bin/loadgen' : 'bench/.bin/loadgen-streams';
  const line = ([sub, args]: [string, string[]]) =>
    commandLine(sub, args).replace(/^bench\/\.bin\/loadgen/, bin);
  return [...s.setup.map(line), line(s.warmup), line(s.publish), line(s.consume)];
}

function ok(cell: Awaited<ReturnType<typeof loadgen>>): boolean {
  return cell.ok && cell.result.complete !== false;
}

export async function runRound(
  system: SystemName,
  round: number,
  scale: Scale,
  env: { repoRoot: string; tmpRoot: string; gens: Generators; log: (line: string) => void },
): Promise<SystemRound> {
  const workDir = join(env.tmpRoot, `${system}-${round}`);
  mkdirSync(workDir, { recursive: true });
  const out: SystemRound = { system, round };
  const gen = system === 'sluice' ? env.gens.kafka : env.gens.streams;
  let server: Server;
  try {
    if (system === 'sluice') {
      const b = await startSluice({ repoRoot: env.repoRoot, workDir, gen: env.gens.kafka });
      server = { pid: b.pid, addr: b.bootstrap, stop: () => b.stop() };
    } else {
      server = await startPeer(env.repoRoot, system, join(workDir, system));
    }
  } catch (error) {
    out.startError = (error as Error).message;
    env.log(`  ${system}: did not start: ${out.startError.split('\n')[0]}`);
    rmSync(workDir, { recursive: true, force: true });
    return out;
  }
  out.config = server.config;
  const s = steps(system, scale, server.addr);
  // A phase: one generator run, with the server's CPU time over it.
  const phase = async ([sub, args]: [string, string[]]): Promise<Cell> => {
    const before = procStat(server.pid)?.cpuSeconds;
    const r = await loadgen(gen, sub, args, STEP_TIMEOUT_MS);
    const after = procStat(server.pid)?.cpuSeconds;
    if (!r.ok) return { ok: false, error: r.error };
    if (!ok(r)) return { ok: false, error: `incomplete: ${JSON.stringify(r.result).slice(0, 400)}` };
    const cpu =
      before !== undefined && after !== undefined ? Math.round((after - before) * 100) / 100 : undefined;
    return { ok: true, result: r.result, serverCpuSeconds: cpu };
  };
  try {
    for (const step of s.setup) {
      const r = await phase(step);
      if (!r.ok) throw new Error(`${step[0]}: ${r.error}`);
    }
    const warm = await phase(s.warmup);
    if (!warm.ok) throw new Error(`warm-up: ${warm.error}`);
    out.publish = await phase(s.publish);
    env.log(`  ${system}: publish ${describe(out.publish, true)}`);
    if (out.publish.ok) {
      out.consume = await phase(s.consume);
      env.log(`  ${system}: consume ${describe(out.consume, false)}`);
    }
  } catch (error) {
    out.publish ??= { ok: false, error: (error as Error).message };
    env.log(`  ${system}: failed: ${(error as Error).message.split('\n')[0]}`);
  } finally {
    out.peakRssKiB = peakRssKiB(server.pid);
    out.stopNote = await server.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
  return out;
}

function describe(cell: Cell, latency: boolean): string {
  if (!cell.ok) return `failed: ${cell.error.split('\n')[0]}`;
  const r = cell.result as {
    recordsPerSec: number;
    mibPerSec: number;
    ackLatency?: { p50Ms: number; p99Ms: number };
  };
  const lat =
    latency && r.ackLatency ? `, ack p50 ${r.ackLatency.p50Ms} ms p99 ${r.ackLatency.p99Ms} ms` : '';
  return `${Math.round(r.recordsPerSec).toLocaleString('en-US')} rec/s, ${r.mibPerSec} MiB/s${lat}`;
}
