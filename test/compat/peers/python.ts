// The Python clients as peers: confluent-kafka (librdkafka) and kafka-python, both from Debian,
// driven by the scripts in test/compat/python/ (one JSON job in, one JSON result out).

import { join } from 'node:path';
import { repoRoot, runProcess } from './process.js';
import {
  type ConsumeOptions,
  DEFAULT_TIMEOUT_MS,
  type PeerRecord,
  type ProduceOptions,
  toBuffer,
} from './types.js';

/** Debian's python3-kafka and python3-confluent-kafka import only under the system Python. */
export const SYSTEM_PYTHON = process.env.SLUICE_PYTHON ?? '/usr/bin/python3';

type Script = 'confluent_produce' | 'confluent_consume' | 'kafkapy_produce' | 'kafkapy_consume';

interface WireRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: Array<[string, string | null]>;
  timestamp?: number;
}

interface WireResult {
  ok: boolean;
  client: string;
  results: WireRecord[];
  error?: string;
}

/** Produces with confluent-kafka; offsets and partitions come from the delivery reports. */
export function confluentProduce(bootstrap: string, opts: ProduceOptions): Promise<PeerRecord[]> {
  return runJob('confluent_produce', produceJob(bootstrap, opts), opts.timeoutMs);
}

/** Consumes `count` messages with confluent-kafka (from the beginning, or in a group). */
export function confluentConsume(bootstrap: string, opts: ConsumeOptions): Promise<PeerRecord[]> {
  return runJob('confluent_consume', consumeJob(bootstrap, opts), opts.timeoutMs);
}

/**
 * Produces with kafka-python. Its limits: a message needs a key or a value, and header values
 * cannot be null. `config` takes KafkaProducer keyword arguments (api_version as [2, 6, 0]).
 */
export function kafkapyProduce(bootstrap: string, opts: ProduceOptions): Promise<PeerRecord[]> {
  return runJob('kafkapy_produce', produceJob(bootstrap, opts), opts.timeoutMs);
}

/** Consumes `count` messages with kafka-python (from the beginning, or in a group). */
export function kafkapyConsume(bootstrap: string, opts: ConsumeOptions): Promise<PeerRecord[]> {
  return runJob('kafkapy_consume', consumeJob(bootstrap, opts), opts.timeoutMs);
}

function b64(b: Buffer | string | null | undefined): string | null {
  const buf = toBuffer(b);
  return buf === null ? null : buf.toString('base64');
}

function produceJob(bootstrap: string, o: ProduceOptions): object {
  return {
    bootstrap,
    topic: o.topic,
    compression: o.compression ?? 'none',
    acks: o.acks ?? 'all',
    timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    config: o.config ?? {},
    messages: o.messages.map((m) => ({
      key: b64(m.key),
      value: b64(m.value),
      headers: (m.headers ?? []).map(([k, v]) => [k, b64(v)]),
      partition: m.partition ?? null,
    })),
  };
}

function consumeJob(bootstrap: string, o: ConsumeOptions): object {
  return {
    bootstrap,
    topic: o.topic,
    count: o.count,
    group: o.group ?? null,
    timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    config: o.config ?? {},
  };
}

async function runJob(script: Script, job: object, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<PeerRecord[]> {
  const path = join(repoRoot(), 'test', 'compat', 'python', `${script}.py`);
  // The script keeps its own deadline; the extra time covers interpreter start and close().
  const r = await runProcess(SYSTEM_PYTHON, [path], {
    input: JSON.stringify(job),
    timeoutMs: timeoutMs + 15_000,
  });
  const lastLine = r.stdout.toString('utf8').trim().split('\n').pop() ?? '';
  let res: WireResult;
  try {
    res = JSON.parse(lastLine) as WireResult;
  } catch {
    const how = r.timedOut ? 'timed out' : `exited ${r.code ?? r.signal}`;
    throw new Error(
      `${script}.py ${how} without a result\n${r.stderr.trim().split('\n').slice(-15).join('\n')}`,
    );
  }
  if (!res.ok) {
    throw new Error(
      `${script}.py (${res.client}): ${res.error} [${res.results.length} message(s) before that]`,
    );
  }
  return res.results.map((w) => ({
    partition: w.partition,
    offset: w.offset,
    key: w.key === null ? null : Buffer.from(w.key, 'base64'),
    value: w.value === null ? null : Buffer.from(w.value, 'base64'),
    headers: w.headers.map(([k, v]) => [k, v === null ? null : Buffer.from(v, 'base64')]),
    timestamp: w.timestamp,
  }));
}
