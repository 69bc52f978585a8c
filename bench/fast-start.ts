// Start-up with many partitions: 2,000 topics × 5 partitions, one record each, on Sluice and
// Apache Kafka in one run. Each broker is stopped cleanly and restarted, then killed with -9 and
// restarted, and timed from its process start to "ready": Metadata lists every topic with a
// leader, a produce (acks=all) to the last partition is acknowledged and a fetch reads it back.
// Writes docs/bench-sections/fast-start.md (and recomposes docs/benchmarks.md).
//
//   node dist/bench/fast-start.js [--topics N] [--partitions N] [--only sluice|kafka]
//                                 [--sluice-root DIR] [--no-section]
//
// --sluice-root runs the Sluice build in DIR (its dist/) instead of this one, e.g. to measure
// an older commit on the same machine; --no-section then keeps the report on stdout only.

import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type ApiDefinition,
  CreateTopics,
  decodeResponse,
  ErrorCode,
  encodePlainBatch,
  encodeRequest,
  Fetch,
  Metadata,
  type Partially,
  Produce,
  type RequestOf,
  type ResponseOf,
} from '../src/protocol/index.js';
import {
  type BrokerName,
  DISPLAY,
  kafkaOverrides,
  type RunningBroker,
  type StartContext,
} from './lib/broker.js';
import { ensureKafka, kafkaVersion, restartKafka, startKafka } from './lib/kafka-peer.js';
import { buildLoadgen } from './lib/loadgen.js';
import { machineInfo } from './lib/machine.js';
import { installSignalHandlers, isAlive, run, sleep } from './lib/processes.js';
import { writeSection } from './lib/sections.js';
import { startSluice } from './lib/sluice-broker.js';

const TOPICS_PER_REQUEST = 200;
const LAYOUT_TIMEOUT_MS = 15 * 60_000;
const READY_TIMEOUT_MS = 10 * 60_000;
/** Pause between readiness attempts (the figure's resolution). */
const PROBE_INTERVAL_MS = 5;

interface Layout {
  topics: string[];
  partitions: number;
}

interface Measured {
  broker: BrokerName;
  error?: string;
  layoutSeconds?: number;
  /** SIGTERM (kafka.sh stop) → process gone. */
  cleanStopMs?: number;
  stopNote?: string;
  /** Process start → ready, after a clean stop. */
  readyAfterCleanMs?: number;
  /** Process start → ready, after kill -9. */
  readyAfterKillMs?: number;
  log?: string;
}

/** A bare Kafka protocol connection on Sluice's codec: exact control over versions and retries. */
class Wire {
  private buffered: Buffer = Buffer.alloc(0);
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (f: Buffer) => void; reject: (e: Error) => void }>();

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk) => this.onData(chunk));
    const fail = (err: Error) => {
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  static open(port: number): Promise<Wire> {
    return new Promise((done, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.off('error', reject);
        done(new Wire(socket));
      });
      socket.once('error', reject);
    });
  }

  async request<A extends ApiDefinition>(
    api: A,
    version: number,
    body: Partially<RequestOf<A>>,
  ): Promise<ResponseOf<A>> {
    const correlationId = this.next++;
    const frame = await new Promise<Buffer>((resolve, reject) => {
      this.waiting.set(correlationId, { resolve, reject });
      for (const part of encodeRequest(api, version, { correlationId, clientId: 'fast-start' }, body))
        this.socket.write(part);
    });
    return decodeResponse(api, version, frame).body;
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 4) {
      const size = this.buffered.readInt32BE(0);
      if (this.buffered.length < 4 + size) return;
      const frame = this.buffered.subarray(4, 4 + size);
      this.buffered = this.buffered.subarray(4 + size);
      const id = frame.readInt32BE(0);
      this.waiting.get(id)?.resolve(frame);
      this.waiting.delete(id);
    }
  }
}

const portOf = (b: RunningBroker) => Number(b.bootstrap.split(':')[1]);
const record = (value: string) =>
  encodePlainBatch([{ key: null, value: Buffer.from(value), timestamp: Date.now() }]);

