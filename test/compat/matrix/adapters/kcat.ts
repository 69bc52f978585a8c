// Matrix adapter: kcat (librdkafka), through the compat peer helpers. Compiled to
// dist/test/compat/matrix/adapters/kcat.js; run as `node kcat.js --bootstrap HOST:PORT --prefix P`.
// kcat has no admin API: topics are auto-created by producing (3 partitions: the runner starts
// both brokers so), and create/describe-configs/delete report ok:null. It cannot set message
// timestamps either, so list-offsets-by-timestamp asks (-Q) for a time between the CreateTimes
// librdkafka gave two messages produced in separate runs.

import { type ChildProcess, spawn } from 'node:child_process';
import { kcatMetadata, kcatProduce, type PeerRecord, parseKcatRecords, runProcess } from '../../peers.js';

const KCAT = process.env.SLUICE_KCAT ?? 'kcat';
const BUDGET_MS = 110_000;
const FORMAT = 'M %p %o %T %K %S\\n%k%s\\n%h\\n'; // what parseKcatRecords reads
const REPETITIVE_200 = Buffer.from('sluice compresses this! '.repeat(9).slice(0, 200));

class Unsupported extends Error {}

function parseArgs(argv: string[]): { bootstrap: string; prefix: string } {
  const get = (name: string): string => {
    const i = argv.indexOf(name);
    if (i < 0 || !argv[i + 1]) throw new Error('usage: kcat.js --bootstrap HOST:PORT --prefix P');
    return argv[i + 1];
  };
  return { bootstrap: get('--bootstrap'), prefix: get('--prefix') };
}

