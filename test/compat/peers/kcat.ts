// kcat (librdkafka's command-line client, Debian package `kcat`) as a peer.

import { randomBytes } from 'node:crypto';
import { checkRun, runProcess } from './process.js';
import {
  type Bytes,
  type ConsumeOptions,
  DEFAULT_TIMEOUT_MS,
  type PeerRecord,
  type ProduceMessage,
  type ProduceOptions,
  toBuffer,
} from './types.js';

const KCAT = process.env.SLUICE_KCAT ?? 'kcat';

/**
 * Produces with `kcat -P`. Keys and values are binary-safe (random multi-byte delimiters that
 * occur in no payload). kcat sets headers and the partition per run, so consecutive messages
 * that share them go in one run. Limits of kcat: header values are text without NUL; a run
 * that holds a null value (`-Z`) cannot also send an empty key or value.
 */
export async function kcatProduce(bootstrap: string, opts: ProduceOptions): Promise<{ runs: number }> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const runs = splitRuns(opts.messages);
  for (const run of runs) {
    const payloads = run.flatMap((m) => [toBuffer(m.key), toBuffer(m.value)]);
    const keyDelim = delimiterFor(payloads);
    const msgDelim = delimiterFor(payloads, keyDelim);
    const nulls = run.some((m) => m.value === null);
    const args = ['-b', bootstrap, '-P', '-t', opts.topic, '-K', keyDelim, '-D', msgDelim];
    args.push('-X', `compression.codec=${opts.compression ?? 'none'}`);
    args.push('-X', `acks=${opts.acks === undefined || opts.acks === -1 ? 'all' : opts.acks}`);
    args.push('-X', `message.timeout.ms=${timeoutMs}`);
    for (const [k, v] of Object.entries(opts.config ?? {})) args.push('-X', `${k}=${String(v)}`);
    if (run[0].partition !== undefined) args.push('-p', String(run[0].partition));
    if (nulls) args.push('-Z');
    for (const [name, value] of run[0].headers ?? []) args.push('-H', headerArg(name, value));
    const input: Buffer[] = [];
    for (const m of run) {
      const key = toBuffer(m.key);
      const value = toBuffer(m.value);
      if (nulls && (key?.length === 0 || value?.length === 0)) {
        throw new Error('kcat cannot send an empty key or value in a run that also sends a null value');
      }
      if (key !== null) input.push(key, Buffer.from(keyDelim));
      input.push(value ?? Buffer.alloc(0), Buffer.from(msgDelim));
    }
    const r = await runProcess(KCAT, args, { input: Buffer.concat(input), timeoutMs: timeoutMs + 10_000 });
    checkRun(r, 'kcat produce'); // kcat exits 1 when any message fails delivery
  }
  return { runs: runs.length };
}

/**
 * Consumes `count` messages with `kcat -C` from the beginning of every partition (or in a
 * balanced group with `-G`). Keys and values are read by their lengths, so they are
 * binary-safe; headers come from kcat's `%h` (name=value,...): a header value printed as
 * NULL reads as null, and names or values with ',', '=' or newlines are not supported.
 */
export async function kcatConsume(bootstrap: string, opts: ConsumeOptions): Promise<PeerRecord[]> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const args = ['-b', bootstrap, '-c', String(opts.count), '-f', 'M %p %o %T %K %S\\n%k%s\\n%h\\n'];
  args.push('-X', 'fetch.wait.max.ms=100');
  for (const [k, v] of Object.entries(opts.config ?? {})) args.push('-X', `${k}=${String(v)}`);
  if (opts.group) {
    args.push('-X', 'auto.offset.reset=earliest', '-G', opts.group, opts.topic);
  } else {
    args.push('-C', '-t', opts.topic, '-o', 'beginning');
  }
  const r = await runProcess(KCAT, args, { timeoutMs });
  const records = parseKcatRecords(r.stdout);
  if (r.timedOut) {
    throw new Error(
      `kcat consume timed out after ${timeoutMs} ms with ${records.length}/${opts.count} messages`,
    );
  }
  checkRun(r, 'kcat consume');
  return records;
}