/** Creates the topics and writes one record to every partition, retrying partitions not ready yet. */
async function buildLayout(port: number, layout: Layout): Promise<void> {
  const wire = await Wire.open(port);
  const deadline = Date.now() + LAYOUT_TIMEOUT_MS;
  try {
    for (let i = 0; i < layout.topics.length; i += TOPICS_PER_REQUEST) {
      const names = layout.topics.slice(i, i + TOPICS_PER_REQUEST);
      const res = await wire.request(CreateTopics, 5, {
        topics: names.map((name) => ({ name, numPartitions: layout.partitions, replicationFactor: 1 })),
        timeoutMs: 120_000,
      });
      const bad = res.topics.find(
        (t) => t.errorCode !== ErrorCode.NONE && t.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS,
      );
      if (bad) throw new Error(`CreateTopics ${bad.name}: error ${bad.errorCode} ${bad.errorMessage ?? ''}`);
    }
    let pending = layout.topics.flatMap((name) =>
      Array.from({ length: layout.partitions }, (_, p) => ({ name, p })),
    );
    while (pending.length > 0) {
      if (Date.now() > deadline) throw new Error(`${pending.length} partitions never took a record`);
      const failed: typeof pending = [];
      for (let i = 0; i < pending.length; i += TOPICS_PER_REQUEST * layout.partitions) {
        const chunk = pending.slice(i, i + TOPICS_PER_REQUEST * layout.partitions);
        const byTopic = new Map<string, number[]>();
        for (const { name, p } of chunk) byTopic.set(name, [...(byTopic.get(name) ?? []), p]);
        const res = await wire.request(Produce, 8, {
          acks: -1,
          timeoutMs: 30_000,
          topicData: [...byTopic].map(([name, parts]) => ({
            name,
            partitionData: parts.map((index) => ({ index, records: record(`${name}-${index}`) })),
          })),
        });
        for (const t of res.responses)
          for (const r of t.partitionResponses)
            if (r.errorCode !== ErrorCode.NONE) failed.push({ name: t.name, p: r.index });
      }
      pending = failed;
      if (pending.length > 0) await sleep(200);
    }
  } finally {
    wire.close();
  }
}

/** One readiness attempt; a reason while not ready. */
async function readyOnce(wire: Wire, layout: Layout): Promise<string | undefined> {
  const meta = await wire.request(Metadata, 9, { topics: null, allowAutoTopicCreation: false });
  const wanted = new Set(layout.topics);
  let led = 0;
  for (const t of meta.topics) {
    if (t.name === null || !wanted.has(t.name) || t.errorCode !== ErrorCode.NONE) continue;
    if (
      t.partitions.length === layout.partitions &&
      t.partitions.every((p) => p.leaderId >= 0 && p.errorCode === 0)
    )
      led++;
  }
  if (led < layout.topics.length) return `metadata: ${led} of ${layout.topics.length} topics led`;
  const topic = layout.topics[layout.topics.length - 1];
  const partition = layout.partitions - 1;
  const produced = await wire.request(Produce, 8, {
    acks: -1,
    timeoutMs: 30_000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records: record('probe') }] }],
  });
  const answer = produced.responses[0]?.partitionResponses[0];
  if (answer?.errorCode !== ErrorCode.NONE) return `produce: error ${answer?.errorCode}`;
  const fetched = await wire.request(Fetch, 11, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic,
        partitions: [
          { partition, fetchOffset: answer.baseOffset, partitionMaxBytes: 1 << 20, logStartOffset: -1 },
        ],
      },
    ],
  });
  const p = fetched.responses[0]?.partitions[0];
  if (p?.errorCode !== ErrorCode.NONE || !p.records || p.records.length === 0)
    return `fetch: error ${p?.errorCode}`;
  return undefined;
}

/** Unix ms at which the broker on `port` was first ready; retries from before it listens. */
async function probeReady(port: number, layout: Layout): Promise<number> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let why = 'no connection';
  while (Date.now() < deadline) {
    let wire: Wire | undefined;
    try {
      wire = await Wire.open(port);
      for (;;) {
        const reason = await readyOnce(wire, layout);
        if (reason === undefined) return Date.now();
        why = reason;
        if (Date.now() > deadline) break;
        await sleep(PROBE_INTERVAL_MS);
      }
    } catch (err) {
      why = (err as Error).message;
      await sleep(PROBE_INTERVAL_MS);
    } finally {
      wire?.close();
    }
  }
  throw new Error(`not ready within ${READY_TIMEOUT_MS / 1000} s: ${why}`);
}

async function killHard(pid: number): Promise<void> {
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 1000 && isAlive(pid); i++) await sleep(10);
}

async function measure(
  broker: BrokerName,
  ctx: StartContext,
  layout: Layout,
  say: (s: string) => void,
): Promise<Measured> {
  const result: Measured = { broker };
  let running: RunningBroker | undefined;
  const restart = async (port: number, bootstrap: string, logName: string) => {
    const probe = probeReady(port, layout);
    probe.catch(() => {});
    running =
      broker === 'sluice' ? await startSluice({ ...ctx, port, logName }) : restartKafka(ctx, bootstrap);
    const readyAt = await probe;
    return readyAt - running.startUnixMs;
  };
  try {
    running = broker === 'sluice' ? await startSluice(ctx) : await startKafka(ctx);
    const { bootstrap } = running;
    const port = portOf(running);
    say(`started on ${bootstrap}; creating ${layout.topics.length} × ${layout.partitions} partitions`);
    const began = performance.now();
    await buildLayout(port, layout);
    result.layoutSeconds = (performance.now() - began) / 1000;
    say(`layout built in ${result.layoutSeconds.toFixed(1)} s; clean stop`);

    const stopping = performance.now();
    result.stopNote = await running.stop();
    result.cleanStopMs = performance.now() - stopping;
    running = undefined;
    await run('sync', [], { timeoutMs: 300_000 });
    result.readyAfterCleanMs = await restart(port, bootstrap, 'sluice-clean.log');
    say(`ready ${Math.round(result.readyAfterCleanMs)} ms after a clean stop; kill -9`);

    const pid = (running as RunningBroker | undefined)?.pid ?? -1;
    await killHard(pid);
    await (running as RunningBroker | undefined)?.stop(); // closes the log file: the process is gone
    running = undefined;
    // The page cache keeps what the process wrote (no power loss); sync so the restart does not
    // compete with writeback.
    await run('sync', [], { timeoutMs: 300_000 });
    result.readyAfterKillMs = await restart(port, bootstrap, 'sluice-killed.log');
    say(`ready ${Math.round(result.readyAfterKillMs)} ms after kill -9`);
  } catch (err) {
    result.error = (err as Error).message;
    result.log = running?.logTail(20);
    say(`FAILED: ${result.error.split('\n')[0]}`);
  } finally {
    if (running) await running.stop();
  }
  return result;
}

