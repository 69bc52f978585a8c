// The markdown section of the other-peers benchmark: medians over rounds, ratios Sluice/peer,
// what an acknowledgement means for each system, the exact commands and configs.

import type { Machine } from '../machine.js';
import { SLUICE_COMMAND } from '../sluice-broker.js';
import { type PeerName, peerCommand, SPECS } from './peers.js';
import { type Cell, commands, type Scale, type SystemName, type SystemRound } from './round.js';

export interface StreamsRun {
  began: string;
  ended: string;
  argv: string[];
  scale: Scale;
  machine: Machine;
  loadAverageAtEnd: number[];
  versions: Record<string, string>;
  systems: SystemName[];
  /** Peers that were asked for but could not be used, and why. */
  skipped: Partial<Record<PeerName, string>>;
  rounds: SystemRound[];
}

export const DISPLAY: Record<SystemName, string> = {
  sluice: 'Sluice',
  nats: SPECS.nats.display,
  redis: SPECS.redis.display,
  rabbitmq: SPECS.rabbitmq.display,
};

type Phase = 'publish' | 'consume';
type Pick = (cell: Cell & { ok: true }) => number | undefined;

function path(p: string): Pick {
  return (cell) => {
    let v: unknown = cell.result;
    for (const k of p.split('.')) v = (v as Record<string, unknown> | undefined)?.[k];
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  };
}

const METRIC = {
  recordsPerSec: path('recordsPerSec'),
  mibPerSec: path('mibPerSec'),
  ackP50: path('ackLatency.p50Ms'),
  ackP99: path('ackLatency.p99Ms'),
  serverCpu: (cell: Cell & { ok: true }) => cell.serverCpuSeconds,
  clientCpu: path('loadgenCpuSeconds'),
} satisfies Record<string, Pick>;
type Metric = keyof typeof METRIC;

export interface Median {
  value: number;
  /** Half the range between rounds, relative to the median. */
  spread: number;
  rounds: number;
}

export function median(
  run: StreamsRun,
  system: SystemName,
  phase: Phase,
  metric: Metric,
): Median | undefined {
  const values: number[] = [];
  for (const r of run.rounds) {
    const cell = r.system === system ? r[phase] : undefined;
    const v = cell?.ok ? METRIC[metric](cell) : undefined;
    if (v !== undefined) values.push(v);
  }
  if (values.length === 0) return undefined;
  values.sort((a, b) => a - b);
  const mid = values.length >> 1;
  const value = values.length % 2 === 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
  const spread = value === 0 ? 0 : (values[values.length - 1] - values[0]) / 2 / value;
  return { value, spread, rounds: values.length };
}