const { bootstrap, prefix } = parseArgs(process.argv.slice(2));
const T = (id: string): string => `${prefix}-${id}`;
const G = (id: string): string => `${prefix}-g-${id}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const noAdmin = (): Promise<string> => Promise.reject(new Unsupported('kcat has no admin API'));

/** Everything in the topic, from the beginning of every partition to its end (-e). */
async function readAll(topic: string, timeoutMs = 20_000): Promise<PeerRecord[]> {
  const args = ['-b', bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-f', FORMAT];
  const r = await runProcess(KCAT, [...args, '-X', 'fetch.wait.max.ms=100'], { timeoutMs });
  if (r.code !== 0 || r.timedOut) throw new Error(`kcat -C failed: ${lastLine(r.stderr, r.timedOut)}`);
  return parseKcatRecords(r.stdout);
}

function lastLine(stderr: string, timedOut: boolean): string {
  const tail = stderr.trim().split('\n').filter(Boolean).slice(-2).join(' | ');
  return (timedOut ? 'timed out; ' : '') + tail;
}

async function partitionCount(topic: string): Promise<number> {
  const md = await kcatMetadata(bootstrap, { topic });
  return md.topics.find((t) => t.topic === topic)?.partitions.length ?? 0;
}

const acked = { acks: 'all' as const, config: { 'enable.idempotence': true } };
const state: { read: PeerRecord[] | null } = { read: null };

async function compression(codec: 'gzip' | 'snappy' | 'lz4' | 'zstd'): Promise<string> {
  const topic = T(`compression-${codec}`);
  const messages = Array.from({ length: 50 }, (_, i) => ({ key: `c${i}`, value: REPETITIVE_200 }));
  await kcatProduce(bootstrap, { topic, messages, compression: codec, ...acked });
  const got = await readAll(topic);
  const bad = got.filter((m) => !m.value?.equals(REPETITIVE_200)).length;
  if (got.length !== 50 || bad) throw new Error(`read ${got.length} messages, ${bad} corrupted`);
  return `50 × 200 B ${codec} read back intact`;
}

function perKeyOrder(records: PeerRecord[] | null): string {
  if (!records?.length) throw new Error('nothing was read in consume-from-beginning');
  const byKey = new Map<string, PeerRecord[]>();
  for (const r of records) byKey.set(String(r.key), [...(byKey.get(String(r.key)) ?? []), r]);
  for (const [key, list] of byKey) {
    const parts = new Set(list.map((r) => r.partition));
    if (parts.size !== 1) throw new Error(`key ${key} on partitions ${[...parts].join(',')}`);
    list.sort((a, b) => a.offset - b.offset);
    for (let i = 1; i < list.length; i++) {
      if (Number(list[i].value) <= Number(list[i - 1].value)) {
        throw new Error(
          `key ${key}: value ${list[i].value} at offset ${list[i].offset} after ${list[i - 1].value}`,
        );
      }
    }
  }
  return `${byKey.size} keys over ${new Set(records.map((r) => r.partition)).size} partitions, each in order`;
}

/** A `kcat -G` member; its stderr says what it was assigned ("rebalanced ...: assigned: t [0], ..."). */
class Member {
  readonly child: ChildProcess;
  owned: number[] = [];
  private exited: Promise<void>;

  constructor(topic: string, group: string) {
    const args = ['-b', bootstrap, '-G', group, '-f', FORMAT, '-X', 'session.timeout.ms=10000'];
    args.push('-X', 'heartbeat.interval.ms=300', '-X', 'fetch.wait.max.ms=100', topic);
    this.child = spawn(KCAT, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.exited = new Promise((r) => this.child.once('close', () => r()));
    let buf = '';
    this.child.stderr?.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const line of lines) {
        const m = /rebalanced \(memberid [^)]*\): (assigned|revoked): (.*)$/.exec(line);
        if (!m) continue;
        const parts = [...m[2].matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1]));
        this.owned = m[1] === 'assigned' ? parts.sort((a, b) => a - b) : [];
      }
    });
  }

  /** SIGTERM: kcat closes the consumer, which leaves the group. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(t);
  }
}

async function waitFor(cond: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() >= end) throw new Error(`timed out after ${timeoutMs} ms: ${what()}`);
    await sleep(100);
  }
}

async function groupRebalance(): Promise<string> {
  const topic = T('group-rebalance');
  await kcatProduce(bootstrap, { topic, messages: [{ key: 'x', value: 'create the topic' }], ...acked });
  const n = await partitionCount(topic);
  const all = Array.from({ length: n }, (_, i) => i);
  const members = [new Member(topic, G('group-rebalance'))];
  try {
    await waitFor(
      () => members[0].owned.length === n,
      15_000,
      () => 'the first member got no assignment',
    );
    members.push(new Member(topic, G('group-rebalance')));
    const split = (): boolean =>
      members[0].owned.length > 0 &&
      members[1].owned.length > 0 &&
      new Set([...members[0].owned, ...members[1].owned]).size === n &&
      members[0].owned.length + members[1].owned.length === n;
    await waitFor(
      split,
      20_000,
      () => `both members assigned (now ${JSON.stringify(members.map((m) => m.owned))})`,
    );
    const before = JSON.stringify(members.map((m) => m.owned));
    await members[0].stop();
    await waitFor(
      () => members[1].owned.length === n,
      20_000,
      () => `the remaining member owns all ${n} (it has ${JSON.stringify(members[1].owned)})`,
    );
    return `${n} partitions (auto-created; kcat cannot create a 4-partition topic): split ${before}, then ${JSON.stringify(all)} after one left`;
  } finally {
    await Promise.all(members.map((m) => m.stop()));
  }
}

async function commitAndResume(): Promise<string> {
  const topic = T('commit-and-resume');
  const group = G('commit-and-resume');
  const messages = Array.from({ length: 20 }, (_, i) => ({ key: 'r', value: String(i), partition: 0 }));
  await kcatProduce(bootstrap, { topic, messages, ...acked });
  // -c 10: exit after 10 messages; closing the consumer commits the offsets it stored (10).
  const groupArgs = ['-b', bootstrap, '-G', group, '-f', FORMAT, '-X', 'auto.offset.reset=earliest'];
  groupArgs.push('-X', 'fetch.wait.max.ms=100', '-X', 'heartbeat.interval.ms=300');
  const first = await runProcess(KCAT, [...groupArgs, '-c', '10', topic], { timeoutMs: 20_000 });
  if (first.code !== 0 || first.timedOut)
    throw new Error(`first member: ${lastLine(first.stderr, first.timedOut)}`);
  const firstOffsets = parseKcatRecords(first.stdout).map((r) => r.offset);
  if (JSON.stringify(firstOffsets) !== JSON.stringify([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])) {
    throw new Error(`the first member read offsets ${JSON.stringify(firstOffsets)}`);
  }
  // -e: exit when every assigned partition is at its end.
  const second = await runProcess(KCAT, [...groupArgs, '-e', topic], { timeoutMs: 20_000 });
  if (second.code !== 0 || second.timedOut) {
    throw new Error(`second member: ${lastLine(second.stderr, second.timedOut)}`);
  }
  const offsets = parseKcatRecords(second.stdout)
    .map((r) => r.offset)
    .sort((a, b) => a - b);
  if (JSON.stringify(offsets) !== JSON.stringify([10, 11, 12, 13, 14, 15, 16, 17, 18, 19])) {
    throw new Error(`the new member read offsets ${JSON.stringify(offsets)}`);
  }
  return 'first member (-c 10) read 0..9 and committed on close; the new member read exactly 10..19';
}

async function offsetsByTime(): Promise<string> {
  const topic = T('list-offsets-by-timestamp');
  for (let i = 0; i < 5; i++) {
    await kcatProduce(bootstrap, { topic, messages: [{ value: `t${i}`, partition: 0 }], ...acked });
    await sleep(20); // distinct CreateTimes
  }
  const ts = (await readAll(topic)).filter((r) => r.partition === 0).map((r) => r.timestamp ?? 0);
  if (ts.length !== 5 || !(ts[3] > ts[2])) throw new Error(`read timestamps ${JSON.stringify(ts)}`);
  const at = Math.floor((ts[2] + ts[3]) / 2) + 1; // ts[2] < at <= ts[3]
  const r = await runProcess(KCAT, ['-b', bootstrap, '-Q', '-t', `${topic}:0:${at}`, '-J'], {
    timeoutMs: 15_000,
  });
  if (r.code !== 0 || r.timedOut) throw new Error(`kcat -Q: ${lastLine(r.stderr, r.timedOut)}`);
  const res = JSON.parse(r.stdout.toString('utf8')) as Record<string, Record<string, { offset?: number }>>;
  const offset = res[topic]?.['0']?.offset;
  if (offset !== 3) throw new Error(`offset for a time between the 3rd and 4th message is ${offset}`);
  return 'kcat sets no timestamps: 5 runs, CreateTime by librdkafka; -Q between the 3rd and 4th = offset 3';
}

const scenarios: Array<[string, () => Promise<string>, number?]> = [
  ['create-topic', noAdmin],
  [
    'produce-keyed-acks-all',
    async () => {
      const topic = T('produce-keyed-acks-all');
      const messages = Array.from({ length: 300 }, (_, i) => ({ key: `k${i % 10}`, value: String(i) }));
      await kcatProduce(bootstrap, { topic, messages, ...acked }); // exits 1 unless all are delivered
      return `300 acknowledged (idempotent, acks=all) to an auto-created topic of ${await partitionCount(topic)} partitions`;
    },
  ],
  [
    'consume-from-beginning',
    async () => {
      state.read = await readAll(T('produce-keyed-acks-all'));
      if (state.read.length !== 300) throw new Error(`read ${state.read.length} messages, expected 300`);
      return 'read 300 (-C -o beginning -e)';
    },
  ],
  ['per-key-order', async () => perKeyOrder(state.read)],
  [
    'headers',
    async () => {
      const topic = T('headers');
      const headers = [['h1', 'v1'] as const, ['h2', ''] as const];
      await kcatProduce(bootstrap, {
        topic,
        messages: [{ key: 'h', value: 'with headers', headers }],
        ...acked,
      });
      const [m] = await readAll(topic);
      const seen = (m?.headers ?? []).map(([k, v]) => [k, v === null ? null : v.toString('utf8')]);
      if (
        JSON.stringify(seen) !==
        JSON.stringify([
          ['h1', 'v1'],
          ['h2', ''],
        ])
      ) {
        throw new Error(`read headers ${JSON.stringify(seen)}`);
      }
      return 'h1=v1, h2="" in order';
    },
  ],
  ['compression-gzip', () => compression('gzip')],
  ['compression-snappy', () => compression('snappy')],
  ['compression-lz4', () => compression('lz4')],
  ['compression-zstd', () => compression('zstd')],
  [
    'null-key-and-value',
    async () => {
      // kcat skips an empty input message even with -Z, so: a null key, then a null value.
      const topic = T('null-key-and-value');
      const messages = [
        { key: null, value: 'null key', partition: 0 },
        { key: 'null value', value: null, partition: 0 },
      ];
      await kcatProduce(bootstrap, { topic, messages, ...acked });
      const got = (await readAll(topic)).map((m) => [m.key?.toString() ?? null, m.value?.toString() ?? null]);
      if (
        JSON.stringify(got) !==
        JSON.stringify([
          [null, 'null key'],
          ['null value', null],
        ])
      ) {
        throw new Error(`read ${JSON.stringify(got)}`);
      }
      return 'a null key and (separately: kcat skips an empty message) a null value (-Z) read back as null';
    },
  ],
  [
    'message-1mb',
    async () => {
      const topic = T('message-1mb');
      const big = Buffer.alloc(1_000_000);
      for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 8)) & 0xff;
      await kcatProduce(bootstrap, {
        topic,
        messages: [{ key: 'big', value: big }],
        ...acked,
        config: { ...acked.config, 'message.max.bytes': 2_000_000 },
      });
      const got = await readAll(topic);
      if (got.length !== 1 || !got[0].value?.equals(big)) {
        throw new Error(`read ${got.length} message(s) of ${got[0]?.value?.length} bytes, not the same`);
      }
      return '1,000,000 bytes read back intact';
    },
  ],
  ['group-rebalance', groupRebalance, 50_000],
  ['commit-and-resume', commitAndResume, 45_000],
  ['list-offsets-by-timestamp', offsetsByTime],
  ['describe-configs', noAdmin],
  ['delete-topic', noAdmin],
];

function emit(scenario: string, ok: boolean | null, detail: string): void {
  process.stdout.write(`${JSON.stringify({ scenario, ok, detail })}\n`);
}

const start = Date.now();
for (const [id, fn, limitMs = 25_000] of scenarios) {
  const left = BUDGET_MS - (Date.now() - start);
  if (left < 1_000) {
    emit(id, false, 'not run: the adapter used up its time budget');
    continue;
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const detail = await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`scenario timed out after ${Math.min(limitMs, left)} ms`)),
          Math.min(limitMs, left),
        );
      }),
    ]);
    emit(id, true, detail);
  } catch (e) {
    if (e instanceof Unsupported) emit(id, null, `not supported by kcat: ${e.message}`);
    else {
      const msg = e instanceof Error ? e.message : String(e);
      emit(id, false, msg.replace(/\s+/g, ' ').slice(0, 300));
      process.stderr.write(`[${id}] ${e instanceof Error ? e.stack : e}\n`);
    }
  } finally {
    clearTimeout(timer);
  }
}
process.exit(0);
