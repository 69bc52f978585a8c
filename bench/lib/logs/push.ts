// Loki push over HTTP (JSON), as Promtail or Grafana Alloy would send it: batches of lines grouped
// into streams by labels, from a few senders at once.

export interface PushResult {
  lines: number;
  bytes: number;
  requests: number;
  seconds: number;
  firstNs: bigint;
  lastNs: bigint;
}

const SERVICES = [
  'orders',
  'payments',
  'catalog',
  'inventory',
  'users',
  'notifications',
  'gateway',
  'search',
];
const LEVELS = ['info', 'info', 'info', 'info', 'info', 'info', 'debug', 'debug', 'warn', 'error'];

/** One batch: `size` lines of ~250 bytes spread over streams {service, level, job}. */
function batchBody(
  size: number,
  seq: number,
  sender: number,
): { body: string; bytes: number; lastNs: bigint } {
  const streams = new Map<string, { stream: Record<string, string>; values: [string, string][] }>();
  let bytes = 0;
  let ns = BigInt(Date.now()) * 1_000_000n;
  for (let i = 0; i < size; i++) {
    const n = seq * size + i;
    const service = SERVICES[(n * 7 + sender) % SERVICES.length];
    const level = LEVELS[(n * 13) % LEVELS.length];
    const key = `${service}/${level}`;
    let s = streams.get(key);
    if (!s) {
      s = { stream: { service, level, job: 'loki-push-bench' }, values: [] };
      streams.set(key, s);
    }
    const trace = (n * 2654435761).toString(16).padStart(16, '0').repeat(2);
    const line = `level=${level} ts=${new Date(Number(ns / 1_000_000n)).toISOString()} caller=handler.go:${100 + (n % 300)} msg="request served" method=GET path=/api/${service}/${n % 100_000} status=200 duration_ms=${n % 997} trace_id=${trace} sender=${sender}`;
    bytes += Buffer.byteLength(line);
    s.values.push([String(ns), line]);
    ns += 1000n;
  }
  return { body: JSON.stringify({ streams: [...streams.values()] }), bytes, lastNs: ns };
}

/** Sends batches from `senders` concurrent loops until `totalBytes` of lines went out. */
export async function pushLoad(
  httpUrl: string,
  totalBytes: number,
  batchLines: number,
  senders: number,
): Promise<PushResult> {
  const result: PushResult = { lines: 0, bytes: 0, requests: 0, seconds: 0, firstNs: 0n, lastNs: 0n };
  result.firstNs = BigInt(Date.now()) * 1_000_000n;
  let claimed = 0;
  const began = performance.now();
  const loop = async (sender: number) => {
    for (let seq = 0; claimed < totalBytes; seq++) {
      const batch = batchBody(batchLines, seq, sender);
      claimed += batch.bytes;
      const res = await fetch(`${httpUrl}/loki/api/v1/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: batch.body,
      });
      if (res.status !== 204) throw new Error(`push answered ${res.status}: ${await res.text()}`);
      result.lines += batchLines;
      result.bytes += batch.bytes;
      result.requests++;
      if (batch.lastNs > result.lastNs) result.lastNs = batch.lastNs;
    }
  };
  await Promise.all(Array.from({ length: senders }, (_, i) => loop(i)));
  result.seconds = (performance.now() - began) / 1000;
  return result;
}