function num(v: number): string {
  if (v >= 1000) return Math.round(v).toLocaleString('en-US');
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

function show(m: Median | undefined): string {
  if (!m) return '–';
  return m.rounds > 1 && m.spread >= 0.005 ? `${num(m.value)} ±${Math.round(m.spread * 100)}%` : num(m.value);
}

function ratio(a: Median | undefined, b: Median | undefined): string {
  if (!a || !b || b.value === 0) return '–';
  return `${(a.value / b.value).toFixed(2)}×`;
}

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map((_h, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

/** Publish: throughput, ack latency, server CPU, and Sluice/peer ratios. */
export function publishTable(run: StreamsRun): string {
  const m = (s: SystemName, k: Metric) => median(run, s, 'publish', k);
  const rows = run.systems.map((s) => [
    DISPLAY[s],
    show(m(s, 'recordsPerSec')),
    show(m(s, 'mibPerSec')),
    show(m(s, 'ackP50')),
    show(m(s, 'ackP99')),
    show(m(s, 'serverCpu')),
    show(m(s, 'clientCpu')),
    s === 'sluice' ? '1.00×' : ratio(m('sluice', 'recordsPerSec'), m(s, 'recordsPerSec')),
    s === 'sluice' ? '1.00×' : ratio(m('sluice', 'ackP50'), m(s, 'ackP50')),
  ]);
  return table(
    [
      'publish (durable, acknowledged)',
      'records/s',
      'MiB/s',
      'ack p50 ms',
      'ack p99 ms',
      'server CPU s',
      'client CPU s',
      'Sluice/peer records/s (>1: Sluice faster)',
      'Sluice/peer ack p50 (<1: Sluice lower)',
    ],
    rows,
  );
}

/** Consume: throughput, server CPU, and the Sluice/peer ratio. */
export function consumeTable(run: StreamsRun): string {
  const m = (s: SystemName, k: Metric) => median(run, s, 'consume', k);
  const rows = run.systems.map((s) => [
    DISPLAY[s],
    show(m(s, 'recordsPerSec')),
    show(m(s, 'mibPerSec')),
    show(m(s, 'serverCpu')),
    show(m(s, 'clientCpu')),
    s === 'sluice' ? '1.00×' : ratio(m('sluice', 'recordsPerSec'), m(s, 'recordsPerSec')),
  ]);
  return table(
    [
      'consume (from the start)',
      'records/s',
      'MiB/s',
      'server CPU s',
      'client CPU s',
      'Sluice/peer records/s (>1: Sluice faster)',
    ],
    rows,
  );
}

/** Peak RSS of each server process over a round (publish and consume of every record), median. */
export function serverTable(run: StreamsRun): string {
  const rows = run.systems.map((s) => {
    const kib = run.rounds
      .filter((r) => r.system === s && r.peakRssKiB !== undefined)
      .map((r) => r.peakRssKiB as number);
    kib.sort((a, b) => a - b);
    const mid = kib.length >> 1;
    const med = kib.length === 0 ? undefined : kib.length % 2 ? kib[mid] : (kib[mid - 1] + kib[mid]) / 2;
    return [DISPLAY[s], med === undefined ? '–' : num(med / 1024)];
  });
  return table(['server process', 'peak RSS MiB over the round'], rows);
}

function failures(run: StreamsRun): string[] {
  const notes: string[] = [];
  for (const [peer, why] of Object.entries(run.skipped))
    notes.push(`- ${DISPLAY[peer as PeerName]} not measured: ${why}`);
  for (const r of run.rounds) {
    const at = `${DISPLAY[r.system]}, round ${r.round}`;
    if (r.startError) notes.push(`- ${at}: did not start: ${r.startError.split('\n')[0]}`);
    for (const phase of ['publish', 'consume'] as const) {
      const c = r[phase];
      if (c && !c.ok) notes.push(`- ${at}, ${phase}: ${c.error.split('\n')[0].slice(0, 300)}`);
    }
    if (r.stopNote) notes.push(`- ${at}: ${r.stopNote}`);
  }
  return notes;
}

const CLIENT: Record<SystemName, string> = {
  sluice:
    'franz-go (bench/loadgen): `produce --acks all` (idempotent, linger 5 ms, batches up to 1 MiB, up to 5 ' +
    "requests in flight), its buffer bounded to the window (`--max-buffered-bytes` = window × size; franz-go's " +
    "default is 32 MiB); `consume` without a group (the Java consumer's fetch defaults)",
  nats:
    'nats.go `jetstream`: `PublishAsync`, every record acknowledged by a PubAck, at most the window ' +
    "unacknowledged (4000 is also the client's default); an ephemeral pull consumer (`Messages()`, the " +
    "client's default batching of 500), AckNone, from the first message",
  redis:
    'go-redis: XADD in pipelines of 1000, window / 1000 pipelines in flight (as many connections); XREAD ' +
    'COUNT 1000 from the last id, no consumer group',
  rabbitmq:
    'amqp091-go: persistent messages to a quorum queue on one channel in confirm mode, at most the window ' +
    'unconfirmed; basic.consume with prefetch 2000 and a multiple-ack every 1000. Not the stream protocol: it ' +
    'is faster, but a stream confirms without an fsync (it relies on replication), so it would not be the ' +
    'durable publish compared here',
};

/** The markdown section: tables, durability, clients, commands, configs, versions, failures. */
export function renderStreams(run: StreamsRun): string {
  const m = run.machine;
  const sc = run.scale;
  const peers = run.systems.filter((s): s is PeerName => s !== 'sluice');
  const v = run.versions;
  const out: string[] = [];
  out.push('## Other peers: NATS JetStream, Redis Streams, RabbitMQ');
  out.push('');
  out.push(
    `Measured ${run.began.slice(0, 16).replace('T', ' ')} UTC on ${m.cpuModel} (${m.nproc} CPUs, ${m.memoryGiB} GiB), ` +
      `${m.os}, kernel ${m.kernel}, node ${m.node}; load average ${m.loadAverageAtStart.join(' ')} at the start, ` +
      `${run.loadAverageAtEnd.join(' ')} at the end. Each system in turn on the same machine (the order reversed ` +
      `every other round), fresh data directory each round, ${sc.rounds} round${sc.rounds > 1 ? 's' : ''}; ` +
      'figures are medians over the rounds (± half the range between rounds). The load generator runs on the ' +
      'same 2 cores as the server, so these are ratios measured in one run, not absolute capacities.',
  );
  out.push('');
  out.push(
    `Workload: ${sc.records.toLocaleString('en-US')} records of ${sc.size} bytes (random, null key) published by one ` +
      'client to one partition / stream / queue, each acknowledged by the server once durable by its own ' +
      `definition (below), as fast as the client goes with at most ${sc.window.toLocaleString('en-US')} records ` +
      'sent and not yet acknowledged (the same window for every client: at full speed the ack latency is about ' +
      'window / throughput, so only an equal window makes latencies comparable); then the ' +
      `same ${sc.records.toLocaleString('en-US')} records read from the start by one client. Before that, ` +
      `${sc.warmupRecords.toLocaleString('en-US')} records go to another stream, to warm every system up alike. ` +
      'Ack latency is per record: from handing it to the client to its acknowledgement. Server CPU is the ' +
      "server process's user + system time over the phase.",
  );
  out.push('');
  out.push(publishTable(run));
  out.push('');
  out.push(consumeTable(run));
  out.push('');
  out.push(serverTable(run));
  out.push('');
  out.push(
    "Client CPU is the load generator's own user + system time over the whole command (it shares the 2 cores " +
      'with the server). Peak RSS includes what each server keeps in memory: Redis holds every record in RAM by ' +
      'design.',
  );
  out.push('');
  out.push('### What an acknowledgement means here');
  out.push('');
  out.push(
    '- **Sluice** (acks=all): the produce response is sent after the batch is appended and fsynced (group ' +
      'commit: pipelined requests share one fsync). Acknowledged records survive power loss.',
  );
  for (const p of peers) out.push(`- **${DISPLAY[p]}**: ${SPECS[p].durability}`);
  out.push('');
  out.push(
    'So only Sluice and RabbitMQ (quorum queue) pay for an fsync before each acknowledgement; NATS and Redis ' +
      'acknowledge from the page cache at their documented defaults. No peer is tuned down: each runs its ' +
      'packaged server with its defaults, except Redis, whose AOF is turned on (its default is no AOF).',
  );
  out.push('');
  out.push('### Clients');
  out.push('');
  for (const s of run.systems) out.push(`- **${DISPLAY[s]}**: ${CLIENT[s]}.`);
  out.push('');
  out.push('### Versions');
  out.push('');
  const ver: string[] = [`Sluice ${v.sluice} (git ${v.git})`];
  for (const p of peers) ver.push(`${SPECS[p].package} ${v[p]} (Debian)`);
  if (v.erlang && peers.includes('rabbitmq')) ver.push(`Erlang ${v.erlang}`);
  ver.push(`Go ${v.go}`, `franz-go ${v.franzGo}`);
  for (const p of peers) if (v[`${p}Client`]) ver.push(v[`${p}Client`]);
  out.push(`${ver.join(', ')}.`);
  out.push('');
  out.push('### Commands');
  out.push('');
  out.push('```sh');
  out.push(`node dist/bench/streams.js ${run.argv.join(' ')}`.trimEnd());
  out.push(
    '# what it runs, per system and round (HOST:PORT is a free port of 127.0.0.1, DIR a fresh directory):',
  );
  for (const s of run.systems) {
    out.push(`# ${DISPLAY[s]}`);
    out.push(s === 'sluice' ? SLUICE_COMMAND : peerCommand(s));
    for (const c of commands(s, sc)) out.push(c);
    out.push(s === 'sluice' ? 'kill -TERM <pid>' : `scripts/peers/${s}.sh stop DIR`);
  }
  out.push('```');
  out.push('');
  const configs = peers
    .map((p) => [p, run.rounds.find((r) => r.system === p && r.config)?.config] as const)
    .filter(([, c]) => c !== undefined);
  if (configs.length > 0) {
    out.push("### Server configs (as written by the scripts; everything else at the server's defaults)");
    out.push('');
    for (const [p, c] of configs) {
      out.push(`${DISPLAY[p]}:`);
      out.push('');
      out.push('```');
      out.push((c as string).trimEnd());
      out.push('```');
      out.push('');
    }
    if (peers.includes('rabbitmq')) {
      out.push(
        'RabbitMQ also gets its own node name, Erlang cookie, mnesia/log directories, no plugins, and its own ' +
          'epmd, all on 127.0.0.1 (`ERL_EPMD_ADDRESS`, `-kernel inet_dist_use_interface`); see ' +
          '`scripts/peers/rabbitmq.sh`.',
      );
      out.push('');
    }
  }
  const notes = failures(run);
  out.push('### Failures and notes');
  out.push('');
  out.push(notes.length > 0 ? notes.join('\n') : 'None: every phase of every round completed.');
  out.push('');
  return out.join('\n');
}

export interface Ratio {
  system: PeerName;
  /** Sluice's median divided by the peer's (throughput: > 1 means Sluice is faster). */
  publishRecordsPerSec?: number;
  consumeRecordsPerSec?: number;
  /** Sluice's median ack p50 divided by the peer's (< 1 means Sluice acknowledges sooner). */
  publishAckP50?: number;
}

/** The ratios Sluice/peer as numbers, e.g. for a chart. */
export function ratios(run: StreamsRun): Ratio[] {
  const r = (phase: Phase, metric: Metric, peer: PeerName) => {
    const a = median(run, 'sluice', phase, metric);
    const b = median(run, peer, phase, metric);
    return a && b && b.value !== 0 ? a.value / b.value : undefined;
  };
  return run.systems
    .filter((s): s is PeerName => s !== 'sluice')
    .map((system) => ({
      system,
      publishRecordsPerSec: r('publish', 'recordsPerSec', system),
      consumeRecordsPerSec: r('consume', 'recordsPerSec', system),
      publishAckP50: r('publish', 'ackP50', system),
    }));
}