const seconds = (ms: number | undefined) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(2)} s`);
const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? '—' : `${(a / b).toFixed(2)}×`;

function report(results: Measured[], layout: Layout, head: string): string {
  const by = (b: BrokerName) => results.find((r) => r.broker === b);
  const sluice = by('sluice');
  const kafka = by('kafka');
  const rows = results.map(
    (r) =>
      `| ${DISPLAY[r.broker]} | ${seconds(r.readyAfterCleanMs)} | ${seconds(r.readyAfterKillMs)} | ${seconds(r.cleanStopMs)}${r.stopNote ? ` (${r.stopNote})` : ''} | ${r.layoutSeconds?.toFixed(1) ?? '—'} s |`,
  );
  const failures = results
    .filter((r) => r.error)
    .map(
      (r) =>
        `- ${DISPLAY[r.broker]} failed: ${r.error?.split('\n')[0]}${r.log ? `\n\n\`\`\`\n${r.log}\n\`\`\`` : ''}`,
    );
  return `## Start-up with ${(layout.topics.length * layout.partitions).toLocaleString('en-US')} partitions

${head}

Layout: ${layout.topics.length.toLocaleString('en-US')} topics × ${layout.partitions} partitions, one record in each. Ready = from the
broker process's start (per /proc) until Metadata lists every topic with a leader, a produce
(acks=all) to the last partition is acknowledged and a fetch reads it back (probed every ${PROBE_INTERVAL_MS} ms
from the moment the process is started). Both brokers at their defaults; Kafka recovers after an
unclean shutdown as it does by default.

| broker | ready after a clean stop | ready after kill -9 | clean stop took | building the layout |
|---|---|---|---|---|
${rows.join('\n')}

Sluice / Kafka: ${ratio(sluice?.readyAfterCleanMs, kafka?.readyAfterCleanMs)} after a clean stop, ${ratio(sluice?.readyAfterKillMs, kafka?.readyAfterKillMs)} after kill -9 (below 1: Sluice is ready sooner).
${failures.length > 0 ? `\n${failures.join('\n')}\n` : ''}
Command: \`node dist/bench/fast-start.js --topics ${layout.topics.length} --partitions ${layout.partitions}\`.
`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      topics: { type: 'string' },
      partitions: { type: 'string' },
      only: { type: 'string' },
      'sluice-root': { type: 'string' },
      'no-section': { type: 'boolean' },
    },
  });
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const sluiceRoot = values['sluice-root'] ? resolve(values['sluice-root']) : root;
  const topicCount = Number(values.topics ?? 2000);
  const partitions = Number(values.partitions ?? 5);
  const layout: Layout = { topics: Array.from({ length: topicCount }, (_, i) => `s${i}`), partitions };
  const brokers: BrokerName[] = values.only ? [values.only as BrokerName] : ['sluice', 'kafka'];
  installSignalHandlers();
  const gen = await buildLoadgen(root);
  const results: Measured[] = [];
  for (const broker of brokers) {
    const say = (s: string) => process.stdout.write(`[${broker}] ${s}\n`);
    if (broker === 'kafka') {
      const missing = await ensureKafka(root);
      if (missing) {
        results.push({ broker, error: missing });
        continue;
      }
    }
    const workDir = mkdtempSync(join(tmpdir(), `fast-start-${broker}-`));
    try {
      const ctx: StartContext = {
        repoRoot: broker === 'sluice' ? sluiceRoot : root,
        workDir,
        gen,
        kafkaOverrides: kafkaOverrides(undefined),
      };
      results.push(await measure(broker, ctx, layout, say));
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  }
  const m = machineInfo();
  const head = `${new Date().toISOString()}; ${m.cpuModel}, ${m.nproc} CPUs, ${m.memoryGiB} GiB, ${m.os}; Node ${process.version}${
    brokers.includes('kafka') ? `, Kafka ${kafkaVersion(root)}` : ''
  }${sluiceRoot !== root ? `; Sluice from ${sluiceRoot}` : ''}.`;
  const markdown = report(results, layout, head);
  process.stdout.write(`\n${markdown}`);
  if (!values['no-section']) process.stdout.write(`\nwrote ${writeSection(root, 'fast-start', markdown)}\n`);
}

main().catch((err) => {
  process.stderr.write(`fast-start: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