export interface KcatMetadata {
  controllerid?: number;
  brokers: Array<{ id: number; name: string }>;
  topics: Array<{
    topic: string;
    error?: string;
    partitions: Array<{
      partition: number;
      leader: number;
      error?: string;
      replicas: Array<{ id: number }>;
      isrs: Array<{ id: number }>;
    }>;
  }>;
}

/** `kcat -L -J`: the cluster's brokers and topics (one topic if given). */
export async function kcatMetadata(
  bootstrap: string,
  opts: { topic?: string; timeoutMs?: number } = {},
): Promise<KcatMetadata> {
  const args = ['-b', bootstrap, '-L', '-J'];
  if (opts.topic) args.push('-t', opts.topic);
  const r = checkRun(
    await runProcess(KCAT, args, { timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS }),
    'kcat metadata',
  );
  return JSON.parse(r.stdout.toString('utf8')) as KcatMetadata;
}

/** Parses the output of the `-f` format used by kcatConsume. Exported for tests. */
export function parseKcatRecords(out: Buffer): PeerRecord[] {
  const records: PeerRecord[] = [];
  let pos = 0;
  const line = (): string | null => {
    const nl = out.indexOf(0x0a, pos);
    if (nl < 0) return null;
    const s = out.subarray(pos, nl).toString('utf8');
    pos = nl + 1;
    return s;
  };
  const take = (len: number): Buffer | null => {
    if (len < 0) return null;
    const b = out.subarray(pos, pos + len);
    pos += len;
    return Buffer.from(b);
  };
  while (pos < out.length) {
    const meta = line();
    if (meta === null) break; // a torn last record (killed mid-write)
    const m = /^M (-?\d+) (-?\d+) (-?\d+) (-?\d+) (-?\d+)$/.exec(meta);
    if (!m) throw new Error(`unexpected kcat output line: ${JSON.stringify(meta)}`);
    const key = take(Number(m[4]));
    const value = take(Number(m[5]));
    if (out[pos] !== 0x0a) break;
    pos += 1;
    const headers = line();
    if (headers === null) break;
    records.push({
      partition: Number(m[1]),
      offset: Number(m[2]),
      timestamp: Number(m[3]),
      key,
      value,
      headers: parseHeaders(headers),
    });
  }
  return records;
}

function parseHeaders(s: string): Array<[string, Buffer | null]> {
  if (s === '') return [];
  return s.split(',').map((kv) => {
    const eq = kv.indexOf('=');
    if (eq < 0) return [kv, null];
    const v = kv.slice(eq + 1);
    return [kv.slice(0, eq), v === 'NULL' ? null : Buffer.from(v, 'utf8')];
  });
}

function splitRuns(messages: readonly ProduceMessage[]): ProduceMessage[][] {
  const runs: ProduceMessage[][] = [];
  let last = '';
  for (const m of messages) {
    const tag = JSON.stringify([
      m.partition ?? null,
      (m.headers ?? []).map(([k, v]) => [k, headerArg(k, v)]),
    ]);
    if (runs.length === 0 || tag !== last) runs.push([]);
    runs[runs.length - 1].push(m);
    last = tag;
  }
  return runs;
}

function headerArg(name: string, value: Bytes): string {
  if (name.includes('=')) throw new Error(`kcat cannot send header name ${JSON.stringify(name)}`);
  if (value === null) return name; // kcat: -H name (no '=') is a null value
  const text = typeof value === 'string' ? value : value.toString('utf8');
  if (text.includes('\0') || (typeof value !== 'string' && !Buffer.from(text, 'utf8').equals(value))) {
    throw new Error(`kcat header ${name}: values must be text without NUL`);
  }
  return `${name}=${text}`;
}

function delimiterFor(payloads: ReadonlyArray<Buffer | null>, avoid = ''): string {
  for (;;) {
    const d = `~~${randomBytes(6).toString('hex')}~~`;
    if (d !== avoid && payloads.every((p) => p === null || !p.includes(d))) return d;
  }
}
